/* The v2 parse API (@llamaindex/llama-cloud's parsing.parse): upload with a
 * JSON configuration, get with ?expand=, list, cancel, delete. Jobs are the
 * v1 jobs, their states in v2's names. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lp_ctx.h"
#include "lp_files_store.h"
#include "lp_pages_select.h"
#include "timer.h"

#define PROJECT "mock-project"

enum { X_TEXT = 1, X_MARKDOWN = 2, X_ITEMS = 4, X_METADATA = 8 };

/* v2 names, with RUNNING for the last two thirds of a job's time. */
static const char *v2_status(const lp_job *j, lp_status st)
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

static void write_job(buf *b, const lp_job *j, lp_status st)
{
    char when[32];
    iso_time(when, j->created_at, 0, 0);
    buf_printf(b, "{\"id\":\"%s\",\"project_id\":\"%s\",\"status\":\"%s\",\"created_at\":\"%s\",\"updated_at\":\"%s\","
                  "\"error_message\":",
               j->id, PROJECT, v2_status(j, st), when, when);
    if (st == LP_ERROR && j->error_message)
        buf_json_str(b, j->error_message, strlen(j->error_message));
    else
        buf_puts(b, "null");
    buf_puts(b, ",\"name\":");
    buf_json_str(b, j->filename, strlen(j->filename));
    buf_printf(b, ",\"tier\":\"%s\"}", j->tier);
}

typedef struct v2_answer {
    srv_req *r;
    int expand;
} v2_answer;

static void write_job_cb(const lp_job *j, lp_status st, void *ctx)
{
    write_job(srv_resp_body(((v2_answer *)ctx)->r), j, st);
}

void lp_v2_upload(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    lp_job *j = lp_upload_job(r, c);
    if (!j)
        return;
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
    if (!job) {
        free(hooks);
        return;
    }
    job->hooks.configs = hooks;
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

/* expand=text&expand=markdown or expand=text,markdown */
static void add_expand(const char *value, void *ctx)
{
    int *x = ctx;
    char copy[256];
    snprintf(copy, sizeof copy, "%s", value);
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        *x |= !strcmp(t, "text") || !strcmp(t, "text_full") ? X_TEXT : 0;
        *x |= !strcmp(t, "markdown") || !strcmp(t, "markdown_full") ? X_MARKDOWN : 0;
        *x |= !strcmp(t, "items") ? X_ITEMS : 0;
        *x |= !strcmp(t, "job_metadata") ? X_METADATA : 0;
    }
}

static void pages_of(buf *b, const lp_job *j, bool md)
{
    buf_printf(b, ",\"%s\":{\"pages\":[", md ? "markdown" : "text");
    for (size_t i = 0; i < j->doc->npages; i++) {
        const char *s = md ? j->doc->pages[i].md : j->doc->pages[i].text;
        buf_printf(b, "%s{\"page_number\":%zu,\"%s\":", i ? "," : "", lp_page_number(j->doc, i), md ? "markdown" : "text");
        buf_json_str(b, s, strlen(s));
        buf_puts(b, md ? ",\"success\":true}" : "}");
    }
    buf_printf(b, "]},\"%s_full\":", md ? "markdown" : "text");
    buf full = BUF_INIT;
    lp_job_joined(&full, j, md);
    buf_json_str(b, full.data ? full.data : "", full.len);
    buf_free(&full);
}

static void write_expanded(const lp_job *j, lp_status st, void *ctx)
{
    v2_answer *a = ctx;
    buf *b = srv_resp_body(a->r);
    buf_puts(b, "{\"job\":");
    write_job(b, j, st);
    bool done = st == LP_SUCCESS || st == LP_PARTIAL_SUCCESS;
    if (done && (a->expand & X_TEXT))
        pages_of(b, j, false);
    if (done && (a->expand & X_MARKDOWN))
        pages_of(b, j, true);
    if (done && (a->expand & X_ITEMS)) {
        buf_puts(b, ",\"items\":{\"pages\":");
        lp_pages_json(b, j->doc);
        buf_puts(b, "}");
    }
    if (a->expand & X_METADATA)
        buf_printf(b, ",\"job_metadata\":{\"job_pages\":%zu,\"job_is_cache_hit\":%s}", j->doc->npages,
                   j->cache_hit ? "true" : "false");
    buf_puts(b, "}");
}

void lp_v2_get(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (!lp_auth_check(r, c))
        return;
    v2_answer a = {r, 0};
    srv_req_query_each(r, "expand", add_expand, &a.expand);
    if (!lp_store_with(c->store, srv_req_param(r, "id"), write_expanded, &a))
        lp_detail(r, 404, "Job not found.");
}

static void list_item(const lp_job *j, lp_status st, void *ctx)
{
    v2_answer *a = ctx;
    buf *b = srv_resp_body(a->r);
    buf_puts(b, a->expand++ ? "," : "");
    write_job(b, j, st);
}

void lp_v2_list(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (!lp_auth_check(r, c))
        return;
    v2_answer a = {r, 0}; /* expand counts the items written */
    buf_puts(srv_resp_body(r), "{\"items\":[");
    lp_store_each(c->store, list_item, &a);
    buf_puts(srv_resp_body(r), "],\"next_page_token\":null}");
}

void lp_v2_cancel(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (!lp_auth_check(r, c))
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
    if (!lp_auth_check(r, c))
        return;
    const char *id = srv_req_param(r, "id");
    bool found;
    if (lp_store_remove(c->store, id, &found))
        buf_printf(srv_resp_body(r), "{\"id\":\"%s\",\"project_id\":\"%s\"}", id, PROJECT);
    else
        lp_detail(r, found ? 400 : 404, found ? "The job is still running: cancel it first." : "Job not found.");
}
