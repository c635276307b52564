/* Record mode: a request without a recording goes to the upstream on the
 * upstream thread, its libmicrohttpd connection suspended meanwhile; the
 * answer is saved (a success only: errors pass through unrecorded, so a
 * rate limit or an outage is not replayed for ever) and returned to the
 * client as it came. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "oa_error.h"
#include "oa_record_internal.h"
#include "rec_store.h"
#include "upstream.h"

typedef struct pending {
    srv_req *r;        /* not to be touched once a passed-through stream began */
    srv_feed *feed;    /* a stream passed through as it comes, or NULL */
    char path[128];
    oa_rec_family f;
    cJSON *body;
    char folder[4096];
    char name[64];
} pending;

/* Headers that steer the upstream without being secrets. */
static const char *const passed[] = {"openai-organization", "openai-project", "openai-beta", "accept"};

static cJSON *whole_doc(const pending *p, const cJSON *norm, long status, const up_answer *a)
{
    char key[REC_KEY_LEN + 1];
    rec_key(norm, key);
    bool stream = !strncmp(a->content_type, "text/event-stream", 17);
    cJSON *doc = cJSON_CreateObject(), *rec = cJSON_AddObjectToObject(doc, "recorded");
    bool ok = rec && cJSON_AddStringToObject(doc, "request_hash", key) &&
              cJSON_AddStringToObject(rec, "endpoint", p->path) &&
              cJSON_AddItemToObject(rec, "request", cJSON_Duplicate(norm, true)) &&
              cJSON_AddNumberToObject(rec, "status", (double)status) && cJSON_AddBoolToObject(rec, "stream", stream);
    cJSON *sorted = ok ? rec_sorted(doc) : NULL;
    cJSON_Delete(doc);
    cJSON *r = cJSON_GetObjectItemCaseSensitive(sorted, "recorded");
    const char *raw = a->body.data ? a->body.data : "";
    cJSON *answer = stream ? cJSON_CreateString(raw) : cJSON_ParseWithLength(raw, a->body.len);
    if (r && answer && stream && cJSON_AddItemToObject(r, "upstream_events", answer))
        return sorted;
    if (r && answer && !stream && oa_rec_keep_answer(r, answer, raw, a->body.len))
        return sorted;
    if (stream || !r)
        cJSON_Delete(answer);
    cJSON_Delete(sorted);
    return NULL;
}

static void save(const pending *p, const up_answer *a)
{
    cJSON *norm = oa_rec_normalise(p->f, p->body), *doc = NULL;
    const char *data = a->body.data ? a->body.data : "";
    if (norm && p->f == OA_REC_CHAT)
        doc = oa_rec_chat_rule(norm, p->body, a->status, a->content_type, data, a->body.len);
    else if (norm && p->f == OA_REC_EMBEDDINGS)
        doc = oa_rec_embed_doc(norm, data, a->body.len);
    else if (norm)
        doc = whole_doc(p, norm, a->status, a);
    char err[512] = "the answer could not be read";
    if (doc && rec_write(p->folder, p->name, doc, err, sizeof err))
        log_msg(LOG_INFO, "record: saved %s/%s", p->folder, p->name);
    else
        log_msg(LOG_WARN, "record: not saved %s/%s: %s", p->folder, p->name, err);
    cJSON_Delete(norm);
    cJSON_Delete(doc);
}

/* A stream that succeeds goes to the client as it comes (unless a fault
 * chose how the answer goes: then it is sent whole). */
static bool stream_head(void *ctx, const up_answer *a)
{
    pending *p = ctx;
    if (a->status < 200 || a->status >= 300 || strncmp(a->content_type, "text/event-stream", 17) != 0)
        return false;
    srv_resp_status(p->r, (int)a->status);
    srv_resp_header(p->r, "content-type", a->content_type);
    srv_resp_header(p->r, "cache-control", "no-cache");
    srv_resp_header(p->r, "x-mock-record", "recorded");
    if (!(p->feed = srv_resp_feed(p->r)))
        return false;
    srv_resp_finish(p->r);
    p->r = NULL;
    return true;
}

static void stream_piece(void *ctx, const char *data, size_t len)
{
    srv_feed_write(((pending *)ctx)->feed, data, len);
}

static void answered(void *ctx, up_answer *a)
{
    pending *p = ctx;
    srv_req *r = p->r;
    if (p->feed) {
        if (a->status >= 200 && a->status < 300 && !a->error)
            save(p, a);
        srv_feed_end(p->feed, !a->error);
        cJSON_Delete(p->body);
        free(p);
        return;
    }
    if (a->status == 0) {
        char msg[600];
        snprintf(msg, sizeof msg, "The upstream could not be reached: %.500s", a->error ? a->error : "unknown error");
        oa_error(r, 502, msg, "server_error", NULL, "upstream_unreachable");
        log_msg(LOG_WARN, "record: %s %s: %s", srv_req_method(r), srv_req_path(r), msg);
    } else {
        bool success = a->status >= 200 && a->status < 300;
        if (success)
            save(p, a);
        srv_resp_header(r, "x-mock-record", success ? "recorded" : "upstream");
        srv_resp_status(r, (int)a->status);
        srv_resp_header(r, "content-type", a->content_type);
        if (a->body.len && !buf_append(srv_resp_body(r), a->body.data, a->body.len))
            oa_core_error(r, 500, "out of memory");
    }
    cJSON_Delete(p->body);
    free(p);
    srv_resp_finish(r);
}

cJSON *oa_rec_forward(srv_req *r, oa_rec *rec, oa_rec_family f, cJSON *body, const char *folder, const char *name)
{
    size_t len;
    const char *raw = srv_req_body(r, &len);
    pending *p = calloc(1, sizeof *p);
    up_call *c = p ? up_call_new("POST", srv_req_path(r)) : NULL;
    bool ok = c && up_call_auth(c, rec->up, r) && up_call_body(c, "application/json", raw ? raw : "", len);
    for (size_t i = 0; ok && i < sizeof passed / sizeof passed[0]; i++) {
        const char *v = srv_req_header(r, passed[i]);
        ok = !v || up_call_header(c, passed[i], v);
    }
    if (!ok) {
        up_call_free(c);
        free(p);
        oa_core_error(r, 500, "out of memory");
        return body;
    }
    p->r = r;
    p->f = f;
    p->body = body;
    snprintf(p->path, sizeof p->path, "%s", srv_req_path(r));
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "stream")) && srv_resp_get_delivery(r) == SRV_DELIVER_NORMAL)
        up_call_stream(c, stream_head, stream_piece);
    snprintf(p->folder, sizeof p->folder, "%s", folder);
    snprintf(p->name, sizeof p->name, "%s", name);
    srv_resp_defer(r); /* before the call can end */
    upstream_send(rec->up, c, r, answered, p);
    return NULL;
}
