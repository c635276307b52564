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

static void print(srv_req *r, const cJSON *o)
{
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    if (text)
        buf_puts(srv_resp_body(r), text);
    else
        oa_error(r, 500, "The server had an error while processing your request. Sorry about that!", "server_error", NULL, NULL);
    cJSON_free(text);
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
    print(g->r, v);
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
    if (!oa_resp_store_with(c->resp_store, id, on_get, &g))
        not_found(r, id);
}

void oa_handle_response_delete(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    const char *id = srv_req_param(r, "id");
    if (!oa_resp_store_remove(c->resp_store, id)) {
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
    print(g->r, v);
    cJSON_Delete(v);
}

void oa_handle_response_cancel(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    const char *id = srv_req_param(r, "id");
    get_ctx g = {r, false, -1, false};
    if (!oa_resp_store_with(c->resp_store, id, on_cancel, &g))
        not_found(r, id);
    else if (g.cancel_refused)
        oa_error(r, 400, "Cannot cancel a synchronous response.", IRE, NULL, NULL);
}

typedef struct page {
    srv_req *r;
    const char *after;
    long limit;
    bool asc;
    bool bad_after;
} page;

/* One page of the input items: after the cursor, in the order asked. */
static void on_items(oa_resp_rec *rec, void *ctx)
{
    page *p = ctx;
    int n = cJSON_GetArraySize(rec->input);
    int start = 0;
    if (p->after) {
        start = -1;
        for (int i = 0; i < n; i++) {
            int at = p->asc ? i : n - 1 - i;
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(rec->input, at), "id");
            if (cJSON_IsString(id) && !strcmp(id->valuestring, p->after))
                start = i + 1;
        }
        if (start < 0) {
            p->bad_after = true;
            return;
        }
    }
    cJSON *list = cJSON_CreateObject(), *data = cJSON_AddArrayToObject(list, "data");
    const char *first = NULL, *last = NULL;
    int i = start;
    for (; i < n && i - start < p->limit; i++) {
        const cJSON *item = cJSON_GetArrayItem(rec->input, p->asc ? i : n - 1 - i);
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
        last = cJSON_IsString(id) ? id->valuestring : NULL;
        first = first ? first : last;
        cJSON_AddItemToArray(data, cJSON_Duplicate(item, true));
    }
    cJSON_AddStringToObject(list, "object", "list");
    cJSON_AddItemToObject(list, "first_id", first ? cJSON_CreateString(first) : cJSON_CreateNull());
    cJSON_AddItemToObject(list, "last_id", last ? cJSON_CreateString(last) : cJSON_CreateNull());
    cJSON_AddBoolToObject(list, "has_more", i < n);
    print(p->r, list);
    cJSON_Delete(list);
}

void oa_handle_response_input_items(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    const char *id = srv_req_param(r, "id"), *order = srv_req_query(r, "order"), *limit = srv_req_query(r, "limit");
    char *end = NULL;
    long n = limit ? strtol(limit, &end, 10) : 20;
    if (limit && (end == limit || *end || n < 1 || n > 100)) {
        char msg[200];
        snprintf(msg, sizeof msg, "Invalid 'limit': integer %s. Expected a value between 1 and 100.",
                 n < 1 ? "below minimum value" : "above maximum value");
        oa_error(r, 400, msg, IRE, "limit", n < 1 ? "integer_below_min_value" : "integer_above_max_value");
        return;
    }
    if (order && strcmp(order, "asc") && strcmp(order, "desc")) {
        char msg[200];
        snprintf(msg, sizeof msg, "Invalid value: '%.40s'. Supported values are: 'asc' and 'desc'.", order);
        oa_error(r, 400, msg, IRE, "order", "invalid_value");
        return;
    }
    page p = {r, srv_req_query(r, "after"), n, order && !strcmp(order, "asc"), false};
    if (!oa_resp_store_with(c->resp_store, id, on_items, &p))
        not_found(r, id);
    else if (p.bad_after) {
        char msg[200];
        snprintf(msg, sizeof msg, "Item with id '%.80s' not found.", p.after);
        oa_error(r, 404, msg, IRE, "after", NULL);
    }
}
