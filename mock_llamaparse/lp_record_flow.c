/* Record mode: an upload with no recording is parsed by the upstream, on
 * the upstream thread, while the client's upload waits (its connection
 * suspended): upload, poll the job until it ends, fetch result/json, save
 * the pages as a fixture, then answer the upload as a replay would. The
 * upstream's errors on the upload itself are passed on as they came. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "lp_fixtures.h"
#include "lp_record_internal.h"
#include "rec_store.h"
#include "upstream.h"
#include "worker.h"

typedef struct flow {
    srv_req *r;
    lp_rec *rec;
    srv_handler original;
    char folder[4096], base[128];
    char job[128];
    cJSON *source; /* what was uploaded: file name, sha256, options */
    uint64_t deadline;
} flow;

static void end(flow *f)
{
    srv_req *r = f->r;
    cJSON_Delete(f->source);
    free(f);
    srv_resp_finish(r);
}

static void fail(flow *f, int status, const char *what, const up_answer *a)
{
    char msg[700];
    snprintf(msg, sizeof msg, "Recording from the upstream failed: %s (%.400s).", what,
             a && a->error ? a->error : a && a->body.data ? a->body.data : "no details");
    lp_detail(f->r, status, msg);
    log_msg(LOG_WARN, "record: %s/%s.json: %s", f->folder, f->base, msg);
    end(f);
}

static bool send_next(flow *f, const char *suffix, unsigned after, up_done_fn done)
{
    char path[300];
    snprintf(path, sizeof path, "/api/v1/parsing/job/%s%s", f->job, suffix);
    up_call *c = up_call_new("GET", path);
    if (!c || !up_call_auth(c, f->rec->up, f->r)) {
        up_call_free(c);
        return false;
    }
    up_call_after(c, after);
    return upstream_send(f->rec->up, c, f->r, done, f);
}

/* The pages (md, text, page) and the job's metadata, as a fixture. */
static cJSON *fixture(const flow *f, const cJSON *result)
{
    const cJSON *pages = cJSON_GetObjectItemCaseSensitive(result, "pages");
    cJSON *doc = cJSON_IsArray(pages) ? cJSON_CreateObject() : NULL;
    cJSON *out = doc ? cJSON_AddArrayToObject(doc, "pages") : NULL;
    bool ok = out && cJSON_AddItemToObject(doc, "source", cJSON_Duplicate(f->source, true));
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(result, "job_metadata");
    if (ok && meta)
        ok = cJSON_AddItemToObject(doc, "job_metadata", cJSON_Duplicate(meta, true));
    static const char *const kept[] = {"page", "md", "text"};
    for (const cJSON *p = ok ? pages->child : NULL; ok && p; p = p->next) {
        cJSON *page = cJSON_CreateObject();
        ok = page && cJSON_AddItemToArray(out, page);
        for (size_t i = 0; ok && i < sizeof kept / sizeof kept[0]; i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, kept[i]);
            ok = !v || cJSON_AddItemToObject(page, kept[i], cJSON_Duplicate(v, true));
        }
    }
    cJSON *sorted = ok ? rec_sorted(doc) : NULL;
    cJSON_Delete(doc);
    return sorted;
}

static void on_result(void *ctx, up_answer *a)
{
    flow *f = ctx;
    if (a->status != 200)
        {
        fail(f, 502, "its JSON result could not be had", a);
        return;
    }
    cJSON *result = cJSON_ParseWithLength(a->body.data ? a->body.data : "", a->body.len);
    cJSON *doc = fixture(f, result);
    cJSON_Delete(result);
    char name[160], err[512] = "the result has no pages";
    snprintf(name, sizeof name, "%s.json", f->base);
    bool saved = doc && rec_write(f->folder, name, doc, err, sizeof err);
    cJSON_Delete(doc);
    if (!saved)
        {
        fail(f, 502, err, NULL);
        return;
    }
    log_msg(LOG_INFO, "record: saved %s/%s", f->folder, name);
    srv_resp_header(f->r, "x-mock-record", "recorded");
    lp_rec_answer(f->r, f->rec, f->original, f->folder, f->base);
    end(f);
}

static void on_poll(void *ctx, up_answer *a)
{
    flow *f = ctx;
    if (a->status != 200)
        {
        fail(f, 502, "its job could not be polled", a);
        return;
    }
    cJSON *job = cJSON_ParseWithLength(a->body.data ? a->body.data : "", a->body.len);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(job, "status");
    char status[32];
    snprintf(status, sizeof status, "%s", cJSON_IsString(st) ? st->valuestring : "");
    cJSON_Delete(job);
    bool ok;
    if (!strcmp(status, "SUCCESS") || !strcmp(status, "PARTIAL_SUCCESS"))
        ok = send_next(f, "/result/json", 0, on_result);
    else if (!strcmp(status, "PENDING") || !strcmp(status, "RUNNING"))
        ok = worker_now_ms() < f->deadline ? send_next(f, "", (unsigned)f->rec->cfg.poll_ms, on_poll)
                                           : (fail(f, 504, "its job did not end within --upstream-timeout-ms", NULL), true);
    else
        {
        fail(f, 502, "its job did not succeed", a);
        return;
    }
    if (!ok)
        fail(f, 500, "out of memory", NULL);
}

static void on_upload(void *ctx, up_answer *a)
{
    flow *f = ctx;
    if (a->status == 0)
        {
        fail(f, 502, "the upstream could not be reached", a);
        return;
    }
    cJSON *job = a->status == 200 ? cJSON_ParseWithLength(a->body.data ? a->body.data : "", a->body.len) : NULL;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(job, "id");
    if (cJSON_IsString(id))
        snprintf(f->job, sizeof f->job, "%s", id->valuestring);
    cJSON_Delete(job);
    if (!f->job[0] || strchr(f->job, '/')) { /* the upstream's own refusal, as it came */
        srv_resp_header(f->r, "x-mock-record", "upstream");
        srv_resp_status(f->r, (int)a->status);
        srv_resp_header(f->r, "content-type", a->content_type);
        if (a->body.len)
            buf_append(srv_resp_body(f->r), a->body.data, a->body.len);
        log_msg(LOG_WARN, "record: the upstream refused the upload of %s/%s.json: HTTP %ld", f->folder, f->base,
                a->status);
        end(f);
        return;
    }
    if (!send_next(f, "", 0, on_poll))
        fail(f, 500, "out of memory", NULL);
}

/* The form as it came, less the webhooks (the upstream would call the
 * client's endpoints), then the document. */
static bool form(up_call *c, const cJSON *fields, const char *data, size_t len, const char *filename)
{
    bool ok = true;
    for (const cJSON *fl = fields ? fields->child : NULL; ok && fl; fl = fl->next) {
        if (!strcmp(fl->string, "webhook_url") || !strcmp(fl->string, "webhook_configurations"))
            continue;
        const cJSON *one = cJSON_IsArray(fl) ? NULL : fl;
        for (const cJSON *v = one ? one : fl->child; ok && v; v = one ? NULL : v->next)
            ok = !cJSON_IsString(v) || up_call_field(c, fl->string, v->valuestring);
    }
    return ok && up_call_file(c, "file", filename, data, len);
}

static cJSON *source(const char *data, size_t len, const char *filename, const cJSON *fields)
{
    char sum[65];
    lp_sha256_hex(data, len, sum);
    cJSON *s = cJSON_CreateObject();
    cJSON *opts = fields ? cJSON_Duplicate(fields, true) : cJSON_CreateObject();
    cJSON_DeleteItemFromObjectCaseSensitive(opts, "webhook_url");
    cJSON_DeleteItemFromObjectCaseSensitive(opts, "webhook_configurations");
    if (s && opts && cJSON_AddStringToObject(s, "file_name", filename) && cJSON_AddStringToObject(s, "sha256", sum) &&
        cJSON_AddNumberToObject(s, "bytes", (double)len) && cJSON_AddItemToObject(s, "options", opts))
        return s;
    cJSON_Delete(s);
    return NULL;
}

void lp_rec_forward(srv_req *r, lp_rec *rec, srv_handler original, const char *folder, const char *base,
                    const char *data, size_t len, const char *filename)
{
    const cJSON *fields = lp_upload_fields(r);
    flow *f = calloc(1, sizeof *f);
    up_call *c = f ? up_call_new("POST", "/api/v1/parsing/upload") : NULL;
    bool ok = c && (f->source = source(data, len, filename, fields)) && up_call_auth(c, rec->up, r) &&
              form(c, fields, data, len, filename);
    if (!ok) {
        up_call_free(c);
        if (f)
            cJSON_Delete(f->source);
        free(f);
        lp_detail(r, 500, "Out of memory.");
        return;
    }
    f->r = r;
    f->rec = rec;
    f->original = original;
    f->deadline = worker_now_ms() + (uint64_t)rec->cfg.timeout_ms;
    snprintf(f->folder, sizeof f->folder, "%s", folder);
    snprintf(f->base, sizeof f->base, "%s", base);
    srv_resp_defer(r);
    upstream_send(rec->up, c, r, on_upload, f);
}
