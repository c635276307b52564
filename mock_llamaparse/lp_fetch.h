/* lp_fetch: documents given by URL (v1 input_url, v2 and old-contract
 * source_url) fetched with libcurl on a worker thread, never on the request
 * path. Only http and https; bounded in size and time.
 *
 *     lp_fetch_config cfg = {max_bytes, 30000, allow};   // allow: --fetch-allow
 *     lp_fetcher *f = lp_fetcher_start(&cfg, on_fetched, store);
 *     lp_fetcher_enqueue(f, job_id, "http://host/doc.pdf");
 *     // later, on the worker: on_fetched(store, job_id, url, data, len, NULL)
 *     //                   or on_fetched(store, job_id, url, NULL, 0, "HTTP 404")
 *     lp_fetcher_stop(f);
 */
#ifndef LP_FETCH_H
#define LP_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

typedef void (*lp_fetched_fn)(void *ctx, const char *job_id, const char *url, const char *data, size_t len,
                              const char *error);
typedef struct lp_fetcher lp_fetcher;

typedef struct lp_fetch_config {
    size_t max_bytes;
    long timeout_ms;
    const cli_list *allow; /* host patterns: the URL and every redirect; NULL or empty = any */
} lp_fetch_config;

lp_fetcher *lp_fetcher_start(const lp_fetch_config *cfg, lp_fetched_fn done, void *ctx);
bool lp_fetcher_enqueue(lp_fetcher *f, const char *job_id, const char *url);

/* Abort the fetch in progress, drop the queue (each dropped job is reported
 * as failed), join the thread. */
void lp_fetcher_stop(lp_fetcher *f);

#endif
