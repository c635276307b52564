/* oa_ratelimit: the real API's rate limits, simulated per API key.
 *
 * Two token buckets per key, requests per minute and tokens per minute,
 * refilled continuously as the real service does. A request that does not
 * fit gets the real 429 (rate_limit_exceeded, with limit, used, requested
 * and "Please try again in 644ms") and retry-after/retry-after-ms that match
 * the bucket; every response carries the live x-ratelimit-* headers (reset
 * times in Go's duration format, "6m0s"). With limits at 0 nothing is
 * enforced and the headers report the nominal limits, full. Quota-exhausted
 * mode answers insufficient_quota to everything.
 *
 *     oa_ratelimit *rl = oa_ratelimit_new(60, 150000, false);
 *     if (!oa_ratelimit_take(rl, r, "text-embedding-3-small", 385)) return;  // 429 written
 */
#ifndef OA_RATELIMIT_H
#define OA_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server.h"

#define OA_RL_MAX_KEYS 1024
#define OA_NOMINAL_RPM 3000
#define OA_NOMINAL_TPM 1000000

typedef struct oa_ratelimit oa_ratelimit;

oa_ratelimit *oa_ratelimit_new(long rpm, long tpm, bool quota_exhausted);
void oa_ratelimit_free(oa_ratelimit *rl);

/* Change the limits (0 = not enforced); every bucket starts full again. */
void oa_ratelimit_set(oa_ratelimit *rl, long rpm, long tpm, bool quota_exhausted);
void oa_ratelimit_get(oa_ratelimit *rl, long *rpm, long *tpm, bool *quota_exhausted);

/* Forget every caller's buckets (they start full again), or only those of
 * one test (a control reset hook: takes the oa_ratelimit as void *). */
void oa_ratelimit_reset(void *rl, const char *test_id);

/* Take one request and `tokens` tokens from the caller's buckets; false
 * with the 429 written when they do not fit or the quota is exhausted. */
bool oa_ratelimit_take(oa_ratelimit *rl, srv_req *r, const char *model, size_t tokens);

/* Add the live x-ratelimit-* headers for the caller's key. */
void oa_ratelimit_headers(oa_ratelimit *rl, srv_req *r);

/* Format seconds as Go's time.Duration prints them: "6ms", "1s", "4m12.172s". */
void oa_go_duration(double seconds, char *out, size_t cap);

#endif
