/* mock_openai: a fake OpenAI API (embeddings, models) for tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "faults.h"
#include "oa_chat.h"
#include "oa_ctx.h"
#include "oa_error.h"
#include "oa_handlers.h"
#include "oa_ratelimit.h"

#define OA_NROUTES 9

typedef struct oa_limits {
    long rpm, tpm;
    bool quota_exhausted;
} oa_limits;

/* The old mock's knobs, as rules on the embeddings path: seconds of delay
 * (MOCK_OPENAI_DELAY) and the share of calls answered 500
 * (MOCK_OPENAI_FAILURE_RATE). */
static bool legacy_knobs(faults *f, char *err, size_t errlen)
{
    const char *delay = getenv("MOCK_OPENAI_DELAY"), *rate = getenv("MOCK_OPENAI_FAILURE_RATE");
    char rule[160];
    char *end;
    if (rate && *rate) {
        double p = strtod(rate, &end);
        snprintf(rule, sizeof rule, "{\"path\":\"/v1/embeddings\",\"status\":500,\"probability\":%.6f}", p);
        if (*end || !faults_add_json(f, rule, strlen(rule), err, errlen)) {
            snprintf(err, errlen, "MOCK_OPENAI_FAILURE_RATE must be a number from 0 to 1");
            return false;
        }
    }
    if (delay && *delay) {
        double s = strtod(delay, &end);
        snprintf(rule, sizeof rule, "{\"path\":\"/v1/embeddings\",\"delay_ms\":%.0f}", s * 1000);
        if (*end || !faults_add_json(f, rule, strlen(rule), err, errlen)) {
            snprintf(err, errlen, "MOCK_OPENAI_DELAY must be seconds from 0 to 3600");
            return false;
        }
    }
    return true;
}

static bool check_chunks(const char *v, char *err, size_t n)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (end != v && !*end && x >= 0 && x <= 100000)
        return true;
    snprintf(err, n, "expected a number of events from 0 to 100000");
    return false;
}

/* The fault store with this server's stream kinds registered before any
 * rule is read (--faults FILE may use them), then the old env knobs. */
static faults *faults_for_openai(const app_common *c, char *err, size_t errlen)
{
    faults *f = faults_from_config(NULL, c->control_token, err, errlen);
    if (!f)
        return NULL;
    bool ok = faults_add_kind(f, "stream_cut") && faults_add_kind(f, "stream_error") &&
              faults_add_field(f, "after_chunks", check_chunks);
    if (!ok)
        snprintf(err, errlen, "out of memory");
    if (ok && c->faults_file && *c->faults_file)
        ok = faults_load_file(f, c->faults_file, err, errlen);
    if (ok)
        ok = legacy_knobs(f, err, errlen);
    if (!ok) {
        faults_free(f);
        return NULL;
    }
    return f;
}

static int serve(app_common *c, oa_ctx *ctx, faults *f, journal *j, metrics *m)
{
    srv_route routes[OA_NROUTES + FAULTS_NROUTES] = {
        {"GET", "/health", oa_handle_health, ctx},
        {"GET", "/metrics", srv_metrics_handler, m},
        {"POST", "/v1/embeddings", oa_handle_embeddings, ctx},
        {"POST", "/v1/chat/completions", oa_handle_chat, ctx},
        {"POST", "/v1/responses", oa_handle_responses, ctx},
        {"GET", "/v1/models", oa_handle_models_list, ctx},
        {"GET", "/v1/models/{id}", oa_handle_model_get, ctx},
        {"GET", "/__control/ratelimit", oa_handle_ratelimit_get, ctx},
        {"POST", "/__control/ratelimit", oa_handle_ratelimit_set, ctx},
    };
    size_t n = OA_NROUTES + faults_control_routes(f, routes + OA_NROUTES, FAULTS_NROUTES);
    srv_config cfg = {.service = "mock-openai", .routes = routes, .nroutes = n, .on_error = oa_core_error,
                      .before_send = oa_add_headers, .hook_ctx = ctx,
                      .pre_dispatch = faults_pre_dispatch, .pre_ctx = f, .journal = j, .metrics = m};
    return app_configure(c, &cfg) ? app_run(c, &cfg) : 2;
}

/* With a journal, metrics and rate limits, all reset through the control API. */
static int serve_observed(app_common *c, oa_ctx *ctx, faults *f, const oa_limits *lim)
{
    journal *j = journal_new((size_t)c->journal_size);
    metrics *m = metrics_new();
    ctx->rl = oa_ratelimit_new(lim->rpm, lim->tpm, lim->quota_exhausted);
    ctx->faults = f;
    int rc = 1;
    if (!j || !m || !ctx->rl || !faults_attach_journal(f, j) || !faults_on_reset(f, oa_ratelimit_reset, ctx->rl))
        fprintf(stderr, "mock_openai: out of memory\n");
    else
        rc = serve(c, ctx, f, j, m);
    journal_free(j);
    metrics_free(m);
    oa_ratelimit_free(ctx->rl);
    return rc;
}

int main(int argc, char **argv)
{
    app_common c = APP_COMMON_DEFAULTS(8002);
    cli_list keys = {0}, models = {0};
    oa_ctx ctx = {.api_keys = &keys};
    oa_limits lim = {0, 0, false};
    const char *replies_file = NULL;
    oa_replies *replies = NULL;
    const cli_opt opts[] = {
        APP_COMMON_OPTS(c),
        {"api-key", "MOCK_API_KEYS", CLI_LIST, &keys,
         "accept only this bearer key (repeatable; env: comma-separated); none = any non-empty key", 0, 0},
        {"model", "MOCK_MODELS", CLI_LIST, &models,
         "add an embedding model or resize one, NAME:DIMS (repeatable; env: comma-separated)", 0, 0},
        {"rpm", "MOCK_RPM", CLI_INT, &lim.rpm, "requests per minute per API key, enforced with 429s (0 = no limit)", 0, 1e12},
        {"tpm", "MOCK_TPM", CLI_INT, &lim.tpm, "tokens per minute per API key, enforced with 429s (0 = no limit)", 0, 1e12},
        {"replies", "MOCK_REPLIES", CLI_STR, &replies_file,
         "chat: JSON rules [{match: regex, reply | tool_call}] on the last user message, first match wins", 0, 0},
        {"ttft-ms", "MOCK_TTFT_MS", CLI_INT, &ctx.ttft_ms, "chat: time before a reply (streamed or not) starts", 0, 600000},
        {"tokens-per-s", "MOCK_TOKENS_PER_S", CLI_INT, &ctx.tokens_per_s, "chat streams: content events per second (0 = at once)", 0, 1000000},
        {"quota-exhausted", "MOCK_QUOTA_EXHAUSTED", CLI_BOOL, &lim.quota_exhausted,
         "answer every embeddings and chat call with 429 insufficient_quota", 0, 0},
    };
    const cli_about about = {"mock_openai", MOCKWORKS_VERSION, "a fake OpenAI API (embeddings, chat, models) for tests"};
    int rc = 2;
    char err[512];
    faults *f = NULL;
    cli_result parsed = cli_parse(opts, sizeof opts / sizeof opts[0], argc, argv, &about);
    if (parsed == CLI_EXIT)
        rc = 0;
    else if (parsed == CLI_OK && !oa_ctx_models(&ctx, &models, err, sizeof err))
        fprintf(stderr, "mock_openai: %s\n", err);
    else if (parsed == CLI_OK && !(f = faults_for_openai(&c, err, sizeof err)))
        fprintf(stderr, "mock_openai: %s\n", err);
    else if (parsed == CLI_OK && replies_file && *replies_file && !(replies = oa_replies_load(replies_file, err, sizeof err)))
        fprintf(stderr, "mock_openai: %s\n", err);
    else if (parsed == CLI_OK) {
        ctx.replies = replies;
        rc = serve_observed(&c, &ctx, f, &lim);
    }
    oa_replies_free(replies);
    faults_free(f);
    cli_list_free(&keys);
    cli_list_free(&models);
    return rc;
}
