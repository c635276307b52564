/* lp_job_faults: a job's own faults (job_status, job_error_code,
 * job_error_message, job_delay_ms, webhook), read from the fault rule that
 * acted on the request that made the job. Owned by lp_job_faults.c: set by
 * lp_job_faults_apply, freed by lp_job_faults_free. */
#ifndef LP_JOB_FAULTS_H
#define LP_JOB_FAULTS_H

#include <stdbool.h>

enum { LP_HOOK_NORMAL, LP_HOOK_DROP, LP_HOOK_DUPLICATE, LP_HOOK_DELAY, LP_HOOK_STATUS };

typedef struct lp_job_faults {
    bool stuck;          /* PENDING forever */
    long delay_ms;       /* the job's own time, or -1 */
    int status;          /* an lp_status to end in, or -1 */
    bool expired;        /* ERROR with EXPIRED */
    char code[65];       /* job_error_code, or "" */
    char *message;       /* job_error_message, or NULL */
    int hook_mode;       /* LP_HOOK_*: what happens to its webhooks */
    long hook_param;
} lp_job_faults;

#define LP_JOB_FAULTS_NONE {false, -1, -1, false, "", NULL, LP_HOOK_NORMAL, 0}

void lp_job_faults_free(lp_job_faults *f);

#endif
