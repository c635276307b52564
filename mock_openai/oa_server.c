#include "oa_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oa_azure.h"
#include "oa_catalog.h"
#include "oa_chat.h"
#include "oa_ctx.h"
#include "oa_embed_cache.h"
#include "oa_error.h"
#include "oa_handlers.h"
#include "oa_ratelimit.h"
#include "oa_resp.h"
#include "oa_resp_store.h"

/* The server's own parts; the common ones are in base. */
typedef struct oa_server {
    mock_server base;
    cli_list models;
    const char *models_file; /* --models FILE */
    cli_list deployments; /* Azure: NAME=MODEL */
    oa_ctx ctx;
    long rpm, tpm;
    long embed_cache;
    bool quota_exhausted;
    const char *replies_file;
    oa_replies *replies;
    long max_responses, response_ttl_s; /* the Responses store */
} oa_server;

/* The old mock's knobs, as rules on the embeddings path: seconds of delay
 * (MOCK_OPENAI_DELAY) and the share of calls answered 500
 * (MOCK_OPENAI_FAILURE_RATE). */
static bool legacy_rules(mock_server *m, char *err, size_t errlen)
{
    faults *f = m->f;
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

/* This server's stream faults: rule kinds, and how many events first;
 * content_filter is Azure's filter (a 400 on a prompt, a cut stream). */
static bool fault_fields(faults *f)
{
    return faults_add_kind(f, "stream_cut") && faults_add_kind(f, "stream_error") &&
           faults_add_kind(f, "content_filter") &&
           faults_add_field(f, "after_chunks", check_chunks) && oa_resp_fault_fields(f);
}

static size_t options(mock_server *m, cli_opt *out, size_t cap)
{
    oa_server *o = (oa_server *)m;
    oa_ctx *ctx = &o->ctx;
    const cli_opt opts[] = {
        {"allow-missing-key", "MOCK_ALLOW_MISSING_KEY", CLI_BOOL, &ctx->allow_missing_key,
         "compatibility switch for old mocks' callers: accept requests with no Authorization header at all "
         "(the real API answers 401; a wrong or empty key is still refused)", 0, 0},
        {"model", "MOCK_MODELS", CLI_LIST, &o->models,
         "add or change a model: NAME:DIMS (embeddings), NAME:KIND[:CONTEXT[:MAX_OUTPUT]] with KIND chat, "
         "reasoning, embedding or completion (repeatable; env: comma-separated)", 0, 0},
        {"models", "MOCK_MODELS_FILE", CLI_STR, &o->models_file,
         "a JSON list of model entries that add to or override the catalogue (see README, Models)", 0, 0},
        {"rpm", "MOCK_RPM", CLI_INT, &o->rpm, "requests per minute per API key, enforced with 429s (0 = no limit)", 0, 1e12},
        {"tpm", "MOCK_TPM", CLI_INT, &o->tpm, "tokens per minute per API key, enforced with 429s (0 = no limit)", 0, 1e12},
        {"replies", "MOCK_REPLIES", CLI_STR, &o->replies_file,
         "chat: JSON rules [{match: regex, reply | tool_call}] on the last user message, first match wins", 0, 0},
        {"ttft-ms", "MOCK_TTFT_MS", CLI_INT, &ctx->ttft_ms, "chat: time before a reply (streamed or not) starts", 0, 600000},
        {"tokens-per-s", "MOCK_TOKENS_PER_S", CLI_INT, &ctx->tokens_per_s, "chat streams: content events per second (0 = at once)", 0, 1000000},
        {"azure-deployment", "MOCK_AZURE_DEPLOYMENTS", CLI_LIST, &o->deployments,
         "Azure: a deployment NAME serving MODEL, NAME=MODEL (repeatable; env: comma-separated); a deployment "
         "named after a model serves that model", 0, 0},
        {"embed-cache", "MOCK_EMBED_CACHE", CLI_INT, &o->embed_cache,
         "embeddings: keep the encoded vectors of this many recent inputs (0 = off)", 0, 65536},
        {"quota-exhausted", "MOCK_QUOTA_EXHAUSTED", CLI_BOOL, &o->quota_exhausted,
         "answer every embeddings and chat call with 429 insufficient_quota", 0, 0},
        {"max-responses", "MOCK_MAX_RESPONSES", CLI_INT, &o->max_responses,
         "responses: stored responses kept (when full the oldest goes)", 1, 10000000},
        {"response-ttl", "MOCK_RESPONSE_TTL", CLI_INT, &o->response_ttl_s, "responses: seconds a stored response is kept", 1, 31536000},
        {"background-ms", "MOCK_BACKGROUND_MS", CLI_INT, &ctx->background_ms,
         "responses: time a background response takes (a third queued, then in progress)", 0, 86400000},
    };
    return MOCK_SERVER_OPTIONS(out, cap, opts);
}

static void routes(oa_server *o)
{
    oa_ctx *ctx = &o->ctx;
    const srv_route own[] = {
        {"GET", "/health", oa_handle_health, ctx, NULL, SRV_ROUTE_UNJOURNALED},
        {"POST", "/v1/embeddings", oa_handle_embeddings, ctx},
        {"POST", "/v1/chat/completions", oa_handle_chat, ctx},
        {"POST", "/v1/responses", oa_handle_responses, ctx},
        {"GET", "/v1/models", oa_handle_models_list, ctx},
        {"GET", "/v1/models/{id}", oa_handle_model_get, ctx},
        {"GET", "/__control/ratelimit", oa_handle_ratelimit_get, ctx, NULL, SRV_ROUTE_CONTROL},
        {"POST", "/__control/ratelimit", oa_handle_ratelimit_set, ctx, NULL, SRV_ROUTE_CONTROL},
    };
    SRV_ROUTES_ADD_ALL(&o->base.routes, own);
    oa_resp_routes(&o->base.routes, ctx);
    oa_azure_routes(&o->base.routes, ctx);
}

/* Models, --replies, rate limits (reset through the control plane), routes. */
static int build(mock_server *m, char *err, size_t errlen)
{
    oa_server *o = (oa_server *)m;
    o->ctx.api_keys = &m->c.api_keys;
    o->ctx.ctl = m->ctl;
    if (!oa_ctx_models_from(&o->ctx, o->models_file, &o->models, err, errlen) ||
        !oa_azure_deployments(&o->ctx, &o->deployments, err, errlen))
        return 2;
    if (o->replies_file && *o->replies_file && !(o->replies = oa_replies_load(o->replies_file, err, errlen)))
        return 2;
    o->ctx.replies = o->replies;
    o->ctx.rl = oa_ratelimit_new(o->rpm, o->tpm, o->quota_exhausted);
    o->ctx.embed_cache = o->embed_cache > 0 ? oa_embed_cache_new((size_t)o->embed_cache) : NULL;
    o->ctx.resp_store = oa_resp_store_new((size_t)o->max_responses, (uint64_t)o->response_ttl_s * 1000);
    if (!o->ctx.rl || (o->embed_cache > 0 && !o->ctx.embed_cache) || !o->ctx.resp_store ||
        !control_on_reset(m->ctl, oa_ratelimit_reset, o->ctx.rl) ||
        !control_on_reset(m->ctl, oa_resp_store_clear, o->ctx.resp_store))
        return 1;
    routes(o);
    return 0;
}

static void free_own(mock_server *m)
{
    oa_server *o = (oa_server *)m;
    oa_ratelimit_free(o->ctx.rl);
    oa_embed_cache_free(o->ctx.embed_cache);
    oa_resp_store_free(o->ctx.resp_store);
    oa_replies_free(o->replies);
    cli_list_free(&o->models);
    cli_list_free(&o->deployments);
}

static void defaults(mock_server *m)
{
    oa_server *o = (oa_server *)m;
    o->embed_cache = OA_EMBED_CACHE_DEFAULT; /* the rest starts at zero */
    o->max_responses = 10000;
    o->response_ttl_s = 3600;
    o->ctx.background_ms = 2000;
}

/* OpenAI's headers on every response. */
static void before_send(srv_req *r, void *m)
{
    oa_add_headers(r, &((oa_server *)m)->ctx);
}

const mock_kind oa_kind = {
    "mock_openai", "mock-openai", "a fake OpenAI API (embeddings, chat, models; Azure OpenAI too) for tests", 8002, sizeof(oa_server),
    defaults, options, fault_fields, legacy_rules, build, free_own, oa_core_error, before_send,
};
