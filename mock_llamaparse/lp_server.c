#include "lp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_ctx.h"
#include "lp_fetch.h"
#include "lp_files.h"
#include "lp_images.h"
#include "lp_record.h"
#include "lp_v2.h"
#include "lp_webhook.h"

/* The server's own parts; the common ones are in base. */
typedef struct lp_server {
    mock_server base;
    cli_list hook_allow, fetch_allow;
    lp_ctx ctx;
    long max_jobs, ttl_s;
    long fetch_timeout_ms;
    lp_rec_config rec_cfg; /* --record and its companions (lp_record.h) */
    lp_rec *rec;
    long max_files, file_ttl_s;
    size_t max_file_bytes;
    lp_hooks_config hooks;
} lp_server;

static void health(srv_req *r, void *ctx)
{
    (void)ctx;
    char ts[32];
    iso_time_now(ts, 6);
    buf *b = srv_resp_body(r);
    buf_printf(b, "{\"status\":\"healthy\",\"service\":\"mock-llamaparse\",\"timestamp\":\"%s\",\"version\":\"%s\"}",
               ts, MOCKWORKS_VERSION);
}

/* LlamaParse (FastAPI) errors are {"detail": "..."}. */
static void lp_error(srv_req *r, int status, const char *message)
{
    lp_detail(r, status, message);
}

/* The v1 API under one prefix: /api/v1/parsing and the legacy /api/parsing. */
#define V1_ROUTES(prefix, c)                                                        \
    {"POST", prefix "/upload", lp_handle_upload, c, lp_upload_body},                 \
    {"GET", prefix "/job/{id}", lp_handle_job, c},                                   \
    {"GET", prefix "/job/{id}/result/{kind}", lp_handle_result, c},                  \
    {"GET", prefix "/job/{id}/result/raw/{kind}", lp_handle_raw_result, c},          \
    {"GET", prefix "/job/{id}/result/image/{name}", lp_handle_image, c},             \
    {"GET", prefix "/job/{id}/details", lp_handle_details, c},                       \
    {"GET", prefix "/job/{id}/parameters", lp_handle_parameters, c},                 \
    {"GET", prefix "/supported_file_extensions", lp_handle_extensions, c}

static void routes(lp_server *l)
{
    lp_ctx *ctx = &l->ctx;
    srv_routes *t = &l->base.routes;
    const srv_route own[] = {
        {"GET", "/health", health, NULL, NULL, SRV_ROUTE_UNJOURNALED},
        V1_ROUTES("/api/v1/parsing", ctx),
        V1_ROUTES("/api/parsing", ctx),
        {"POST", "/api/v2/parse/upload", lp_v2_upload, ctx, lp_upload_body},
        {"POST", "/api/v2/parse", lp_v2_create, ctx},
        {"GET", "/api/v2/parse", lp_v2_list, ctx},
        {"GET", "/api/v2/parse/versions", lp_v2_versions, ctx},
        {"GET", "/api/v2/parse/{id}", lp_v2_get, ctx},
        {"POST", "/api/v2/parse/{id}/cancel", lp_v2_cancel, ctx},
        {"DELETE", "/api/v2/parse/{id}", lp_v2_delete, ctx},
        {"POST", "/parse", lp_legacy_parse, ctx},
        {"GET", "/jobs/{job_id}", lp_legacy_job, ctx},
        {"GET", "/api/v1/projects", lp_projects_list, ctx},
        {"GET", "/api/v1/projects/{id}", lp_projects_get, ctx},
        {"POST", "/api/v1/beta/files", lp_files_beta_create, ctx, lp_upload_body},
        {"GET", "/api/v1/beta/files", lp_files_list, ctx},
        {"POST", "/api/v1/beta/files/query", lp_files_query, ctx},
        {"GET", "/api/v1/beta/files/{id}", lp_files_get, ctx},
        {"DELETE", "/api/v1/beta/files/{id}", lp_files_delete, ctx},
        {"GET", "/api/v1/beta/files/{id}/content", lp_files_content, ctx},
        {"POST", "/api/v1/files", lp_files_v1_create, ctx, lp_upload_body},
        {"PUT", "/api/v1/files", lp_files_presign, ctx},
        {"PUT", "/api/v1/files/upload_from_url", lp_files_from_url, ctx},
        {"GET", "/api/v1/files/{id}", lp_files_get, ctx},
        {"DELETE", "/api/v1/files/{id}", lp_files_delete, ctx},
        {"GET", "/api/v1/files/{id}/content", lp_files_content, ctx},
        /* the presigned URLs the two content routes answer */
        {"GET", "/__files/{id}/{token}", lp_files_raw_get, ctx},
        {"PUT", "/__files/{id}/{token}", lp_files_raw_put, ctx, lp_files_raw_body},
        {"GET", "/__results/{id}/{kind}", lp_v2_result_raw, ctx},
        {"GET", "/__control/webhooks", lp_handle_webhooks, ctx, NULL, SRV_ROUTE_CONTROL},
    };
    SRV_ROUTES_ADD_ALL(t, own);
}

/* The old mock's MOCK_LLAMAPARSE_DELAY (seconds before a job completes):
 * the default job delay; --job-delay-ms and MOCK_JOB_DELAY_MS still win. */
static void legacy_delay(lp_ctx *ctx)
{
    const char *d = getenv("MOCK_LLAMAPARSE_DELAY");
    char *end;
    double s = d && *d ? strtod(d, &end) : -1;
    if (d && *d && !*end && s >= 0 && s <= 86400)
        ctx->job_delay_ms = (long)(s * 1000);
    else if (d && *d)
        fprintf(stderr, "mock_llamaparse: ignoring MOCK_LLAMAPARSE_DELAY='%s' (seconds expected)\n", d);
}

/* MOCK_LLAMAPARSE_FAILURE_RATE as a rule: that share of new jobs ends in
 * ERROR. */
static bool legacy_rules(mock_server *m, char *err, size_t errlen)
{
    const char *rate = getenv("MOCK_LLAMAPARSE_FAILURE_RATE");
    if (!rate || !*rate)
        return true;
    char rule[160];
    char *end;
    double p = strtod(rate, &end);
    snprintf(rule, sizeof rule, "{\"method\":\"POST\",\"job_status\":\"ERROR\",\"probability\":%.6f}", p);
    if (!*end && faults_add_json(m->f, rule, strlen(rule), err, errlen))
        return true;
    snprintf(err, errlen, "MOCK_LLAMAPARSE_FAILURE_RATE must be a number from 0 to 1");
    return false;
}

static size_t options(mock_server *m, cli_opt *out, size_t cap)
{
    lp_server *l = (lp_server *)m;
    app_common *c = &m->c;
    lp_ctx *ctx = &l->ctx;
    lp_hooks_config *hooks = &l->hooks;
    const cli_opt opts[] = {
        {"max-upload", "MOCK_MAX_UPLOAD", CLI_SIZE, &c->max_upload, "largest upload (k/m/g suffix); larger gets 413", 0, 0},
        {"job-delay-ms", "MOCK_JOB_DELAY_MS", CLI_INT, &ctx->job_delay_ms, "time every job takes (0 = done at once)", 0, 86400000},
        {"job-ms-per-page", "MOCK_JOB_MS_PER_PAGE", CLI_INT, &ctx->job_ms_per_page, "extra time per page", 0, 3600000},
        {"max-jobs", "MOCK_MAX_JOBS", CLI_INT, &l->max_jobs, "jobs kept; when full (none past its TTL) uploads get 429", 1, 10000000},
        {"job-ttl", "MOCK_JOB_TTL", CLI_INT, &l->ttl_s, "seconds a finished job is kept", 1, 31536000},
        {"fixtures", "MOCK_FIXTURES", CLI_STR, &ctx->fixtures,
         "folder of pinned results: <name>.md, <sha256>.md, or .json pages, used instead of parsing", 0, 0},
        {"webhook-secret", "MOCK_WEBHOOK_SECRET", CLI_STR, &hooks->secret,
         "sign webhooks: X-Webhook-Signature (old contract) / LC-Signature (v1), hex HMAC-SHA256 of the body", 0, 0},
        {"webhook-retries", "MOCK_WEBHOOK_RETRIES", CLI_INT, &hooks->retries, "attempts after the first on connection errors and 5xx", 0, 20},
        {"webhook-timeout-ms", "MOCK_WEBHOOK_TIMEOUT_MS", CLI_INT, &hooks->timeout_ms, "time one delivery attempt may take", 1, 600000},
        {"webhook-backoff-ms", "MOCK_WEBHOOK_BACKOFF_MS", CLI_INT, &hooks->backoff_ms, "wait before the first retry; doubles each time", 0, 600000},
        {"webhook-allow", "MOCK_WEBHOOK_ALLOW", CLI_LIST, &l->hook_allow,
         "send webhooks only to hosts matching this pattern (repeatable, * and ? wildcards; env: comma-separated); none = any host", 0, 0},
        {"fetch-allow", "MOCK_FETCH_ALLOW", CLI_LIST, &l->fetch_allow,
         "fetch documents given by URL (source_url, input_url) only from hosts matching this pattern, redirects included "
         "(repeatable, * and ? wildcards; env: comma-separated); none = any host; a refused host ends the job in ERROR", 0, 0},
        {"fetch-timeout-ms", "MOCK_FETCH_TIMEOUT_MS", CLI_INT, &l->fetch_timeout_ms,
         "time one fetch of a document given by URL may take (up to 16 run at once); past it the job ends in ERROR", 1, 3600000},
        {"max-files", "MOCK_MAX_FILES", CLI_INT, &l->max_files,
         "files kept by the Files API; when full (none past its TTL) uploads get 429", 1, 10000000},
        {"max-file-bytes", "MOCK_MAX_FILE_BYTES", CLI_SIZE, &l->max_file_bytes,
         "bytes all stored files may hold (k/m/g suffix); past it uploads get 429", 0, 0},
        {"file-ttl", "MOCK_FILE_TTL", CLI_INT, &l->file_ttl_s, "seconds a file is kept (its expires_at)", 1, 31536000},
        {"webhook-queue", "MOCK_WEBHOOK_QUEUE", CLI_INT, &hooks->queue_max,
         "webhooks waiting to be sent; more are dropped and listed at /__control/webhooks", 1, 1000000},
        LP_REC_OPTIONS(l->rec_cfg),
    };
    return MOCK_SERVER_OPTIONS(out, cap, opts);
}

/* The job store, its URL fetcher and webhook sender (reset clears the
 * jobs and the delivery log), the Files API's store (reset clears it too),
 * its metrics, and the routes. */
static int build(mock_server *m, char *err, size_t errlen)
{
    lp_server *l = (lp_server *)m;
    if (!(l->rec = lp_rec_new(&l->rec_cfg, &l->ctx, err, errlen)) && *err)
        return 2;
    lp_ctx *ctx = &l->ctx;
    ctx->ctl = m->ctl;
    ctx->store = lp_store_new((size_t)l->max_jobs, (uint64_t)l->ttl_s * 1000u);
    ctx->files = lp_files_new((size_t)l->max_files, l->max_file_bytes, (uint64_t)l->file_ttl_s * 1000u);
    lp_fetch_config fetch = {m->c.max_upload, l->fetch_timeout_ms, &l->fetch_allow};
    ctx->fetcher = ctx->store ? lp_fetcher_start(&fetch, lp_on_fetched, ctx) : NULL;
    ctx->hooks = ctx->store ? lp_hooks_start(ctx->store, &l->hooks) : NULL;
    bool ok = ctx->fetcher && ctx->hooks && ctx->files && control_on_reset(m->ctl, lp_files_clear, ctx->files) &&
              control_on_reset(m->ctl, lp_hooks_clear, ctx->hooks) &&
              control_on_reset(m->ctl, lp_store_clear, ctx->store) && metrics_add_writer(m->m, lp_store_metrics, ctx->store) &&
              metrics_add_writer(m->m, lp_hooks_metrics, ctx->hooks);
    if (ok)
        routes(l);
    lp_rec_routes(&l->base.routes, l->rec);
    return ok ? 0 : 1;
}

static void free_own(mock_server *m)
{
    lp_server *l = (lp_server *)m;
    lp_rec_free(l->rec); /* its calls answer through the store */
    lp_fetcher_stop(l->ctx.fetcher); /* before the store its callback writes to */
    lp_hooks_stop(l->ctx.hooks);
    lp_store_free(l->ctx.store);
    lp_files_free(l->ctx.files);
    cli_list_free(&l->hook_allow);
    cli_list_free(&l->fetch_allow);
}

static void defaults(mock_server *m)
{
    lp_server *l = (lp_server *)m;
    l->ctx = (lp_ctx){.api_keys = &m->c.api_keys, .job_delay_ms = 1000, .job_ms_per_page = 50};
    l->max_jobs = 10000;
    l->ttl_s = 3600;
    l->fetch_timeout_ms = 30000;
    l->max_files = 1000;
    l->max_file_bytes = (size_t)1 << 30;
    l->file_ttl_s = 86400;
    l->hooks = (lp_hooks_config){NULL, 3, 5000, 500, &l->hook_allow, 1000};
    if (m->use_env)
        legacy_delay(&l->ctx);
}

const mock_kind lp_kind = {
    "mock_llamaparse", "mock-llamaparse", "a fake LlamaParse API for tests", 8001, sizeof(lp_server),
    defaults, options, lp_job_faults_register, legacy_rules, build, free_own, lp_error, NULL,
};
