#include "metrics.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double bounds[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBOUNDS (sizeof bounds / sizeof bounds[0])

typedef struct req_series {
    char route[96];
    char method[12];
    int status;
    unsigned long long count;
} req_series;

typedef struct fault_series {
    char rule[24];
    char kind[16];
    unsigned long long count;
} fault_series;

struct metrics {
    pthread_mutex_t lock;
    req_series reqs[METRICS_MAX_SERIES];
    size_t nreqs;
    fault_series faults[METRICS_MAX_SERIES];
    size_t nfaults;
    unsigned long long buckets[NBOUNDS + 1]; /* the last is +Inf */
    double sum;
    unsigned long long count;
    struct {
        metrics_writer fn;
        void *ctx;
    } writers[8];
    size_t nwriters;
};

metrics *metrics_new(void)
{
    metrics *m = calloc(1, sizeof *m);
    if (m)
        pthread_mutex_init(&m->lock, NULL);
    return m;
}

void metrics_free(metrics *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m);
}

bool metrics_add_writer(metrics *m, metrics_writer fn, void *ctx)
{
    if (m->nwriters == sizeof m->writers / sizeof m->writers[0])
        return false;
    m->writers[m->nwriters].fn = fn;
    m->writers[m->nwriters++].ctx = ctx;
    return true;
}

/* Methods are free-form tokens in HTTP: only the usual ones get a label. */
static const char *method_label(const char *m)
{
    static const char *const known[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(m, known[i]) == 0)
            return known[i];
    }
    return "OTHER";
}

/* The series for these labels; when the table is full, the last slot
 * counts everything else as route="other". */
static req_series *req_slot(metrics *m, const char *route, const char *method, int status)
{
    for (size_t i = 0; i < m->nreqs; i++) {
        req_series *s = &m->reqs[i];
        if (s->status == status && !strcmp(s->method, method) && !strcmp(s->route, route))
            return s;
    }
    bool full = m->nreqs == METRICS_MAX_SERIES - 1;
    req_series *s = &m->reqs[full ? METRICS_MAX_SERIES - 1 : m->nreqs++];
    if (full) {
        route = "other";
        method = "OTHER";
        status = 0;
    }
    snprintf(s->route, sizeof s->route, "%s", route);
    snprintf(s->method, sizeof s->method, "%s", method);
    s->status = status;
    return s;
}

static fault_series *fault_slot(metrics *m, const char *rule, const char *kind)
{
    for (size_t i = 0; i < m->nfaults; i++) {
        if (!strcmp(m->faults[i].rule, rule) && !strcmp(m->faults[i].kind, kind))
            return &m->faults[i];
    }
    /* As for requests: when the table is full, the last slot counts every
     * further rule as rule="other", rather than under some rule's label. */
    bool full = m->nfaults == METRICS_MAX_SERIES - 1;
    fault_series *s = &m->faults[full ? METRICS_MAX_SERIES - 1 : m->nfaults++];
    if (full)
        rule = kind = "other";
    snprintf(s->rule, sizeof s->rule, "%s", rule);
    snprintf(s->kind, sizeof s->kind, "%s", kind);
    return s;
}

void metrics_record(metrics *m, const metrics_in *in)
{
    size_t b = 0;
    while (b < NBOUNDS && in->seconds > bounds[b])
        b++;
    pthread_mutex_lock(&m->lock);
    req_slot(m, in->route, method_label(in->method), in->status)->count++;
    if (in->fault_rule)
        fault_slot(m, in->fault_rule, in->fault_kind ? in->fault_kind : "")->count++;
    m->buckets[b]++;
    m->sum += in->seconds;
    m->count++;
    pthread_mutex_unlock(&m->lock);
}

/* Label values are route patterns and rule ids; escape what the format
 * requires anyway (backslash, quote, newline). */
static void label(buf *out, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' || *v == '"')
            buf_printf(out, "\\%c", *v);
        else if (*v == '\n')
            buf_puts(out, "\\n");
        else
            buf_append(out, v, 1);
    }
}

static void write_requests(metrics *m, buf *out)
{
    buf_puts(out, "# HELP mock_requests_total Requests answered, by route pattern, method and status.\n"
                  "# TYPE mock_requests_total counter\n");
    for (size_t i = 0; i < METRICS_MAX_SERIES; i++) { /* the last slot is "other" */
        if (m->reqs[i].count == 0)
            continue;
        buf_puts(out, "mock_requests_total{route=\"");
        label(out, m->reqs[i].route);
        buf_printf(out, "\",method=\"%s\",status=\"%d\"} %llu\n", m->reqs[i].method, m->reqs[i].status,
                   m->reqs[i].count);
    }
}

static void write_latency(metrics *m, buf *out)
{
    buf_puts(out, "# HELP mock_request_duration_seconds Time from request to answer, injected delays included.\n"
                  "# TYPE mock_request_duration_seconds histogram\n");
    unsigned long long cum = 0;
    for (size_t b = 0; b < NBOUNDS; b++) {
        cum += m->buckets[b];
        buf_printf(out, "mock_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bounds[b], cum);
    }
    cum += m->buckets[NBOUNDS];
    buf_printf(out, "mock_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", cum);
    buf_printf(out, "mock_request_duration_seconds_sum %.6f\nmock_request_duration_seconds_count %llu\n", m->sum,
               m->count);
}

static void write_faults(metrics *m, buf *out)
{
    buf_puts(out, "# HELP mock_faults_injected_total Faults injected, by rule and kind.\n"
                  "# TYPE mock_faults_injected_total counter\n");
    for (size_t i = 0; i < METRICS_MAX_SERIES; i++) { /* the last slot is "other" */
        if (m->faults[i].count == 0)
            continue;
        buf_puts(out, "mock_faults_injected_total{rule=\"");
        label(out, m->faults[i].rule);
        buf_puts(out, "\",kind=\"");
        label(out, m->faults[i].kind);
        buf_printf(out, "\"} %llu\n", m->faults[i].count);
    }
}

void metrics_write(metrics *m, buf *out)
{
    pthread_mutex_lock(&m->lock);
    write_requests(m, out);
    write_latency(m, out);
    write_faults(m, out);
    size_t nw = m->nwriters;
    pthread_mutex_unlock(&m->lock);
    for (size_t i = 0; i < nw; i++) /* writers are registered before serving */
        m->writers[i].fn(out, m->writers[i].ctx);
}
