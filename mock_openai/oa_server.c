#include "oa_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oa_chat.h"
#include "oa_ctx.h"
#include "oa_embed_cache.h"
#include "oa_error.h"
#include "oa_handlers.h"
#include "oa_ratelimit.h"

#define OA_NROUTES 9

struct oa_server {
    app_common c;
    cli_list keys, models;
    oa_ctx ctx;
    long rpm, tpm;
    long embed_cache;
    bool quota_exhausted;
    const char *replies_file;
    oa_replies *replies;
    faults *f;
    journal *j;
    metrics *m;
    srv_route routes[OA_NROUTES + FAULTS_NROUTES];
    srv_config cfg;
};

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
static faults *faults_for_openai(const app_common *c, bool use_env, char *err, size_t errlen)
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
    if (ok && use_env)
        ok = legacy_knobs(f, err, errlen);
    if (!ok) {
        faults_free(f);
        return NULL;
    }
    return f;
}

static cli_result parse(oa_server *o, int argc, char **argv, bool use_env)
{
    app_common *c = &o->c;
    oa_ctx *ctx = &o->ctx;
    const cli_opt opts[] = {
        APP_COMMON_OPTS(*c),
        {"api-key", "MOCK_API_KEYS", CLI_LIST, &o->keys,
         "accept only this bearer key (repeatable; env: comma-separated); none = any non-empty key", 0, 0},
        {"model", "MOCK_MODELS", CLI_LIST, &o->models,
         "add an embedding model or resize one, NAME:DIMS (repeatable; env: comma-separated)", 0, 0},
        {"rpm", "MOCK_RPM", CLI_INT, &o->rpm, "requests per minute per API key, enforced with 429s (0 = no limit)", 0, 1e12},
        {"tpm", "MOCK_TPM", CLI_INT, &o->tpm, "tokens per minute per API key, enforced with 429s (0 = no limit)", 0, 1e12},
        {"replies", "MOCK_REPLIES", CLI_STR, &o->replies_file,
         "chat: JSON rules [{match: regex, reply | tool_call}] on the last user message, first match wins", 0, 0},
        {"ttft-ms", "MOCK_TTFT_MS", CLI_INT, &ctx->ttft_ms, "chat: time before a reply (streamed or not) starts", 0, 600000},
        {"tokens-per-s", "MOCK_TOKENS_PER_S", CLI_INT, &ctx->tokens_per_s, "chat streams: content events per second (0 = at once)", 0, 1000000},
        {"quota-exhausted", "MOCK_QUOTA_EXHAUSTED", CLI_BOOL, &o->quota_exhausted,
         "answer every embeddings and chat call with 429 insufficient_quota", 0, 0},
        {"embed-cache", "MOCK_EMBED_CACHE", CLI_INT, &o->embed_cache,
         "embeddings: keep the encoded vectors of this many recent inputs (0 = off)", 0, 65536},
    };
    const cli_about about = {"mock_openai", MOCKWORKS_VERSION, "a fake OpenAI API (embeddings, chat, models) for tests"};
    return cli_parse_args(opts, sizeof opts / sizeof opts[0], argc, argv, &about, use_env);
}

static void fill_config(oa_server *o)
{
    oa_ctx *ctx = &o->ctx;
    const srv_route own[OA_NROUTES] = {
        {"GET", "/health", oa_handle_health, ctx},
        {"GET", "/metrics", srv_metrics_handler, o->m},
        {"POST", "/v1/embeddings", oa_handle_embeddings, ctx},
        {"POST", "/v1/chat/completions", oa_handle_chat, ctx},
        {"POST", "/v1/responses", oa_handle_responses, ctx},
        {"GET", "/v1/models", oa_handle_models_list, ctx},
        {"GET", "/v1/models/{id}", oa_handle_model_get, ctx},
        {"GET", "/__control/ratelimit", oa_handle_ratelimit_get, ctx},
        {"POST", "/__control/ratelimit", oa_handle_ratelimit_set, ctx},
    };
    memcpy(o->routes, own, sizeof own);
    size_t n = OA_NROUTES + faults_control_routes(o->f, o->routes + OA_NROUTES, FAULTS_NROUTES);
    o->cfg = (srv_config){.service = "mock-openai", .routes = o->routes, .nroutes = n, .on_error = oa_core_error,
                          .before_send = oa_add_headers, .hook_ctx = ctx,
                          .pre_dispatch = faults_pre_dispatch, .pre_ctx = o->f, .journal = o->j, .metrics = o->m};
}

/* Journal, metrics and rate limits, all reset through the control API. */
static bool observe(oa_server *o)
{
    o->j = journal_new((size_t)o->c.journal_size);
    o->m = metrics_new();
    o->ctx.rl = oa_ratelimit_new(o->rpm, o->tpm, o->quota_exhausted);
    o->ctx.faults = o->f;
    o->ctx.embed_cache = o->embed_cache > 0 ? oa_embed_cache_new((size_t)o->embed_cache) : NULL;
    return o->j && o->m && o->ctx.rl && (o->embed_cache == 0 || o->ctx.embed_cache) &&
           faults_attach_journal(o->f, o->j) && faults_on_reset(o->f, oa_ratelimit_reset, o->ctx.rl);
}

/* Everything parse() named, loaded and checked; the exit code on failure. */
static int build(oa_server *o, bool use_env, char *err, size_t errlen)
{
    if (!oa_ctx_models(&o->ctx, &o->models, err, errlen))
        return 2;
    if (!(o->f = faults_for_openai(&o->c, use_env, err, errlen)))
        return 2;
    if (o->replies_file && *o->replies_file && !(o->replies = oa_replies_load(o->replies_file, err, errlen)))
        return 2;
    o->ctx.replies = o->replies;
    if (!observe(o)) {
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    fill_config(o);
    return app_configure(&o->c, &o->cfg, err, errlen) ? 0 : 2;
}

oa_server *oa_server_new(int argc, char **argv, bool use_env, int *exit_code, char *err, size_t errlen)
{
    err[0] = '\0';
    oa_server *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, errlen, "out of memory");
        *exit_code = 1;
        return NULL;
    }
    o->c = (app_common)APP_COMMON_DEFAULTS(8002);
    o->ctx.api_keys = &o->keys;
    o->embed_cache = OA_EMBED_CACHE_DEFAULT;
    *exit_code = app_parsed(parse(o, argc, argv, use_env), &o->c);
    if (*exit_code < 0 && (*exit_code = build(o, use_env, err, errlen)) == 0)
        return o;
    oa_server_free(o);
    return NULL;
}

void oa_server_free(oa_server *o)
{
    if (!o)
        return;
    journal_free(o->j);
    metrics_free(o->m);
    oa_ratelimit_free(o->ctx.rl);
    oa_embed_cache_free(o->ctx.embed_cache);
    oa_replies_free(o->replies);
    faults_free(o->f);
    cli_list_free(&o->keys);
    cli_list_free(&o->models);
    free(o);
}

const app_common *oa_server_common(const oa_server *o) { return &o->c; }
const srv_config *oa_server_config(const oa_server *o) { return &o->cfg; }
faults *oa_server_faults(oa_server *o) { return o->f; }
journal *oa_server_journal(oa_server *o) { return o->j; }
