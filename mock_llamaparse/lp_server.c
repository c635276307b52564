#include "lp_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_ctx.h"
#include "lp_fetch.h"
#include "lp_webhook.h"

#define V1_ROUTES 8
#define V2_ROUTES 6
#define LEGACY_ROUTES 3
#define LP_NROUTES (2 + 2 * V1_ROUTES + V2_ROUTES + LEGACY_ROUTES)

struct lp_server {
    app_common c;
    cli_list keys, hook_allow, fetch_allow;
    lp_ctx ctx;
    long max_jobs, ttl_s;
    lp_hooks_config hooks;
    faults *f;
    journal *j;
    metrics *m;
    srv_route routes[LP_NROUTES + FAULTS_NROUTES];
    srv_config cfg;
};

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

static void fill_config(lp_server *l)
{
    static const char *const v1[V1_ROUTES][2] = V1("/api/v1/parsing");
    static const char *const legacy[V1_ROUTES][2] = V1("/api/parsing");
    lp_ctx *ctx = &l->ctx;
    srv_route *routes = l->routes;
    routes[0] = (srv_route){"GET", "/health", health, NULL};
    routes[1] = (srv_route){"GET", "/metrics", srv_metrics_handler, l->m};
    size_t n = 2;
    n += v1_routes(routes + n, v1, ctx);
    n += v1_routes(routes + n, legacy, ctx);
    const srv_route more[V2_ROUTES + LEGACY_ROUTES] = {
        {"POST", "/api/v2/parse/upload", lp_v2_upload, ctx, lp_upload_body},
        {"POST", "/api/v2/parse", lp_v2_create, ctx},
        {"GET", "/api/v2/parse", lp_v2_list, ctx},
        {"GET", "/api/v2/parse/{id}", lp_v2_get, ctx},
        {"POST", "/api/v2/parse/{id}/cancel", lp_v2_cancel, ctx},
        {"DELETE", "/api/v2/parse/{id}", lp_v2_delete, ctx},
        {"POST", "/parse", lp_legacy_parse, ctx},
        {"GET", "/jobs/{job_id}", lp_legacy_job, ctx},
        {"GET", "/__control/webhooks", lp_handle_webhooks, ctx},
    };
    memcpy(routes + n, more, sizeof more);
    n += V2_ROUTES + LEGACY_ROUTES;
    n += faults_control_routes(l->f, routes + n, FAULTS_NROUTES);
    l->cfg = (srv_config){.service = "mock-llamaparse", .routes = routes, .nroutes = n, .on_error = lp_error,
                          .pre_dispatch = faults_pre_dispatch, .pre_ctx = l->f, .journal = l->j, .metrics = l->m,
                          .max_upload = l->c.max_upload};
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
static faults *faults_with_job_fields(const app_common *c, bool use_env, char *err, size_t errlen)
{
    faults *f = faults_from_config(NULL, c->control_token, err, errlen);
    if (!f)
        return NULL;
    const char *rate = use_env ? getenv("MOCK_LLAMAPARSE_FAILURE_RATE") : NULL;
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

static cli_result parse(lp_server *l, int argc, char **argv, bool use_env)
{
    app_common *c = &l->c;
    lp_ctx *ctx = &l->ctx;
    lp_hooks_config *hooks = &l->hooks;
    const cli_opt opts[] = {
        APP_COMMON_OPTS(*c),
        {"api-key", "MOCK_API_KEYS", CLI_LIST, &l->keys,
         "accept only this bearer key (repeatable; env: comma-separated); none = any non-empty key", 0, 0},
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
        {"webhook-queue", "MOCK_WEBHOOK_QUEUE", CLI_INT, &hooks->queue_max,
         "webhooks waiting to be sent; more are dropped and listed at /__control/webhooks", 1, 1000000},
    };
    const cli_about about = {"mock_llamaparse", MOCKWORKS_VERSION, "a fake LlamaParse API for tests"};
    if (use_env)
        legacy_delay(ctx);
    return cli_parse_args(opts, sizeof opts / sizeof opts[0], argc, argv, &about, use_env);
}

/* Journal, metrics, the job store and its two threads; reset clears them. */
static bool observe(lp_server *l)
{
    lp_ctx *ctx = &l->ctx;
    l->j = journal_new((size_t)l->c.journal_size);
    l->m = metrics_new();
    ctx->store = lp_store_new((size_t)l->max_jobs, (uint64_t)l->ttl_s * 1000u);
    lp_fetch_config fetch = {l->c.max_upload, 30000, &l->fetch_allow};
    ctx->fetcher = ctx->store ? lp_fetcher_start(&fetch, lp_on_fetched, ctx) : NULL;
    ctx->hooks = ctx->store ? lp_hooks_start(ctx->store, &l->hooks) : NULL;
    ctx->faults = l->f;
    return l->j && l->m && ctx->store && ctx->fetcher && ctx->hooks && faults_on_reset(l->f, lp_hooks_clear, ctx->hooks) &&
           faults_attach_journal(l->f, l->j) && faults_on_reset(l->f, lp_store_clear, ctx->store) &&
           metrics_add_writer(l->m, lp_store_metrics, ctx->store);
}

static int build(lp_server *l, bool use_env, char *err, size_t errlen)
{
    if (!(l->f = faults_with_job_fields(&l->c, use_env, err, errlen)))
        return 2;
    if (!observe(l)) {
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    fill_config(l);
    return app_configure(&l->c, &l->cfg, err, errlen) ? 0 : 2;
}

lp_server *lp_server_new(int argc, char **argv, bool use_env, int *exit_code, char *err, size_t errlen)
{
    err[0] = '\0';
    lp_server *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, "out of memory");
        *exit_code = 1;
        return NULL;
    }
    l->c = (app_common)APP_COMMON_DEFAULTS(8001);
    l->ctx = (lp_ctx){.api_keys = &l->keys, .job_delay_ms = 1000, .job_ms_per_page = 50};
    l->max_jobs = 10000;
    l->ttl_s = 3600;
    l->hooks = (lp_hooks_config){NULL, 3, 5000, 500, &l->hook_allow, 1000};
    *exit_code = app_parsed(parse(l, argc, argv, use_env), &l->c);
    if (*exit_code < 0 && (*exit_code = build(l, use_env, err, errlen)) == 0)
        return l;
    lp_server_free(l);
    return NULL;
}

void lp_server_free(lp_server *l)
{
    if (!l)
        return;
    lp_fetcher_stop(l->ctx.fetcher); /* before the store its callback writes to */
    lp_hooks_stop(l->ctx.hooks);
    journal_free(l->j);
    metrics_free(l->m);
    lp_store_free(l->ctx.store);
    faults_free(l->f);
    cli_list_free(&l->keys);
    cli_list_free(&l->hook_allow);
    cli_list_free(&l->fetch_allow);
    free(l);
}

const app_common *lp_server_common(const lp_server *l) { return &l->c; }
const srv_config *lp_server_config(const lp_server *l) { return &l->cfg; }
faults *lp_server_faults(lp_server *l) { return l->f; }
journal *lp_server_journal(lp_server *l) { return l->j; }
