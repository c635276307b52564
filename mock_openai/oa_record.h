/* oa_record: --record DIR [--upstream URL]: mock_openai records the real
 * API's answers and replays them.
 *
 * A request is keyed by its normalised body (oa_rec_normalise): a recording
 * of the same key in DIR (or DIR/<x-test-id>) answers it; without one, the
 * request goes to the upstream (record mode), gets a 404 naming what is
 * missing (replay only, the default without --upstream), or the synthetic
 * answer (--fallback synthetic). Chat recordings are --replies files (one
 * rule, its "match" the last user message exactly, its "request_hash" the
 * key); embeddings keep float32 vectors as base64. Credentials are never
 * written: only the body's fields are. */
#ifndef OA_RECORD_H
#define OA_RECORD_H

#include <stdbool.h>

#include "oa_chat.h"
#include "oa_ctx.h"
#include "router.h"
#include "server.h"

typedef enum { OA_REC_CHAT, OA_REC_RESPONSES, OA_REC_COMPLETIONS, OA_REC_EMBEDDINGS } oa_rec_family;

typedef struct oa_rec_config {
    const char *dir;      /* --record DIR (NULL: off) */
    const char *upstream; /* --upstream URL */
    const char *key;      /* --upstream-key */
    bool replay_only;     /* --replay-only */
    const char *fallback; /* --fallback none|synthetic */
    long timeout_ms;      /* --upstream-timeout-ms */
} oa_rec_config;

/* The flags, for the server's option table (environment in brackets). */
#define OA_REC_OPTIONS(c)                                                                                     \
    {"record", "MOCK_RECORD_DIR", CLI_STR, &(c).dir,                                                          \
     "record and replay: answers are served from recordings in DIR (per x-test-id in DIR/<test id>); with "  \
     "--upstream, missing ones are fetched there and recorded", 0, 0},                                        \
    {"upstream", "MOCK_UPSTREAM", CLI_STR, &(c).upstream,                                                     \
     "record mode: the real API's base URL (https://api.openai.com) for requests with no recording", 0, 0},  \
    {"upstream-key", "MOCK_UPSTREAM_KEY", CLI_STR, &(c).key,                                                  \
     "record mode: the key sent upstream instead of the client's own credentials", 0, 0},                     \
    {"upstream-timeout-ms", "MOCK_UPSTREAM_TIMEOUT_MS", CLI_INT, &(c).timeout_ms,                             \
     "record mode: the longest an upstream call may take (default 600000)", 0, 86400000},                     \
    {"replay-only", "MOCK_REPLAY_ONLY", CLI_BOOL, &(c).replay_only,                                           \
     "serve recordings only, even with --upstream: a request with none gets a 404 (the default without "     \
     "--upstream)", 0, 0},                                                                                    \
    {"fallback", "MOCK_FALLBACK", CLI_STR, &(c).fallback,                                                     \
     "replay: what a request with no recording gets: none (a 404, the default) or synthetic", 0, 0}

typedef struct oa_rec oa_rec;

/* NULL with err empty when recording is off; NULL with a message for a bad
 * configuration. */
oa_rec *oa_rec_new(const oa_rec_config *cfg, const oa_ctx *c, char *err, size_t errlen);
void oa_rec_free(oa_rec *rec);

/* Put the recording handlers in front of chat, responses, completions and
 * embeddings on the /v1 paths (Azure's paths stay synthetic). */
void oa_rec_routes(srv_routes *t, oa_rec *rec);

/* The chat engine's hook: a streamed replay's recorded reply becomes the
 * conversation's script (set by the replay on the request's notes). */
void oa_rec_script(srv_req *r, oa_chat_req *q);

/* The key's input: the body without the fields that do not change the
 * answer (user, metadata, stream and stream_options for chat, store,
 * service_tier, prompt_cache_key, safety_identifier); for embeddings only
 * model, input and dimensions. NULL for a body that is not an object. */
struct cJSON *oa_rec_normalise(oa_rec_family f, const struct cJSON *body);
const char *oa_rec_family_name(oa_rec_family f);

/* The recording's file name for a body: "<family>-<16 hex>.json"; false
 * when the body is not a JSON object. */
bool oa_rec_file_name(oa_rec_family f, const struct cJSON *body, char *out, size_t cap);

/* Is hash the key of this chat body? --replies rules with a
 * "request_hash" (every chat recording has one) answer only that request. */
bool oa_rec_hash_matches(const char *hash, const struct cJSON *body);

/* The last user message's text, as --replies matches it. */
const char *oa_rec_last_user(const struct cJSON *body);

/* Upstream answers made into recordings (oa_record_save.c). */
struct cJSON *oa_rec_chat_rule(const struct cJSON *norm, const struct cJSON *body, long status,
                               const char *content_type, const char *answer, size_t len);
struct cJSON *oa_rec_embed_doc(const struct cJSON *norm, const char *answer, size_t len);
/* The upstream's answer (taken) into recorded as "upstream_answer", and
 * its raw text as "upstream_body" when a compact reprint would differ. */
bool oa_rec_keep_answer(struct cJSON *recorded, struct cJSON *answer, const char *raw, size_t len);
/* A chat stream's events put back together: the first choice's text or
 * tool call, its finish_reason, as a chat.completion's message would be. */
struct cJSON *oa_rec_sse_message(const char *sse, size_t len, const char **finish);

#endif
