/* The stored responses' endpoints: GET /v1/responses/{id} (JSON, or its
 * events again with ?stream=true&starting_after=N), DELETE, GET .../input_items
 * (cursor pages), POST .../cancel (background responses only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oa_handlers.h"
#include "oa_resp.h"
#include "oa_resp_store.h"
#include "timer.h"

static void not_found(srv_req *r, const char *id)
{
    char msg[200];
    snprintf(msg, sizeof msg, "Response with id '%.80s' not found.", id);
    oa_error(r, 404, msg, IRE, NULL, NULL);
}

typedef struct get_ctx {
    srv_req *r;
    bool stream;
    long after;
    bool cancel_refused;
} get_ctx;

/* Its events again, after starting_after; a response still running has
 * only its start so far (created, in_progress). */
static void replay(get_ctx *g, const oa_resp_rec *rec, uint64_t now)
{
    const char *st = oa_resp_rec_status(rec, now);
    bool running = !strcmp(st, "queued") || !strcmp(st, "in_progress");
    srv_resp_header(g->r, "content-type", "text/event-stream; charset=utf-8");
    oa_resp_events(srv_resp_body(g->r), rec->response, g->after, running);
}

static void on_get(oa_resp_rec *rec, void *ctx)
{
    get_ctx *g = ctx;
    uint64_t now = timer_now_ms();
    if (g->stream) {
        replay(g, rec, now);
        return;
    }
    cJSON *v = oa_resp_rec_view(rec, now);
    oa_resp_print(g->r, v);
    cJSON_Delete(v);
}

void oa_handle_response_get(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    const char *id = srv_req_param(r, "id"), *stream = srv_req_query(r, "stream");
    const char *after = srv_req_query(r, "starting_after");
    get_ctx g = {r, stream && !strcmp(stream, "true"), after ? strtol(after, NULL, 10) : -1, false};
    if (!oa_resp_store_with(c->resp_store, id, false, on_get, &g))
        not_found(r, id);
}

void oa_handle_response_delete(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    const char *id = srv_req_param(r, "id");
    if (!oa_resp_store_remove(c->resp_store, id, false)) {
        not_found(r, id);
        return;
    }
    buf_printf(srv_resp_body(r), "{\"id\":\"%.80s\",\"object\":\"response\",\"deleted\":true}", id);
}

static void on_cancel(oa_resp_rec *rec, void *ctx)
{
    get_ctx *g = ctx;
    uint64_t now = timer_now_ms();
    if (!rec->background) {
        g->cancel_refused = true;
        return;
    }
    const char *st = oa_resp_rec_status(rec, now);
    if (!strcmp(st, "queued") || !strcmp(st, "in_progress"))
        rec->cancelled = true;
    cJSON *v = oa_resp_rec_view(rec, now);
    oa_resp_print(g->r, v);
    cJSON_Delete(v);
}

void oa_handle_response_cancel(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    const char *id = srv_req_param(r, "id");
    get_ctx g = {r, false, -1, false};
    if (!oa_resp_store_with(c->resp_store, id, false, on_cancel, &g))
        not_found(r, id);
    else if (g.cancel_refused)
        oa_error(r, 400, "Cannot cancel a synchronous response.", IRE, NULL, NULL);
}

typedef struct page {
    srv_req *r;
    oa_resp_page_q q;
    bool bad_after;
} page;

static void on_items(oa_resp_rec *rec, void *ctx)
{
    page *p = ctx;
    cJSON *list = oa_resp_page(rec->input, &p->q);
    p->bad_after = !list;
    if (list)
        oa_resp_print(p->r, list);
    cJSON_Delete(list);
}

void oa_handle_response_input_items(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    const char *id = srv_req_param(r, "id");
    page p = {r, {0}, false};
    if (!oa_resp_page_query(r, &p.q, "desc"))
        return;
    if (!oa_resp_store_with(c->resp_store, id, false, on_items, &p))
        not_found(r, id);
    else if (p.bad_after) {
        char msg[200];
        snprintf(msg, sizeof msg, "Item with id '%.80s' not found.", p.q.after);
        oa_error(r, 404, msg, IRE, "after", NULL);
    }
}
