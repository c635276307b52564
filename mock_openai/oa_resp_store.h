/* oa_resp_store: stored responses (store: true), for retrieve, delete,
 * input_items, cancel, previous_response_id and item references. Bounded:
 * at most max responses; past its TTL a response is gone, and when full the
 * oldest is dropped first. A background response's status follows the
 * clock (queued, in_progress, then its outcome), so no thread drives it.
 * Every call locks the store; callbacks run under its lock. */
#ifndef OA_RESP_STORE_H
#define OA_RESP_STORE_H

#include <cJSON.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct oa_resp_rec {
    char id[64];
    uint64_t created_ms, done_ms; /* done_ms: when a background response ends (UINT64_MAX: stuck) */
    bool background, cancelled;
    bool conversation; /* a conversation: response is its object, input its items */
    char *test_id;     /* the x-test-id of the request that made it, or NULL */
    cJSON *response;   /* the finished object */
    cJSON *input;      /* its input items */
    char prev[64];     /* the previous_response_id it continued, or "" */
    cJSON *history;    /* its part of what a continuation sees: with a prev, its input and output
                        * (the earlier turns are the prev's); else all of it */
} oa_resp_rec;

typedef struct oa_resp_store oa_resp_store;

oa_resp_store *oa_resp_store_new(size_t max, uint64_t ttl_ms);
void oa_resp_store_free(oa_resp_store *s);
/* A control reset hook: drop every response (or every one test_id made). */
void oa_resp_store_clear(void *s, const char *test_id);

/* Take rec (allocated with malloc; the store owns it, even on failure). */
bool oa_resp_store_add(oa_resp_store *s, oa_resp_rec *rec);
void oa_resp_rec_free(oa_resp_rec *rec);

/* Run fn on the response (or the conversation), under the lock; false
 * when there is none. */
typedef void (*oa_resp_rec_fn)(oa_resp_rec *rec, void *ctx);
bool oa_resp_store_with(oa_resp_store *s, const char *id, bool conversation, oa_resp_rec_fn fn, void *ctx);
bool oa_resp_store_remove(oa_resp_store *s, const char *id, bool conversation);

/* What a response continuing this one sees: the histories of its chain of
 * previous responses, oldest first, ending with its own (a chain cut by
 * eviction starts where it is cut); NULL when there is no such response.
 * Chained, a long conversation costs its length, not its square. */
cJSON *oa_resp_store_history(oa_resp_store *s, const char *id);

/* A copy of the stored item with this id (input or output of any stored
 * response, or a conversation's item), or NULL. */
cJSON *oa_resp_store_item(oa_resp_store *s, const char *item_id);

/* The response as seen now: its status by the clock; before it ends (or
 * cancelled) no output and no usage. A new object. */
cJSON *oa_resp_rec_view(const oa_resp_rec *rec, uint64_t now);
/* Its status now: "queued", "in_progress", "cancelled", or the outcome. */
const char *oa_resp_rec_status(const oa_resp_rec *rec, uint64_t now);

#endif
