/* mock_llamaparse: a fake LlamaParse (LlamaCloud parsing) API for tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "faults.h"
#include "lp_ctx.h"
#include "lp_fetch.h"
#include "lp_webhook.h"

#define V1_ROUTES 8
#define V2_ROUTES 6
#define LEGACY_ROUTES 3
#define LP_NROUTES (2 + 2 * V1_ROUTES + V2_ROUTES + LEGACY_ROUTES)

static void health(srv_req *r, void *ctx)
{
    (void)ctx;
    char ts[32];
    app_iso_time(ts);
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
static size_t v1_routes(srv_route *out, const char *const pat[V1_ROUTES][2], lp_ctx *c)
{
    static const srv_handler fns[V1_ROUTES] = {lp_handle_upload,     lp_handle_job,     lp_handle_result,
                                               lp_handle_raw_result, lp_handle_details, lp_handle_parameters,
                                               lp_handle_extensions, NULL};
    size_t n = 0;
    for (size_t i = 0; i < V1_ROUTES && fns[i]; i++)
        out[n++] = (srv_route){pat[i][0], pat[i][1], fns[i], c, i == 0 ? lp_upload_body : NULL};
    return n;
}

#define V1(prefix)                                                                                           \
    {{"POST", prefix "/upload"},         {"GET", prefix "/job/{id}"},       {"GET", prefix "/job/{id}/result/{kind}"}, \
     {"GET", prefix "/job/{id}/result/raw/{kind}"}, {"GET", prefix "/job/{id}/details"},                      \
     {"GET", prefix "/job/{id}/parameters"}, {"GET", prefix "/supported_file_extensions"}, {NULL, NULL}}

static int serve(app_common *c, lp_ctx *ctx, faults *f, journal *j, metrics *m)
{
    static const char *const v1[V1_ROUTES][2] = V1("/api/v1/parsing");
    static const char *const legacy[V1_ROUTES][2] = V1("/api/parsing");
    srv_route routes[LP_NROUTES + FAULTS_NROUTES] = {
        {"GET", "/health", health, NULL},
        {"GET", "/metrics", srv_metrics_handler, m},
    };
    size_t n = 2;
    n += v1_routes(routes + n, v1, ctx);
    n += v1_routes(routes + n, legacy, ctx);
    const srv_route v2[V2_ROUTES] = {
        {"POST", "/api/v2/parse/upload", lp_v2_upload, ctx, lp_upload_body},
        {"POST", "/api/v2/parse", lp_v2_create, ctx},
        {"GET", "/api/v2/parse", lp_v2_list, ctx},
        {"GET", "/api/v2/parse/{id}", lp_v2_get, ctx},
        {"POST", "/api/v2/parse/{id}/cancel", lp_v2_cancel, ctx},
        {"DELETE", "/api/v2/parse/{id}", lp_v2_delete, ctx},
    };
    memcpy(routes + n, v2, sizeof v2);
    n += V2_ROUTES;
    const srv_route legacy_contract[LEGACY_ROUTES] = {
        {"POST", "/parse", lp_legacy_parse, ctx},
        {"GET", "/jobs/{job_id}", lp_legacy_job, ctx},
        {"GET", "/__control/webhooks", lp_handle_webhooks, ctx},
    };
    memcpy(routes + n, legacy_contract, sizeof legacy_contract);
    n += LEGACY_ROUTES;
    n += faults_control_routes(f, routes + n, FAULTS_NROUTES);
    srv_config cfg = {.service = "mock-llamaparse", .routes = routes, .nroutes = n, .on_error = lp_error,
                      .pre_dispatch = faults_pre_dispatch, .pre_ctx = f, .journal = j, .metrics = m,
                      .max_upload = c->max_upload};
    return app_configure(c, &cfg) ? app_run(c, &cfg) : 2;
}

/* Journal, metrics and the job store, all cleared by the control API's reset. */
static int serve_observed(app_common *c, lp_ctx *ctx, faults *f, long max_jobs, long ttl_s,
                          const lp_hooks_config *hooks)
{
    journal *j = journal_new((size_t)c->journal_size);
    metrics *m = metrics_new();
    ctx->store = lp_store_new((size_t)max_jobs, (uint64_t)ttl_s * 1000u);
    ctx->fetcher = ctx->store ? lp_fetcher_start(c->max_upload, 30000, lp_on_fetched, ctx) : NULL;
    ctx->hooks = ctx->store ? lp_hooks_start(ctx->store, hooks) : NULL;
    ctx->faults = f;
    int rc = 1;
    if (!j || !m || !ctx->store || !ctx->fetcher || !ctx->hooks || !faults_on_reset(f, lp_hooks_clear, ctx->hooks) || !faults_attach_journal(f, j) || !faults_on_reset(f, lp_store_clear, ctx->store) ||
        !metrics_add_writer(m, lp_store_metrics, ctx->store))
        fprintf(stderr, "mock_llamaparse: out of memory\n");
    else
        rc = serve(c, ctx, f, j, m);
    lp_fetcher_stop(ctx->fetcher); /* before the store its callback writes to */
    lp_hooks_stop(ctx->hooks);
    journal_free(j);
    metrics_free(m);
    lp_store_free(ctx->store);
    return rc;
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

/* The fault store with the job-level fields registered before any rule is
 * read (--faults FILE may use them), plus MOCK_LLAMAPARSE_FAILURE_RATE as a
 * rule: that share of new jobs ends in ERROR. */
static faults *faults_with_job_fields(const app_common *c, char *err, size_t errlen)
{
    faults *f = faults_from_config(NULL, c->control_token, err, errlen);
    if (!f)
        return NULL;
    const char *rate = getenv("MOCK_LLAMAPARSE_FAILURE_RATE");
    char rule[160];
    char *end;
    double p = rate && *rate ? strtod(rate, &end) : 0;
    bool ok = lp_job_faults_register(f);
    if (ok && rate && *rate) {
        snprintf(rule, sizeof rule, "{\"method\":\"POST\",\"job_status\":\"ERROR\",\"probability\":%.6f}", p);
        ok = !*end && faults_add_json(f, rule, strlen(rule), err, errlen);
        if (!ok)
            snprintf(err, errlen, "MOCK_LLAMAPARSE_FAILURE_RATE must be a number from 0 to 1");
    }
    if (ok && c->faults_file && *c->faults_file)
        ok = faults_load_file(f, c->faults_file, err, errlen);
    if (!ok) {
        faults_free(f);
        return NULL;
    }
    return f;
}

int main(int argc, char **argv)
{
    app_common c = APP_COMMON_DEFAULTS(8001);
    cli_list keys = {0};
    lp_ctx ctx = {.api_keys = &keys, .job_delay_ms = 1000, .job_ms_per_page = 50};
    long max_jobs = 10000, ttl_s = 3600;
    lp_hooks_config hooks = {NULL, 3, 5000, 500};
    const cli_opt opts[] = {
        APP_COMMON_OPTS(c),
        {"api-key", "MOCK_API_KEYS", CLI_LIST, &keys,
         "accept only this bearer key (repeatable; env: comma-separated); none = any non-empty key", 0, 0},
        {"max-upload", "MOCK_MAX_UPLOAD", CLI_SIZE, &c.max_upload, "largest upload (k/m/g suffix); larger gets 413", 0, 0},
        {"job-delay-ms", "MOCK_JOB_DELAY_MS", CLI_INT, &ctx.job_delay_ms, "time every job takes (0 = done at once)", 0, 86400000},
        {"job-ms-per-page", "MOCK_JOB_MS_PER_PAGE", CLI_INT, &ctx.job_ms_per_page, "extra time per page", 0, 3600000},
        {"max-jobs", "MOCK_MAX_JOBS", CLI_INT, &max_jobs, "jobs kept; when full (none past its TTL) uploads get 429", 1, 10000000},
        {"job-ttl", "MOCK_JOB_TTL", CLI_INT, &ttl_s, "seconds a finished job is kept", 1, 31536000},
        {"fixtures", "MOCK_FIXTURES", CLI_STR, &ctx.fixtures,
         "folder of pinned results: <name>.md, <sha256>.md, or .json pages, used instead of parsing", 0, 0},
        {"webhook-secret", "MOCK_WEBHOOK_SECRET", CLI_STR, &hooks.secret,
         "sign webhooks: X-Webhook-Signature (old contract) / LC-Signature (v1), hex HMAC-SHA256 of the body", 0, 0},
        {"webhook-retries", "MOCK_WEBHOOK_RETRIES", CLI_INT, &hooks.retries, "attempts after the first on connection errors and 5xx", 0, 20},
        {"webhook-timeout-ms", "MOCK_WEBHOOK_TIMEOUT_MS", CLI_INT, &hooks.timeout_ms, "time one delivery attempt may take", 1, 600000},
        {"webhook-backoff-ms", "MOCK_WEBHOOK_BACKOFF_MS", CLI_INT, &hooks.backoff_ms, "wait before the first retry; doubles each time", 0, 600000},
    };
    const cli_about about = {"mock_llamaparse", MOCKWORKS_VERSION, "a fake LlamaParse API for tests"};
    legacy_delay(&ctx);
    cli_result parsed = cli_parse(opts, sizeof opts / sizeof opts[0], argc, argv, &about);
    int rc = parsed == CLI_EXIT ? 0 : 2;
    char err[512];
    faults *f = NULL;
    if (parsed == CLI_OK && !(f = faults_with_job_fields(&c, err, sizeof err)))
        fprintf(stderr, "mock_llamaparse: %s\n", err);
    else if (parsed == CLI_OK)
        rc = serve_observed(&c, &ctx, f, max_jobs, ttl_s, &hooks);
    faults_free(f);
    cli_list_free(&keys);
    return rc;
}
