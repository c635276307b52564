/* oa_ctx: mock_openai's configuration, built once at start-up and read-only
 * while serving (handlers get it as their route context; no globals); the
 * objects it points to (rate limits, the embeddings cache) lock themselves. */
#ifndef OA_CTX_H
#define OA_CTX_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "oa_bpe.h"

#define OA_MAX_MODELS 64
#define OA_MAX_DEPLOYMENTS 64

typedef struct oa_model {
    char id[96];
    unsigned dims;         /* embedding size; 0 for chat models */
    long context;          /* chat models: context window in tokens; 0 for embedding models */
    bool shortenable; /* accepts the `dimensions` parameter */
    long created;
    const char *owned_by;
    oa_bpe_enc enc;        /* the tokenizer its counts use */
} oa_model;

/* An Azure deployment: a name callers put in the URL (or the v1 body's
 * model), serving one of the models above (an index into models[]). */
typedef struct oa_deployment {
    char name[96];
    size_t model;
} oa_deployment;

typedef struct oa_ctx {
    oa_model models[OA_MAX_MODELS];
    size_t nmodels;
    const cli_list *api_keys; /* empty: any non-empty bearer key is accepted */
    bool allow_missing_key;   /* compatibility: no Authorization header is accepted too */
    struct oa_ratelimit *rl;  /* rate limits and the x-ratelimit-* headers */
    struct control *ctl;      /* for the control API's token check */
    long ttft_ms;             /* chat streams: time to the first token */
    long tokens_per_s;        /* chat streams: pace after that (0 = at once) */
    const struct oa_replies *replies; /* --replies FILE, or NULL */
    oa_deployment deployments[OA_MAX_DEPLOYMENTS]; /* --azure-deployment NAME=MODEL */
    size_t ndeployments;
    struct oa_embed_cache *embed_cache; /* --embed-cache; NULL when off. Thread-safe itself */
    struct oa_resp_store *resp_store;   /* stored responses (oa_resp_store.h). Thread-safe itself */
    long background_ms;                 /* responses: how long a background response takes */
} oa_ctx;

/* Register the built-in models, then each "NAME:DIMS" of extra (a new
 * text-embedding-3-style model, or a new size for a known one). False with
 * a message in err for a malformed entry. */
bool oa_ctx_models(oa_ctx *c, const cli_list *extra, char *err, size_t errlen);

const oa_model *oa_model_find(const oa_ctx *c, const char *id);

#endif
