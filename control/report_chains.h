/* report_chains: the journal read as requests and their retries, and the
 * verdict on how each client behaved (control_report.c writes it out).
 *
 * An attempt is one journal entry. Attempts of the same client (test id,
 * key) on the same route with the same body are one request sent again: a
 * chain. A chain ends with a success, or when the client starts afresh
 * (x-stainless-retry-count: 0); the next identical call begins a new one.
 *
 *     report_set s;
 *     report_collect(&s, j, test_id);     // from the journal
 *     report_judge(&s, &rules);           // chains and violations
 *     ... s.chains[i], s.violations[k] ...
 *     report_free(&s);
 */
#ifndef REPORT_CHAINS_H
#define REPORT_CHAINS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journal.h"

typedef struct report_attempt {
    char *request_id, *test_id, *client, *method, *route, *fault;
    int status;           /* 0: no answer was completed (reset, hang, cut) */
    uint64_t start_ms, end_ms;
    long asked_ms;        /* what the answer asked the client to wait; -1 none */
    int should_retry;     /* x-should-retry: 1, 0, -1 absent */
    uint64_t body_hash;
    long retry_count;     /* x-stainless-retry-count, -1 absent */
} report_attempt;

typedef struct report_chain {
    size_t first, n;      /* attempts[first .. first+n), in time order */
    bool recovered;       /* the last answer was a success */
    size_t injected;      /* attempts a fault acted on */
} report_chain;

typedef enum {
    REPORT_EARLY_RETRY,
    REPORT_RETRIED_NON_RETRYABLE,
    REPORT_RETRY_STORM,
    REPORT_NO_BACKOFF,
    REPORT_UNRECOVERED,
} report_kind;

typedef struct report_violation {
    report_kind kind;
    size_t chain;         /* which chain */
    size_t attempt;       /* the attempt that shows it (an index into attempts) */
    long asked_ms, waited_ms; /* for early_retry; -1 otherwise */
    char evidence[200];
} report_violation;

/* Limits a well-behaved client stays within. */
typedef struct report_rules {
    long storm_attempts;  /* more attempts of one request than this within storm_window_ms is a storm */
    long storm_window_ms;
    long tolerance_ms;    /* a retry this much early still counts as on time (clocks, scheduling) */
} report_rules;

#define REPORT_RULES_DEFAULT {5, 1000, 10}

typedef struct report_set {
    report_attempt *attempts;
    size_t nattempts;
    report_chain *chains;
    size_t nchains;
    report_violation *violations;
    size_t nviolations;
    bool oom;             /* something could not be kept: the report is partial */
} report_set;

const char *report_kind_name(report_kind k);

/* Copy the journal's entries (one test's, or all: test_id NULL). */
void report_collect(report_set *s, journal *j, const char *test_id);

/* Sort the attempts into chains and find the violations. */
void report_judge(report_set *s, const report_rules *rules);

void report_free(report_set *s);

#endif
