/* lp_webhook: reports finished jobs to their webhook_url with libcurl on a
 * thread of its own (never on the request path), retried with exponential
 * backoff on connection errors and 5xx, every attempt kept for
 * GET /__control/webhooks.
 *
 * Payloads: the old contract's {"job_id","document_id","parse_job_id","correlation_id","status":"parsed"|
 * "failed","artifacts":[{"type":"markdown","content","sha256","bytes"}],
 * "meta":{...}} signed in X-Webhook-Signature (hex HMAC-SHA256 of the body
 * with --webhook-secret); v1's {"job_id","status","txt","md","json",
 * "images"} signed in LC-Signature: sha256=<hex>. */
#ifndef LP_WEBHOOK_H
#define LP_WEBHOOK_H

#include "buf.h"
#include "cli.h"
#include "lp_jobs.h"

typedef struct lp_hooks lp_hooks;

typedef struct lp_hooks_config {
    const char *secret; /* NULL: unsigned */
    long retries;       /* attempts after the first */
    long timeout_ms;
    long backoff_ms;    /* before the 2nd attempt; doubles each time */
    const cli_list *allow; /* host patterns (fnmatch); NULL or empty: any host */
    long queue_max;        /* webhooks waiting to be sent; more are dropped */
} lp_hooks_config;

lp_hooks *lp_hooks_start(lp_store *store, const lp_hooks_config *cfg);
void lp_hooks_stop(lp_hooks *h);

/* Forget the attempts, or those of one test's jobs (a control reset hook). */
void lp_hooks_clear(void *h, const char *test_id);

/* Prometheus lines: the bytes of webhook bodies held (a metrics writer). */
void lp_hooks_metrics(buf *out, void *h);

/* {"deliveries":[...]} oldest first. */
void lp_hooks_write_json(lp_hooks *h, buf *out);

/* The old contract's payload for a finished job (exposed for tests). */
void lp_hooks_legacy_payload(buf *out, const lp_job *j, lp_status st);

/* Hex HMAC-SHA256 of data with key, into out[65]. */
void lp_hmac_hex(const char *key, const char *data, size_t len, char out[65]);

#endif
