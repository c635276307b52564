/* journal: the last N requests a server answered, for tests to inspect.
 *
 * A bounded ring (memory never grows past N entries): recording the N+1st
 * request drops the oldest. Each entry is one allocation holding its
 * strings. Thread-safe.
 *
 *     journal *j = journal_new(1000);
 *     journal_record(j, &(journal_in){.method = "POST", .path = "/v1/embeddings", ...});
 *     journal_write_json(j, &(journal_filter){.path = "/v1/embeddings", .limit = 10}, out);
 *     // {"requests":[{"time":"...","method":"POST",...}]}, newest last
 */
#ifndef MW_JOURNAL_H
#define MW_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef struct journal journal;

/* The request headers kept with each entry. */
#define JOURNAL_HEADERS {"user-agent", "x-stainless-retry-count", "x-test-id", "x-mock-fault", "idempotency-key"}
#define JOURNAL_NHEADERS 5

#define JOURNAL_RETRY_COUNT 1 /* headers[1] is x-stainless-retry-count: the SDKs' attempt number */
#define JOURNAL_TEST_ID 2     /* headers[2] is x-test-id: the request's test, if any */

typedef struct journal_in {
    const char *request_id;
    const char *method;
    const char *path;
    const char *query; /* "a=1&b=2" or "" */
    const char *headers[JOURNAL_NHEADERS]; /* NULL when absent */
    size_t body_bytes;
    int status; /* 0 when no response was completed */
    double duration_ms;
    const char *fault; /* "rule 3" or "header", NULL when none fired */
    /* what the retry report needs (all optional) */
    const char *route;     /* the route pattern ("/v1/models/{id}"), NULL when unmatched */
    const char *client;    /* the caller's key, masked ("sk-abc***xyz"), NULL without one */
    uint64_t body_hash;    /* the same request sent again has the same hash */
    uint64_t start_ms;     /* arrival, monotonic (timer_now_ms) */
    long retry_after_ms;   /* what the answer asked the client to wait; -1 = nothing */
    int should_retry;      /* the answer's x-should-retry: 1 true, 0 false, -1 absent */
} journal_in;

typedef struct journal_filter {
    const char *path;    /* exact or glob */
    const char *method;  /* case-insensitive */
    int status;          /* 0 = any */
    size_t limit;        /* the newest `limit` matches; 0 = all */
    const char *test_id; /* only this test's requests (x-test-id); NULL = any */
} journal_filter;

journal *journal_new(size_t capacity);
void journal_free(journal *j);

/* Forget every entry, or (test_id not NULL) only that test's. */
void journal_clear(journal *j, const char *test_id);

void journal_record(journal *j, const journal_in *in);

/* Append {"requests":[...]} for the entries that pass the filter. */
void journal_write_json(journal *j, const journal_filter *f, buf *out);

/* How many entries pass the filter (its limit is ignored). */
size_t journal_count(journal *j, const journal_filter *f);

/* Call fn on each entry that passes the filter, oldest first, under the
 * journal's lock: the entry's strings live only during the call. The limit
 * is ignored. */
void journal_each(journal *j, const journal_filter *f, void (*fn)(const journal_in *e, void *ctx), void *ctx);

#endif
