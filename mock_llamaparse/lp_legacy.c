/* The old pipeline mock's contract, kept working beside the real API:
 * POST /parse {job_id, source_url, webhook_url} and GET /jobs/{job_id}.
 * Missing or wrong fields are 400 (the old mock answered 500). */
#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "control.h"
#include "json.h"
#include "lp_ctx.h"
#include "lp_webhook.h"
#include "timer.h"

static const char *str_field(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

#define CORRELATION_MAX 256

/* The pipeline's tracing id: the body's correlation_id, else the
 * x-correlation-id header, else the job id, so its webhook receiver (which
 * refuses a delivery without one) always finds it. NULL when one was given
 * but is unusable. */
static const char *correlation(srv_req *r, const cJSON *j, const char *id)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "correlation_id");
    const char *c = v ? (cJSON_IsString(v) ? v->valuestring : NULL) : srv_req_header(r, "x-correlation-id");
    if (v && !c)
        return NULL;
    if (!c)
        return id;
    for (const unsigned char *p = (const unsigned char *)c; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return NULL;
    }
    return *c && strlen(c) <= CORRELATION_MAX ? c : NULL;
}

/* job_id and source_url are required, webhook_url optional; returns the
 * message for a 400, or NULL when the body is good. */
static const char *check(const cJSON *j, const char **id, const char **url, const char **hook)
{
    if (!cJSON_IsObject(j))
        return "The body must be a JSON object: {\"job_id\", \"source_url\", \"webhook_url\"}.";
    *id = str_field(j, "job_id");
    *url = str_field(j, "source_url");
    *hook = str_field(j, "webhook_url");
    if (!*id)
        return "Missing or invalid field: job_id (a non-empty string).";
    /* The id goes into URL paths and, unescaped, into JSON answers and
     * webhooks: a quote, backslash or control character would break them. */
    if (strlen(*id) > LP_ID_MAX ||
        strspn(*id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~:") != strlen(*id))
        return "Invalid job_id: at most 64 characters, letters, digits, '-', '_', '.', '~' or ':' only.";
    if (!*url || !lp_url_valid(*url))
        return "Missing or invalid field: source_url (an http or https URL).";
    if (cJSON_GetObjectItemCaseSensitive(j, "webhook_url") && (!*hook || !lp_url_valid(*hook)))
        return "Invalid field: webhook_url (an http or https URL).";
    return NULL;
}

void lp_legacy_parse(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    size_t len;
    const char *body = srv_req_body(r, &len);
    cJSON *j = json_parse_body(body, len);
    const char *id = NULL, *url = NULL, *hook = NULL, *bad = check(j, &id, &url, &hook);
    const char *corr = bad ? NULL : correlation(r, j, id);
    if (!bad && !corr)
        bad = "Invalid correlation_id (body field or x-correlation-id header): 1 to 256 printable characters.";
    if (bad) {
        lp_detail(r, 400, bad);
    } else {
        lp_job *job = lp_url_job(id, url, "cost_effective", NULL, 0, "{}");
        if (job) {
            job->hooks.legacy = true;
            lp_job_faults_apply(r, job);
        }
        if (job && ((hook && !(job->hooks.url = strdup(hook))) || !(job->hooks.correlation_id = strdup(corr)))) {
            lp_job_release(job);
            job = NULL;
        }
        if (!job)
            lp_detail(r, 500, "Out of memory.");
        else if (lp_upload_store(r, c, job))
            buf_printf(srv_resp_body(r), "{\"parse_job_id\":\"mock-parse-%s\",\"status\":\"queued\",\"estimated_completion\":%ld}",
                       id, (c->job_delay_ms + 999) / 1000);
    }
    cJSON_Delete(j);
}

static void write_legacy(const lp_job *j, lp_status st, void *ctx)
{
    srv_req *r = ctx;
    const char *status = st == LP_PENDING ? (j->fetching ? "queued" : "processing")
                         : st == LP_SUCCESS || st == LP_PARTIAL_SUCCESS ? "completed" : "failed";
    char created[32], done[32];
    iso_time(created, j->created_at, 0, 0);
    iso_time(done, j->created_at + (time_t)((j->ready_ms - j->created_ms) / 1000), 0, 0);
    buf *b = srv_resp_body(r);
    buf_puts(b, "{\"job_id\":");
    buf_json_str(b, j->id, strlen(j->id));
    buf_printf(b, ",\"parse_job_id\":\"mock-parse-%s\",\"status\":\"%s\",\"created_at\":\"%s\",\"completed_at\":", j->id,
               status, created);
    buf_puts(b, st == LP_PENDING ? "null" : "\"");
    if (st != LP_PENDING)
        buf_printf(b, "%s\"", done);
    const char *corr = j->hooks.correlation_id ? j->hooks.correlation_id : j->id;
    buf_puts(b, ",\"correlation_id\":");
    buf_json_str(b, corr, strlen(corr));
    buf_puts(b, "}");
}

void lp_legacy_job(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (!lp_store_with(c->store, srv_req_param(r, "job_id"), write_legacy, r))
        lp_detail(r, 404, "Job not found.");
}

void lp_handle_webhooks(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (control_authorised(c->ctl, r))
        lp_hooks_write_json(c->hooks, srv_resp_body(r));
}
