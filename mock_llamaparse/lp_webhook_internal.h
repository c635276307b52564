/* The webhook module's own records, shared by lp_webhook.c (payloads, the
 * delivery log, start and stop) and lp_hook_send.c (the sender). */
#ifndef LP_WEBHOOK_INTERNAL_H
#define LP_WEBHOOK_INTERNAL_H

#include <curl/curl.h>
#include <stdatomic.h>

#include "lp_jobs.h"
#include "lp_webhook.h"
#include "worker.h"

#define LP_HOOK_LOG_MAX 1000

/* Which body a payload is: the old contract's, v1's webhook_url, or the
 * webhook_configurations envelope as JSON or as a JSON string. */
typedef enum { LP_BODY_LEGACY, LP_BODY_V1, LP_BODY_ENVELOPE, LP_BODY_ENVELOPE_STRING } lp_body_kind;

/* A webhook body, shared by every delivery that sends it (a job's
 * configurations with one output format get one copy of its result, not
 * one each). Released by the last delivery.
 *
 * Built when its first transfer starts (lp_payload_build), not when it is
 * queued: a body holds the whole result (a 150 KB document makes a 1 MB
 * body), so a thousand jobs finishing at once would otherwise hold a
 * thousand bodies while the sender works through them 64 at a time. Until
 * then it holds a reference to its job, which no longer changes. */
typedef struct lp_payload {
    atomic_int refs;
    size_t len;
    char *data;          /* NULL until built */
    lp_job *job;         /* the recipe, until built */
    lp_status status;
    lp_hook_phase phase;
    lp_body_kind kind;
    atomic_size_t *held; /* the sender's count of payload bytes held */
} lp_payload;

/* Build p's body if it is not built yet; false without memory (p stays
 * unbuilt, to be tried again). Sender thread only. */
bool lp_payload_build(lp_payload *p);

/* One webhook to send: its payload and, while it is being sent, its
 * transfer. */
typedef struct delivery {
    char *job_id, *url;
    lp_payload *payload;
    char *test_id;              /* the job's test, for the delivery log */
    bool legacy;                /* X-Webhook-Signature instead of LC-Signature */
    char *secret;               /* NULL: the --webhook-secret, if any */
    struct curl_slist *headers; /* webhook_headers */
    int mode;                   /* LP_HOOK_*: a webhook fault */
    long param;
    struct delivery *next;
    /* the sender's state */
    uint64_t due_ms;            /* not to be started before */
    int attempt;                /* attempts made so far */
    int sends_left;             /* 2 for a duplicate, else 1 */
    CURL *easy;                 /* in flight when set */
    struct curl_slist *sent_headers;
    char err[CURL_ERROR_SIZE];
} delivery;

/* Deliveries in order. */
typedef struct dlist {
    delivery *head, **tail;
    atomic_size_t *held; /* where the payloads made for them are counted */
} dlist;

typedef struct attempt {
    char time[32];
    char *job_id, *url, *test_id;
    int n;
    long status;
    char error[128];
    bool delivered;
} attempt;

struct lp_hooks {
    worker w; /* its lock guards the log */
    lp_store *store;
    lp_hooks_config cfg;
    attempt log[LP_HOOK_LOG_MAX];
    size_t nlog, log_at;
    atomic_size_t payload_bytes; /* webhook bodies held, each shared one counted once */
};

/* The deliveries every webhook due since the last call makes, appended to
 * list (lp_webhook.c). */
void lp_hooks_take_due(lp_hooks *h, dlist *list);

/* Record one attempt (n = 0: not sent at all) in the delivery log. */
void lp_hooks_log(lp_hooks *h, const delivery *d, int n, long status, const char *error, bool ok);

void lp_delivery_free(delivery *d);

/* The sender's thread (lp_hook_send.c). */
void *lp_hooks_run(void *h);

#endif
