/* The v2 parse API (@llamaindex/llama-cloud's parsing.parse): upload with a
 * JSON configuration, get with ?expand=, list, cancel, delete. Jobs are the
 * v1 jobs, their states in v2's names. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lp_files_store.h"
#include "lp_v2.h"
#include "timer.h"

#define PROJECT LP_PROJECT_ID

/* v2 names, with RUNNING for the last two thirds of a job's time. */
const char *lp_v2_status(const lp_job *j, lp_status st)
{
    switch (st) {
    case LP_PENDING:
        return timer_now_ms() < j->created_ms + (j->ready_ms - j->created_ms) / 3 ? "PENDING" : "RUNNING";
    case LP_SUCCESS:
    case LP_PARTIAL_SUCCESS:
        return "COMPLETED";
    case LP_CANCELLED:
        return "CANCELLED";
    default:
        return "FAILED";
    }
}

void lp_v2_job_json(buf *b, const lp_job *j, lp_status st, bool usage)
{
    char when[32];
    iso_time(when, j->created_at, 0, 0);
    buf_printf(b, "{\"id\":\"%s\",\"project_id\":\"%s\",\"status\":\"%s\",\"created_at\":\"%s\",\"updated_at\":\"%s\","
                  "\"error_message\":",
               j->id, PROJECT, lp_v2_status(j, st), when, when);
    if (st == LP_ERROR && j->error_message)
        buf_json_str(b, j->error_message, strlen(j->error_message));
    else
        buf_puts(b, "null");
    buf_puts(b, ",\"name\":");
    buf_json_str(b, j->filename, strlen(j->filename));
    buf_printf(b, ",\"tier\":\"%s\"", j->tier);
    if (j->user_metadata)
        buf_printf(b, ",\"user_metadata\":%s", j->user_metadata);
    if (usage) /* credits are spent once the pages are parsed */
        buf_printf(b, ",\"usage\":{\"credits\":%zu}", st == LP_SUCCESS || st == LP_PARTIAL_SUCCESS ? lp_job_credits(j) : 0);
    buf_puts(b, "}");
}

static void write_job(buf *b, const lp_job *j, lp_status st)
{
    lp_v2_job_json(b, j, st, false);
}

typedef struct v2_answer {
    srv_req *r;
    unsigned expand;
} v2_answer;

static void write_job_cb(const lp_job *j, lp_status st, void *ctx)
{
    write_job(srv_resp_body(((v2_answer *)ctx)->r), j, st);
}

/* version and user_metadata of either create: false with the 422 written. */
static bool check_v2(srv_req *r, lp_job *j, const char *version, const cJSON *meta)
{
    if (version && !lp_v2_version_ok(j->tier, version)) {
        char msg[160];
        snprintf(msg, sizeof msg, "Value error, version must be 'latest' or a %s version from GET /api/v2/parse/versions",
                 j->tier);
        lp_unprocessable(r, "body", "version", "value_error", msg, version);
        return false;
    }
    return lp_v2_user_metadata(r, meta, &j->user_metadata);
}

void lp_v2_upload(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    lp_job *j = lp_upload_job(r, c);
    if (!j)
        return;
    const char *meta_text = lp_upload_field(r, "user_metadata");
    cJSON *meta = meta_text ? json_parse_body(meta_text, strlen(meta_text)) : NULL;
    bool ok = (!meta_text || meta) && check_v2(r, j, lp_upload_field(r, "version"), meta);
    if (meta_text && !meta)
        lp_unprocessable(r, "body", "user_metadata", "dict_type", "Input should be a valid dictionary", meta_text);
    cJSON_Delete(meta);
    if (!ok) {
        lp_job_release(j);
        return;
    }
    j->v2 = true;
    buf answer = BUF_INIT;
    write_job(&answer, j, timer_now_ms() < j->ready_ms ? LP_PENDING : j->outcome);
    if (lp_upload_store(r, c, j) && answer.data)
        buf_append(srv_resp_body(r), answer.data, answer.len);
    buf_free(&answer);
}

/* The job for a stored file's bytes (file_id), parsed now as an upload is;
 * NULL with the error written. */
static lp_job *file_job(srv_req *r, const lp_ctx *c, const char *file_id, const char *tier, const lp_page_opts *o,
                        const char *params)
{
    char *data, *name;
    size_t len;
    if (!lp_files_copy(c->files, file_id, &data, &len, &name)) {
        lp_detail(r, 404, "File not found (or it has no content yet).");
        return NULL;
    }
    lp_job *j = lp_doc_job(c, name, data, len, tier, o, params);
    free(data);
    free(name);
    if (!j)
        lp_detail(r, 500, "Out of memory.");
    return j;
}

/* The source: a file_id (parsed now) or a source_url (fetched off the
 * request path); NULL with the error written. */
static lp_job *source_job(srv_req *r, const lp_ctx *c, const cJSON *j, const char *tier, const lp_page_opts *o)
{
    const cJSON *url = cJSON_GetObjectItemCaseSensitive(j, "source_url");
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(j, "file_id");
    if (file && !cJSON_IsString(file)) {
        lp_unprocessable(r, "body", "file_id", "string_type", "Input should be a valid string", NULL);
        return NULL;
    }
    if (!file && !(cJSON_IsString(url) && lp_url_valid(url->valuestring))) {
        lp_detail(r, 422, url ? "source_url must be an http or https URL." : "Either file_id or source_url must be provided.");
        return NULL;
    }
    char *params = cJSON_PrintUnformatted(j);
    lp_job *job = !params ? NULL
                  : file  ? file_job(r, c, file->valuestring, tier, o, params)
                          : lp_url_job(NULL, url->valuestring, tier, NULL, 0, params);
    bool oom = !job && (!params || !file);
    if (job && !file && !lp_job_set_pages(job, o)) {
        lp_job_release(job);
        job = NULL;
        oom = true;
    }
    free(params);
    if (oom)
        lp_detail(r, 500, "Out of memory.");
    return job;
}

static const char *known_tier(const cJSON *j)
{
    const cJSON *tier = cJSON_GetObjectItemCaseSensitive(j, "tier");
    const char *t = cJSON_IsString(tier) ? tier->valuestring : "cost_effective";
    return !strcmp(t, "fast") ? "fast" : !strcmp(t, "agentic") ? "agentic"
           : !strcmp(t, "agentic_plus") ? "agentic_plus" : !strcmp(t, "cost_effective") ? "cost_effective" : NULL;
}

/* webhook_configurations checked: true with *out (or NULL when absent), or
 * false with the 422 written. */
static bool hook_configs(srv_req *r, const cJSON *j, char **out)
{
    const cJSON *hooks = cJSON_GetObjectItemCaseSensitive(j, "webhook_configurations");
    char *text = hooks ? cJSON_PrintUnformatted(hooks) : NULL, why[200];
    *out = text ? lp_hook_configs(text, why, sizeof why) : NULL;
    free(text);
    if (hooks && !*out)
        lp_detail(r, 422, why);
    return !hooks || *out;
}

static void create_from(srv_req *r, const lp_ctx *c, const cJSON *j)
{
    const char *tier = known_tier(j);
    char *hooks = NULL;
    if (!tier) {
        lp_detail(r, 422, "tier must be fast, cost_effective, agentic or agentic_plus.");
        return;
    }
    lp_page_opts o = {0};
    char *target = NULL;
    if (!lp_page_opts_v2(r, cJSON_GetObjectItemCaseSensitive(j, "page_ranges"), &o, &target) ||
        !hook_configs(r, j, &hooks)) {
        free(target);
        return;
    }
    lp_job *job = source_job(r, c, j, tier, &o);
    free(target);
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(j, "version");
    if (job && !check_v2(r, job, cJSON_IsString(version) ? version->valuestring : NULL,
                         cJSON_GetObjectItemCaseSensitive(j, "user_metadata"))) {
        lp_job_release(job);
        job = NULL;
    }
    if (!job) {
        free(hooks);
        return;
    }
    job->hooks.configs = hooks;
    job->v2 = true;
    lp_job_faults_apply(r, job);
    if (!job->fetching) /* after the faults, which may set its timing */
        lp_job_schedule(job, job->created_ms, (uint64_t)c->job_delay_ms, (uint64_t)c->job_ms_per_page);
    buf answer = BUF_INIT;
    write_job(&answer, job, timer_now_ms() < job->ready_ms ? LP_PENDING : job->outcome);
    if (lp_upload_store(r, c, job) && answer.data)
        buf_append(srv_resp_body(r), answer.data, answer.len);
    buf_free(&answer);
}

/* POST /api/v2/parse {"file_id" | "source_url", "tier", ...}. */
void lp_v2_create(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (!lp_auth_check(r, c) || !lp_scope_check(r))
        return;
    size_t len;
    const char *body = srv_req_body(r, &len);
    cJSON *j = json_parse_body(body, len);
    if (!cJSON_IsObject(j))
        lp_detail(r, 400, "The body must be a JSON object with file_id or source_url.");
    else
        create_from(r, c, j);
    cJSON_Delete(j);
}

static void write_expanded(const lp_job *j, lp_status st, void *ctx)
{
    v2_answer *a = ctx;
    lp_v2_expanded(srv_resp_body(a->r), a->r, j, st, a->expand);
}

void lp_v2_get(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    v2_answer a = {r, 0};
    if (!lp_auth_check(r, c) || !lp_scope_check(r) || !lp_v2_expand_parse(r, &a.expand))
        return;
    if (!lp_store_with(c->store, srv_req_param(r, "id"), write_expanded, &a))
        lp_detail(r, 404, "Job not found.");
}

void lp_v2_cancel(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (!lp_auth_check(r, c) || !lp_scope_check(r))
        return;
    const char *id = srv_req_param(r, "id");
    lp_status st;
    v2_answer a = {r, 0};
    if (lp_store_cancel(c->store, id, &st))
        lp_store_with(c->store, id, write_job_cb, &a);
    else if (!lp_store_with(c->store, id, write_job_cb, &a))
        lp_detail(r, 404, "Job not found.");
    else
        lp_detail(r, 400, "The job is already in a terminal state (COMPLETED, FAILED or CANCELLED).");
}

void lp_v2_delete(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (!lp_auth_check(r, c) || !lp_scope_check(r))
        return;
    const char *id = srv_req_param(r, "id");
    bool found;
    if (lp_store_remove(c->store, id, &found))
        buf_printf(srv_resp_body(r), "{\"id\":\"%s\",\"project_id\":\"%s\"}", id, PROJECT);
    else
        lp_detail(r, found ? 400 : 404, found ? "The job is still running: cancel it first." : "Job not found.");
}
