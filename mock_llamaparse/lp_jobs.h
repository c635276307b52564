/* lp_jobs: the parse job store. A job's content is computed when it is
 * accepted and never changes; its status follows the clock (PENDING until
 * its ready time, then its outcome), so no thread drives the state machine.
 * Bounded: at most max_jobs; finished jobs older than the TTL are evicted
 * first, and a full store refuses new jobs (the caller answers 429), so
 * nothing accepted is lost before its TTL.
 *
 *     lp_store *s = lp_store_new(10000, 3600 * 1000);
 *     lp_store_add(s, job);                         // the store owns it now
 *     lp_store_with(s, id, write_status, &out);     // under the store's lock
 */
#ifndef LP_JOBS_H
#define LP_JOBS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <stdatomic.h>

#include "buf.h"
#include "isotime.h"
#include "lp_content.h"
#include "lp_job_faults.h"
#include "lp_job_hooks.h"

typedef enum { LP_PENDING, LP_SUCCESS, LP_ERROR, LP_PARTIAL_SUCCESS, LP_CANCELLED, LP_NSTATUS } lp_status;

#define LP_ID_MAX 64
#define LP_SEPARATOR_MAX 512 /* page_separator, in bytes */

typedef struct lp_job {
    atomic_int refs;               /* the store's, and each webhook being built */
    char id[LP_ID_MAX + 1];
    uint64_t created_ms, ready_ms; /* monotonic milliseconds */
    time_t created_at;             /* wall clock, for details */
    lp_status outcome;             /* the status once ready */
    char error_code[65];           /* "" unless ERROR */
    char *error_message;
    lp_doc *doc;
    char *filename;
    size_t bytes;
    bool cache_hit;
    char *params;    /* the upload's form fields as a JSON object */
    char *test_id;   /* the x-test-id of the request that made it, or NULL */
    char *separator; /* page_separator */
    const char *tier;
    long max_pages;    /* 0 = all */
    char *target_pages; /* canonical 0-based list (lp_pages_select.h), or NULL: all */
    char *page_prefix, *page_suffix; /* around each page of the joined result, or NULL */
    bool fetching;     /* waiting for its document from source_url */
    bool v2;           /* made by the v2 API: its webhooks speak v2's status names */
    bool screenshots, images; /* take_screenshot, save_images (lp_images.c) */
    char *source_url;  /* set for jobs given by URL */
    char *user_metadata; /* v2: a JSON object of strings, echoed; or NULL */
    lp_job_hooks hooks;   /* lp_webhook.c's */
    lp_job_faults faults; /* lp_job_faults.c's */
} lp_job;

/* How a job's pages are picked and joined: page_separator, page_prefix and
 * page_suffix (each may hold {pageNumber}), target_pages (canonical), and
 * max_pages. NULL strings: the defaults. */
typedef struct lp_page_opts {
    const char *separator, *prefix, *suffix, *target;
    long max_pages;
} lp_page_opts;

/* Copy the options into the job; false when out of memory. */
bool lp_job_set_pages(lp_job *j, const lp_page_opts *o);

/* Set the job's ready time (and forced outcome) from now: the configured
 * delay plus per page, unless a job fault says otherwise. */
void lp_job_schedule(lp_job *j, uint64_t now, uint64_t delay_ms, uint64_t ms_per_page);

typedef struct lp_store lp_store;
typedef void (*lp_job_fn)(const lp_job *job, lp_status status, void *ctx);

lp_store *lp_store_new(size_t max_jobs, uint64_t ttl_ms);
void lp_store_free(lp_store *s);

/* Drop every job, or (test_id not NULL) every job that test made (a
 * control reset hook: takes the store as void *). */
void lp_store_clear(void *s, const char *test_id);

/* Take the job (the store owns it on LP_ADDED). The id is checked and the
 * job inserted under one lock, so two requests racing with one job_id can
 * never both get in: LP_EXISTS. LP_FULL when the store is full of jobs
 * still inside their TTL. */
typedef enum { LP_ADDED, LP_FULL, LP_EXISTS } lp_add_result;
lp_add_result lp_store_add(lp_store *s, lp_job *job);

/* Run fn on the job with its current status, under the lock; false when
 * there is no such job. */
bool lp_store_with(lp_store *s, const char *id, lp_job_fn fn, void *ctx);

/* Cancel a job that is not finished yet: false (and *st = its status)
 * when there is no such job or it already finished. */
bool lp_store_cancel(lp_store *s, const char *id, lp_status *st);

/* Remove a finished job; false (*found tells why) when it is missing or
 * still running. */
bool lp_store_remove(lp_store *s, const char *id, bool *found);

/* Run fn on every job (or every job test_id made), oldest first, under
 * the lock. */
void lp_store_each(lp_store *s, const char *test_id, lp_job_fn fn, void *ctx);

/* A URL job's document arrived (doc) or could not be had (error): the job
 * starts its processing time now, or ends in ERROR. Takes doc. */
void lp_store_fetched(lp_store *s, const char *id, lp_doc *doc, const char *error, uint64_t delay_ms,
                      uint64_t ms_per_page);

/* The moments a job reports: its start (parse.pending), the start of its
 * processing (parse.running: a third into its time, as v2's RUNNING), and
 * its end. */
typedef enum { LP_HOOK_START, LP_HOOK_RUNNING, LP_HOOK_END } lp_hook_phase;

/* A webhook due: the job (a reference the taker releases), its status, and
 * which moment it reports. */
typedef struct lp_hook_due {
    lp_job *job;
    lp_status status;
    lp_hook_phase phase;
} lp_hook_due;

/* Hand the webhook sender each job's start and running (once each, for jobs
 * with webhook_configurations; a finished job that was not cancelled ran,
 * so its running comes before its end) and each finished job's end (once), at most cap
 * of them, oldest first; returns how many. Only references are taken under
 * the lock: the payloads are built outside it, from jobs whose content no
 * longer changes. */
size_t lp_store_take_webhooks(lp_store *s, lp_hook_due *out, size_t cap);

/* Was this content key (bytes + options) parsed before? Records it. */
bool lp_store_seen(lp_store *s, uint64_t key);

/* Prometheus lines for jobs by state (a metrics writer). */
void lp_store_metrics(buf *out, void *s);

const char *lp_status_name(lp_status st);

/* A random lowercase UUID v4, for ids (which need not be deterministic). */
void lp_uuid4(char out[37]);

/* The job's pages, markdown (md) or text, each within its prefix and
 * suffix, joined by its page separator; {pageNumber} in them is the number
 * of the page they frame (for a separator, the page after it). */
void lp_job_joined(buf *out, const lp_job *j, bool md);

/* A new job with one reference: the store takes it (lp_store_add), or its
 * maker releases it. lp_job_retain adds a reference, lp_job_release drops
 * one and frees the job with the last. */
lp_job *lp_job_new(void);
void lp_job_retain(lp_job *job);
void lp_job_release(lp_job *job);

#endif
