/* The retry report's reading of the journal: see report_chains.h. */
#include "report_chains.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *report_kind_name(report_kind k)
{
    static const char *const names[] = {"early_retry", "retried_non_retryable", "retry_storm", "no_backoff",
                                        "unrecovered"};
    return names[k];
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

static void free_attempt(report_attempt *a)
{
    free(a->request_id);
    free(a->test_id);
    free(a->client);
    free(a->method);
    free(a->route);
    free(a->fault);
}

static void collect_one(const journal_in *e, void *ctx)
{
    report_set *s = ctx;
    const char *rc = e->headers[JOURNAL_RETRY_COUNT];
    report_attempt a = {dup_or_empty(e->request_id), dup_or_empty(e->headers[JOURNAL_TEST_ID]),
                        dup_or_empty(e->client), dup_or_empty(e->method), dup_or_empty(e->route ? e->route : e->path),
                        e->fault ? strdup(e->fault) : NULL, e->status, e->start_ms,
                        e->start_ms + (uint64_t)(e->duration_ms > 0 ? e->duration_ms : 0), e->retry_after_ms,
                        e->should_retry, e->body_hash, rc ? strtol(rc, NULL, 10) : -1};
    report_attempt *grown = realloc(s->attempts, (s->nattempts + 1) * sizeof *grown);
    if (!grown || !a.request_id || !a.test_id || !a.client || !a.method || !a.route || (e->fault && !a.fault)) {
        free_attempt(&a);
        s->attempts = grown ? grown : s->attempts;
        s->oom = true;
        return;
    }
    s->attempts = grown;
    s->attempts[s->nattempts++] = a;
}

void report_collect(report_set *s, journal *j, const char *test_id)
{
    *s = (report_set){0};
    journal_filter f = {NULL, NULL, 0, 0, test_id};
    journal_each(j, &f, collect_one, s);
}

/* Same client, route and body: the same request. */
static int same_request(const report_attempt *a, const report_attempt *b)
{
    int c = strcmp(a->test_id, b->test_id);
    if (!c)
        c = strcmp(a->client, b->client);
    if (!c)
        c = strcmp(a->method, b->method);
    if (!c)
        c = strcmp(a->route, b->route);
    if (!c)
        c = a->body_hash < b->body_hash ? -1 : a->body_hash > b->body_hash;
    return c;
}

static int by_request_then_time(const void *x, const void *y)
{
    const report_attempt *a = x, *b = y;
    int c = same_request(a, b);
    return c ? c : a->start_ms < b->start_ms ? -1 : a->start_ms > b->start_ms;
}

static bool success(int status)
{
    return status >= 200 && status < 400;
}

/* What the official SDKs retry: timeouts, conflicts, 429s, 5xx, and
 * connections that broke (status 0). */
static bool retryable(int status)
{
    return status == 0 || status == 408 || status == 409 || status == 429 || status >= 500;
}

static void add_chain(report_set *s, size_t first, size_t n)
{
    report_chain *grown = realloc(s->chains, (s->nchains + 1) * sizeof *grown);
    if (!grown) {
        s->oom = true;
        return;
    }
    s->chains = grown;
    report_chain c = {first, n, success(s->attempts[first + n - 1].status), 0};
    for (size_t i = first; i < first + n; i++)
        c.injected += s->attempts[i].fault != NULL;
    s->chains[s->nchains++] = c;
}

/* Does attempt i start a new chain after attempt i-1? */
static bool starts_chain(const report_set *s, size_t i)
{
    const report_attempt *a = &s->attempts[i], *prev = &s->attempts[i - 1];
    return same_request(a, prev) != 0 || success(prev->status) || a->retry_count == 0;
}

static int chain_by_time(const void *x, const void *y, void *arg)
{
    const report_set *s = arg;
    uint64_t a = s->attempts[((const report_chain *)x)->first].start_ms;
    uint64_t b = s->attempts[((const report_chain *)y)->first].start_ms;
    return a < b ? -1 : a > b;
}

/* Attempts grouped by request to find the chains; the chains in the order
 * their first attempts came. */
static void make_chains(report_set *s)
{
    if (s->nattempts) /* qsort's array may not be NULL, even for no elements (UBSan) */
        qsort(s->attempts, s->nattempts, sizeof *s->attempts, by_request_then_time);
    size_t first = 0;
    for (size_t i = 1; i <= s->nattempts; i++) {
        if (i == s->nattempts || starts_chain(s, i)) {
            add_chain(s, first, i - first);
            first = i;
        }
    }
    if (s->nchains)
        qsort_r(s->chains, s->nchains, sizeof *s->chains, chain_by_time, s);
}

static void violate(report_set *s, report_kind k, size_t chain, size_t attempt, long asked, long waited,
                    const char *evidence)
{
    report_violation *grown = realloc(s->violations, (s->nviolations + 1) * sizeof *grown);
    if (!grown) {
        s->oom = true;
        return;
    }
    s->violations = grown;
    report_violation *v = &s->violations[s->nviolations++];
    *v = (report_violation){k, chain, attempt, asked, waited, ""};
    snprintf(v->evidence, sizeof v->evidence, "%s", evidence);
}

static long gap_ms(const report_attempt *before, const report_attempt *after)
{
    return after->start_ms > before->end_ms ? (long)(after->start_ms - before->end_ms) : 0;
}

/* Each retry against the answer before it: too early, or not to be made. */
static void judge_retries(report_set *s, size_t ci, const report_rules *rules)
{
    const report_chain *c = &s->chains[ci];
    char ev[200];
    for (size_t i = c->first + 1; i < c->first + c->n; i++) {
        const report_attempt *prev = &s->attempts[i - 1];
        long waited = gap_ms(prev, &s->attempts[i]);
        if (prev->asked_ms >= 0 && waited + rules->tolerance_ms < prev->asked_ms) {
            snprintf(ev, sizeof ev, "retried %ld ms after a %d that asked for %ld ms", waited, prev->status,
                     prev->asked_ms);
            violate(s, REPORT_EARLY_RETRY, ci, i, prev->asked_ms, waited, ev);
        }
        if (!retryable(prev->status) && !success(prev->status) && prev->should_retry != 1) {
            snprintf(ev, sizeof ev, "retried a %d that did not say x-should-retry: true", prev->status);
            violate(s, REPORT_RETRIED_NON_RETRYABLE, ci, i, -1, -1, ev);
        }
    }
}

/* More attempts of one request inside the window than a client should make. */
static void judge_storm(report_set *s, size_t ci, const report_rules *rules)
{
    const report_chain *c = &s->chains[ci];
    for (size_t i = c->first; i + (size_t)rules->storm_attempts < c->first + c->n; i++) {
        const report_attempt *a = &s->attempts[i], *b = &s->attempts[i + (size_t)rules->storm_attempts];
        if (b->start_ms - a->start_ms < (uint64_t)rules->storm_window_ms) {
            char ev[200];
            snprintf(ev, sizeof ev, "%ld attempts within %llu ms (a rule allows %ld in %ld ms)",
                     rules->storm_attempts + 1, (unsigned long long)(b->start_ms - a->start_ms),
                     rules->storm_attempts, rules->storm_window_ms);
            violate(s, REPORT_RETRY_STORM, ci, i + (size_t)rules->storm_attempts, -1, -1, ev);
            return;
        }
    }
}

/* After repeated server errors that named no wait, the gaps must grow:
 * the SDKs double them (less a quarter of jitter), so a last gap under
 * 1.25 times the first is no backoff at all. */
static void judge_backoff(report_set *s, size_t ci, const report_rules *rules)
{
    const report_chain *c = &s->chains[ci];
    long first_gap = -1, last_gap = -1;
    size_t gaps = 0, at = 0;
    for (size_t i = c->first + 1; i < c->first + c->n; i++) {
        const report_attempt *prev = &s->attempts[i - 1];
        if (!(prev->status == 0 || prev->status >= 500) || prev->asked_ms >= 0)
            continue;
        last_gap = gap_ms(prev, &s->attempts[i]);
        first_gap = gaps++ ? first_gap : last_gap;
        at = i;
    }
    if (gaps >= 2 && last_gap < first_gap + first_gap / 4 + rules->tolerance_ms) {
        char ev[200];
        snprintf(ev, sizeof ev, "%zu retries after server errors; the gap went from %ld ms to %ld ms", gaps,
                 first_gap, last_gap);
        violate(s, REPORT_NO_BACKOFF, ci, at, -1, -1, ev);
    }
}

/* Gave up on a failure it could have recovered from (and was not told
 * to give up on: x-should-retry: false). */
static void judge_outcome(report_set *s, size_t ci)
{
    const report_chain *c = &s->chains[ci];
    size_t last = c->first + c->n - 1;
    int st = s->attempts[last].status;
    if (c->recovered || !retryable(st) || s->attempts[last].should_retry == 0)
        return;
    char ev[200];
    snprintf(ev, sizeof ev, "the last of %zu attempt%s ended in %d", c->n, c->n == 1 ? "" : "s", st);
    violate(s, REPORT_UNRECOVERED, ci, last, -1, -1, ev);
}

void report_judge(report_set *s, const report_rules *rules)
{
    make_chains(s);
    for (size_t ci = 0; ci < s->nchains; ci++) {
        judge_retries(s, ci, rules);
        judge_storm(s, ci, rules);
        judge_backoff(s, ci, rules);
        judge_outcome(s, ci);
    }
}

void report_free(report_set *s)
{
    for (size_t i = 0; i < s->nattempts; i++)
        free_attempt(&s->attempts[i]);
    free(s->attempts);
    free(s->chains);
    free(s->violations);
    *s = (report_set){0};
}
