/* metrics: Prometheus counters for what a server did, served at /metrics.
 *
 *     metrics *m = metrics_new();
 *     metrics_record(m, &(metrics_in){"/v1/embeddings", "POST", 200, 0.004, NULL, NULL});
 *     metrics_write(m, out);   // text exposition format 0.0.4
 *
 * Label sets are bounded (route patterns, not raw paths; at most
 * METRICS_MAX_SERIES of them, the rest counted under route="other"). */
#ifndef MW_METRICS_H
#define MW_METRICS_H

#include <stdbool.h>

#include "buf.h"

#define METRICS_MAX_SERIES 256

typedef struct metrics metrics;

typedef struct metrics_in {
    const char *route;  /* the matched route pattern, or "unmatched" */
    const char *method;
    int status;         /* 0: the client went away before the answer */
    double seconds;
    const char *fault_rule; /* "3", "header", or NULL when no fault fired */
    const char *fault_kind; /* "status", "delay", "reset", ... */
} metrics_in;

/* Something else to export (e.g. jobs by state): appends its own lines. */
typedef void (*metrics_writer)(buf *out, void *ctx);

metrics *metrics_new(void);
void metrics_free(metrics *m);
void metrics_record(metrics *m, const metrics_in *in);
bool metrics_add_writer(metrics *m, metrics_writer fn, void *ctx);
void metrics_write(metrics *m, buf *out);

#endif
