/* --record: the recording handlers in front of chat, responses, completions
 * and embeddings. A recording answers; else the upstream does (and is
 * recorded), or a 404 says what is missing, or (--fallback synthetic) the
 * mock's own answer. Faults were decided before any of this: a replay is
 * one more handler answer, paced and cut like the others. */
#include "oa_record.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "oa_error.h"
#include "oa_handlers.h"
#include "oa_record_internal.h"
#include "rec_mode.h"
#include "rec_store.h"
#include "upstream.h"

#define OA_REC_TIMEOUT_DEFAULT_MS 600000

oa_rec *oa_rec_new(const oa_rec_config *cfg, const oa_ctx *c, char *err, size_t errlen)
{
    rec_flags f = {cfg->dir, cfg->upstream, cfg->key, cfg->fallback, cfg->replay_only,
                   cfg->timeout_ms > 0 ? cfg->timeout_ms : OA_REC_TIMEOUT_DEFAULT_MS};
    oa_rec *rec = calloc(1, sizeof *rec);
    if (!rec) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (rec_mode_open(&f, &rec->up, &rec->synthetic, err, errlen) <= 0) {
        free(rec);
        return NULL;
    }
    rec->cfg = *cfg;
    rec->c = c;
    return rec;
}

void oa_rec_free(oa_rec *rec)
{
    if (!rec)
        return;
    upstream_stop(rec->up);
    free(rec);
}

void oa_rec_synthetic(srv_req *r, const oa_rec *rec, oa_rec_family f)
{
    void *ctx = (void *)rec->c;
    switch (f) {
    case OA_REC_CHAT:
        oa_handle_chat(r, ctx);
        return;
    case OA_REC_RESPONSES:
        oa_handle_responses(r, ctx);
        return;
    case OA_REC_EMBEDDINGS:
        oa_handle_embeddings(r, ctx);
        return;
    case OA_REC_COMPLETIONS:
        oa_handle_completions(r, ctx);
        return;
    }
}

/* Replay only, and nothing recorded: say so in OpenAI's envelope, and in
 * the log, so a suite that went off script fails where it did. */
static void missing(srv_req *r, const char *folder, const char *name)
{
    char msg[600];
    snprintf(msg, sizeof msg,
             "No recording for this request: %.300s/%.60s does not exist. Record it with --upstream URL, or allow "
             "synthetic answers with --fallback synthetic.", folder, name);
    oa_error(r, 404, msg, "invalid_request_error", NULL, "recording_not_found");
    log_msg(LOG_WARN, "record: no recording %s/%s for %s %s", folder, name, srv_req_method(r), srv_req_path(r));
}

static void serve(srv_req *r, oa_rec *rec, oa_rec_family f)
{
    if (!oa_auth_check(r, rec->c))
        return;
    size_t len;
    const char *body = srv_req_body(r, &len);
    cJSON *json = cJSON_ParseWithLength(body ? body : "", len);
    char name[64], folder[4096];
    if (!oa_rec_file_name(f, json, name, sizeof name)) {
        cJSON_Delete(json);
        oa_rec_synthetic(r, rec, f); /* not an object: the mock's own 400 */
        return;
    }
    if (!rec_folder(folder, sizeof folder, rec->cfg.dir, srv_req_header(r, "x-test-id"))) {
        cJSON_Delete(json);
        oa_error(r, 400, "The x-test-id header is too long for a recording folder.", "invalid_request_error", NULL, NULL);
        return;
    }
    cJSON *doc = rec_read(folder, name);
    /* x-mock-record says where the answer came from (oa_record_forward.c
     * sets "recorded" or "upstream"). */
    if (doc && srv_resp_header(r, "x-mock-record", "replayed"))
        oa_rec_replay(r, rec, f, json, doc);
    else if (doc)
        oa_core_error(r, 500, "out of memory");
    else if (rec->up)
        json = oa_rec_forward(r, rec, f, json, folder, name); /* taken */
    else if (rec->synthetic && srv_resp_header(r, "x-mock-record", "synthetic"))
        oa_rec_synthetic(r, rec, f);
    else if (srv_resp_header(r, "x-mock-record", "missing"))
        missing(r, folder, name);
    else
        oa_core_error(r, 500, "out of memory");
    cJSON_Delete(doc);
    cJSON_Delete(json);
}

static void on_chat(srv_req *r, void *rec)
{
    serve(r, rec, OA_REC_CHAT);
}

static void on_responses(srv_req *r, void *rec)
{
    serve(r, rec, OA_REC_RESPONSES);
}

static void on_completions(srv_req *r, void *rec)
{
    serve(r, rec, OA_REC_COMPLETIONS);
}

static void on_embeddings(srv_req *r, void *rec)
{
    serve(r, rec, OA_REC_EMBEDDINGS);
}

/* Azure's paths are not recorded: without --fallback synthetic they say
 * so rather than answer synthetically unnoticed. */
static void on_azure(srv_req *r, void *rec)
{
    (void)rec;
    srv_resp_header(r, "x-mock-record", "missing");
    oa_error(r, 404, "Azure OpenAI's paths are not recorded: record and replay the /v1 paths, or answer these "
                     "synthetically with --fallback synthetic.", "invalid_request_error", NULL, "recording_not_found");
    log_msg(LOG_WARN, "record: no recording for %s %s (Azure paths are not recorded)", srv_req_method(r),
            srv_req_path(r));
}

void oa_rec_routes(srv_routes *t, oa_rec *rec)
{
    static const struct {
        const char *path;
        srv_handler fn;
    } mine[] = {
        {"/v1/chat/completions", on_chat},
        {"/v1/responses", on_responses},
        {"/v1/embeddings", on_embeddings},
        {"/v1/completions", on_completions},
    };
    for (size_t i = 0; rec && i < t->n; i++) {
        for (size_t k = 0; k < sizeof mine / sizeof mine[0]; k++) {
            if (!strcmp(t->v[i].method, "POST") && !strcmp(t->v[i].pattern, mine[k].path)) {
                t->v[i].fn = mine[k].fn;
                t->v[i].ctx = rec;
            }
        }
        if (!rec->synthetic && !strcmp(t->v[i].method, "POST") && !strncmp(t->v[i].pattern, "/openai/", 8)) {
            t->v[i].fn = on_azure;
            t->v[i].ctx = rec;
        }
    }
}

void oa_rec_script(srv_req *r, oa_chat_req *q)
{
    const char *reply = srv_req_note(r, "rec.reply"), *tool = srv_req_note(r, "rec.tool");
    if (tool) {
        q->scripted = NULL;
        q->scripted_tool = tool;
        q->scripted_args = srv_req_note(r, "rec.args");
    } else if (reply) {
        q->scripted = reply;
        q->scripted_tool = NULL;
        q->scripted_args = NULL;
    }
}
