/* oa_ctx: mock_openai's configuration, built once at start-up and read-only
 * while serving (handlers get it as their route context; no globals); the
 * objects it points to (rate limits, the embeddings cache) lock themselves. */
#ifndef OA_CTX_H
#define OA_CTX_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "oa_bpe.h"

#define OA_MAX_MODELS 256 /* the catalogue has ~100; room for --models and --model */
#define OA_MAX_DEPLOYMENTS 64

/* What a model serves: chat completions (plain or reasoning), embeddings,
 * or the legacy completions endpoint. */
typedef enum oa_model_kind { OA_KIND_CHAT, OA_KIND_REASONING, OA_KIND_EMBEDDING, OA_KIND_COMPLETION } oa_model_kind;

/* reasoning_effort values, weakest first (the order reasoning tokens grow in). */
typedef enum oa_effort {
    OA_EFFORT_NONE, OA_EFFORT_MINIMAL, OA_EFFORT_LOW, OA_EFFORT_MEDIUM, OA_EFFORT_HIGH, OA_EFFORT_XHIGH, OA_EFFORT_MAX,
    OA_EFFORT_COUNT
} oa_effort;

/* One catalogue entry (oa_catalog.json, --models FILE, --model SPEC). */
typedef struct oa_model {
    char id[96];
    char snapshot[96];     /* the dated id answers carry in `model` (the id itself for a snapshot) */
    oa_model_kind kind;
    unsigned dims;         /* embedding size; 0 for other kinds */
    long context;          /* context window in tokens; 0 for embedding models */
    long max_output;       /* most completion tokens one answer may have */
    bool shortenable;      /* accepts the `dimensions` parameter */
    long created;
    char owned_by[32];
    oa_bpe_enc enc;        /* the tokenizer its counts use */
    unsigned efforts;      /* reasoning: bit (1u << oa_effort) per reasoning_effort accepted; 0 = refused */
    oa_effort default_effort; /* reasoning: the effort when the request names none */
    bool verbosity;        /* accepts verbosity low and high (every chat model accepts medium) */
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

/* Register the built-in catalogue (oa_catalog.json), then each --model
 * SPEC of extra (see oa_catalog.h). False with a message in err for a
 * malformed entry. */
bool oa_ctx_models(oa_ctx *c, const cli_list *extra, char *err, size_t errlen);

const oa_model *oa_model_find(const oa_ctx *c, const char *id);

#endif
