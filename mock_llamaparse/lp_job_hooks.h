/* lp_job_hooks: where a job reports its end, and how far the webhook
 * sender got with it. Owned by lp_webhook.c (lp_job_hooks_free); the two
 * flags change only under the job store's lock. */
#ifndef LP_JOB_HOOKS_H
#define LP_JOB_HOOKS_H

#include <stdbool.h>

typedef struct lp_job_hooks {
    char *url;            /* webhook_url: the job's end is reported there, or NULL */
    bool legacy;          /* the old contract's payload, not v1's */
    char *correlation_id; /* old contract: echoed in its webhook and GET /jobs */
    char *configs;        /* webhook_configurations, a checked JSON array, or NULL */
    bool start_taken;     /* parse.pending handed to the sender */
    bool running_taken;   /* parse.running handed to the sender */
    bool end_taken;       /* the end handed to the sender */
} lp_job_hooks;

/* Does the job report anything at all? */
static inline bool lp_job_hooks_any(const lp_job_hooks *h)
{
    return h->url || h->configs;
}

void lp_job_hooks_free(lp_job_hooks *h);

#endif
