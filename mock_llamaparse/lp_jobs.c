#include "lp_jobs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lp_pages_select.h"
#include "timer.h"

#define SEEN_MAX 65536

struct lp_store {
    pthread_mutex_t lock;
    lp_job **jobs; /* insertion order: the oldest first */
    size_t n, max;
    uint64_t ttl_ms;
    uint64_t *seen; /* content keys, a ring */
    size_t nseen, seen_at;
    size_t hooks_due; /* jobs whose webhooks are not all handed over yet */
};

static const char *const status_names[LP_NSTATUS] = {"PENDING", "SUCCESS", "ERROR", "PARTIAL_SUCCESS", "CANCELLED"};

const char *lp_status_name(lp_status st)
{
    return st < LP_NSTATUS ? status_names[st] : "ERROR";
}

/* A random UUID v4: ids are not content, they need not be deterministic. */
void lp_uuid4(char out[37])
{
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
        uint64_t t = timer_now_ms() ^ (uint64_t)(uintptr_t)out;
        for (int i = 0; i < 16; i++)
            b[i] = (unsigned char)(t >> (8 * (i % 8))) ^ (unsigned char)(i * 37);
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2],
             b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

lp_job *lp_job_new(void)
{
    lp_job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    lp_uuid4(j->id);
    j->created_ms = j->ready_ms = timer_now_ms();
    j->created_at = time(NULL);
    j->outcome = LP_SUCCESS;
    j->faults = (lp_job_faults)LP_JOB_FAULTS_NONE;
    atomic_init(&j->refs, 1);
    return j;
}

void lp_job_retain(lp_job *j)
{
    atomic_fetch_add(&j->refs, 1);
}

void lp_job_release(lp_job *j)
{
    if (!j || atomic_fetch_sub(&j->refs, 1) != 1)
        return;
    lp_doc_free(j->doc);
    free(j->error_message);
    free(j->filename);
    free(j->params);
    free(j->test_id);
    free(j->separator);
    free(j->target_pages);
    free(j->page_prefix);
    free(j->page_suffix);
    free(j->source_url);
    free(j->user_metadata);
    lp_job_hooks_free(&j->hooks);
    lp_job_faults_free(&j->faults);
    free(j);
}

lp_store *lp_store_new(size_t max_jobs, uint64_t ttl_ms)
{
    lp_store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->max = max_jobs ? max_jobs : 1;
    s->ttl_ms = ttl_ms;
    s->jobs = calloc(s->max, sizeof *s->jobs);
    s->seen = calloc(SEEN_MAX, sizeof *s->seen);
    if (!s->jobs || !s->seen) {
        free(s->jobs);
        free(s->seen);
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

static bool of_test(const lp_job *j, const char *test_id)
{
    return !test_id || (j->test_id && strcmp(j->test_id, test_id) == 0);
}

static void drop(lp_store *s, lp_job *j);

void lp_store_clear(void *arg, const char *test_id)
{
    lp_store *s = arg;
    pthread_mutex_lock(&s->lock);
    size_t kept = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (of_test(s->jobs[i], test_id))
            drop(s, s->jobs[i]);
        else
            s->jobs[kept++] = s->jobs[i];
    }
    s->n = kept;
    if (!test_id)
        s->nseen = s->seen_at = 0; /* cache hits are the server's, not a test's */
    pthread_mutex_unlock(&s->lock);
}

void lp_store_free(lp_store *s)
{
    if (!s)
        return;
    lp_store_clear(s, NULL);
    pthread_mutex_destroy(&s->lock);
    free(s->jobs);
    free(s->seen);
    free(s);
}

static lp_status status_at(const lp_job *j, uint64_t now)
{
    return now < j->ready_ms ? LP_PENDING : j->outcome;
}

/* Under the lock: forget a job the store drops (a webhook being built
 * keeps its own reference). */
static void drop(lp_store *s, lp_job *j)
{
    if (lp_job_hooks_any(&j->hooks) && !j->hooks.end_taken)
        s->hooks_due--;
    lp_job_release(j);
}

/* Under the lock: drop finished jobs whose TTL has run out. */

static void evict_expired(lp_store *s, uint64_t now)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->n; i++) {
        lp_job *j = s->jobs[i];
        if (now >= j->ready_ms && now - j->ready_ms >= s->ttl_ms)
            drop(s, j);
        else
            s->jobs[kept++] = j;
    }
    s->n = kept;
}

static lp_job *find(lp_store *s, const char *id, size_t *at);

lp_add_result lp_store_add(lp_store *s, lp_job *job)
{
    size_t at;
    pthread_mutex_lock(&s->lock);
    if (s->n == s->max)
        evict_expired(s, timer_now_ms());
    lp_add_result res = find(s, job->id, &at) ? LP_EXISTS : s->n < s->max ? LP_ADDED : LP_FULL;
    if (res == LP_ADDED) {
        s->jobs[s->n++] = job;
        if (lp_job_hooks_any(&job->hooks))
            s->hooks_due++;
    }
    pthread_mutex_unlock(&s->lock);
    return res;
}

bool lp_store_with(lp_store *s, const char *id, lp_job_fn fn, void *ctx)
{
    pthread_mutex_lock(&s->lock);
    size_t at;
    lp_job *j = find(s, id, &at);
    if (j)
        fn(j, status_at(j, timer_now_ms()), ctx);
    pthread_mutex_unlock(&s->lock);
    return j != NULL;
}

bool lp_store_seen(lp_store *s, uint64_t key)
{
    pthread_mutex_lock(&s->lock);
    bool seen = false;
    for (size_t i = 0; i < s->nseen && !seen; i++)
        seen = s->seen[i] == key;
    if (!seen) {
        s->seen[s->seen_at] = key;
        s->seen_at = (s->seen_at + 1) % SEEN_MAX;
        if (s->nseen < SEEN_MAX)
            s->nseen++;
    }
    pthread_mutex_unlock(&s->lock);
    return seen;
}

void lp_store_metrics(buf *out, void *arg)
{
    lp_store *s = arg;
    size_t counts[LP_NSTATUS] = {0};
    uint64_t now = timer_now_ms();
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->n; i++)
        counts[status_at(s->jobs[i], now)]++;
    pthread_mutex_unlock(&s->lock);
    buf_puts(out, "# HELP mock_jobs Parse jobs in the store, by state.\n# TYPE mock_jobs gauge\n");
    for (int st = 0; st < LP_NSTATUS; st++)
        buf_printf(out, "mock_jobs{state=\"%s\"} %zu\n", status_names[st], counts[st]);
}

static lp_job *find(lp_store *s, const char *id, size_t *at)
{
    for (size_t i = 0; i < s->n; i++) {
        if (strcmp(s->jobs[i]->id, id) == 0) {
            *at = i;
            return s->jobs[i];
        }
    }
    return NULL;
}

bool lp_store_cancel(lp_store *s, const char *id, lp_status *st)
{
    pthread_mutex_lock(&s->lock);
    size_t at;
    uint64_t now = timer_now_ms();
    lp_job *j = find(s, id, &at);
    bool ok = j && status_at(j, now) == LP_PENDING;
    if (ok) {
        j->outcome = LP_CANCELLED;
        j->ready_ms = now;
    }
    *st = j ? status_at(j, now) : LP_ERROR;
    pthread_mutex_unlock(&s->lock);
    return ok;
}

bool lp_store_remove(lp_store *s, const char *id, bool *found)
{
    pthread_mutex_lock(&s->lock);
    size_t at;
    lp_job *j = find(s, id, &at);
    *found = j != NULL;
    bool ok = j && status_at(j, timer_now_ms()) != LP_PENDING;
    if (ok) {
        drop(s, j);
        memmove(&s->jobs[at], &s->jobs[at + 1], (s->n - at - 1) * sizeof *s->jobs);
        s->n--;
    }
    pthread_mutex_unlock(&s->lock);
    return ok;
}

void lp_store_each(lp_store *s, const char *test_id, lp_job_fn fn, void *ctx)
{
    pthread_mutex_lock(&s->lock);
    uint64_t now = timer_now_ms();
    for (size_t i = 0; i < s->n; i++) {
        if (of_test(s->jobs[i], test_id))
            fn(s->jobs[i], status_at(s->jobs[i], now), ctx);
    }
    pthread_mutex_unlock(&s->lock);
}

void lp_store_fetched(lp_store *s, const char *id, lp_doc *doc, const char *error, uint64_t delay_ms,
                      uint64_t ms_per_page)
{
    pthread_mutex_lock(&s->lock);
    size_t at;
    lp_job *j = find(s, id, &at);
    if (j && j->fetching) {
        uint64_t now = timer_now_ms();
        j->fetching = false;
        if (doc && !lp_doc_select(doc, j->target_pages, j->max_pages)) {
            lp_doc_free(doc);
            doc = NULL;
            error = "out of memory while selecting pages";
        }
        if (doc) {
            lp_doc_compact(doc);
            lp_doc_free(j->doc);
            j->doc = doc;
            doc = NULL;
        }
        if (error || j->doc->npages == 0) {
            char msg[600];
            snprintf(msg, sizeof msg, error ? "Failed to fetch %s: %s" : "No data found in %s%s", j->source_url,
                     error ? error : ".");
            j->outcome = LP_ERROR;
            snprintf(j->error_code, sizeof j->error_code, "%s", error ? "ERROR_DURING_PROCESSING" : "NO_DATA_FOUND_IN_FILE");
            free(j->error_message);
            j->error_message = strdup(msg);
            j->ready_ms = now;
        } else {
            lp_job_schedule(j, now, delay_ms, ms_per_page);
        }
    }
    pthread_mutex_unlock(&s->lock);
    lp_doc_free(doc);
}

/* Has the job started processing (v2's RUNNING: a third into its time)? A
 * finished job ran unless it was cancelled first. */
static bool has_run(const lp_job *j, lp_status st, uint64_t now)
{
    if (st != LP_PENDING)
        return st != LP_CANCELLED;
    return j->ready_ms != UINT64_MAX && now >= j->created_ms + (j->ready_ms - j->created_ms) / 3;
}

/* Under the lock: take one due webhook of j, adding a reference. */
static void hand(lp_hook_due *out, size_t *n, lp_job *j, lp_status st, lp_hook_phase phase)
{
    lp_job_retain(j);
    out[(*n)++] = (lp_hook_due){j, st, phase};
}

size_t lp_store_take_webhooks(lp_store *s, lp_hook_due *out, size_t cap)
{
    size_t n = 0;
    pthread_mutex_lock(&s->lock);
    uint64_t now = timer_now_ms();
    for (size_t i = 0; s->hooks_due && i < s->n && n + 3 <= cap; i++) { /* no scan while no webhook is due */
        lp_job *j = s->jobs[i];
        lp_status st = status_at(j, now);
        if (j->hooks.configs && !j->hooks.start_taken) {
            j->hooks.start_taken = true;
            hand(out, &n, j, st, LP_HOOK_START);
        }
        if (j->hooks.configs && !j->hooks.running_taken && has_run(j, st, now)) {
            j->hooks.running_taken = true;
            hand(out, &n, j, st, LP_HOOK_RUNNING);
        }
        if (lp_job_hooks_any(&j->hooks) && !j->hooks.end_taken && st != LP_PENDING) {
            j->hooks.end_taken = true;
            s->hooks_due--;
            hand(out, &n, j, st, LP_HOOK_END);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return n;
}

void lp_job_schedule(lp_job *j, uint64_t now, uint64_t delay_ms, uint64_t ms_per_page)
{
    const lp_job_faults *f = &j->faults;
    if (f->stuck) {
        j->ready_ms = UINT64_MAX;
        return;
    }
    j->ready_ms = now + (f->delay_ms >= 0 ? (uint64_t)f->delay_ms : delay_ms + ms_per_page * j->doc->npages);
    if (f->status < 0 || j->outcome == LP_ERROR)
        return; /* a document with no data stays an ERROR */
    j->outcome = (lp_status)f->status;
    if (j->outcome != LP_ERROR)
        return;
    snprintf(j->error_code, sizeof j->error_code, "%s",
             f->code[0] ? f->code : f->expired ? "EXPIRED" : "ERROR_DURING_PROCESSING");
    free(j->error_message);
    j->error_message = strdup(f->message ? f->message
                              : f->expired ? "The job ran past its job_timeout_in_seconds."
                                           : "An injected fault failed this job.");
}

void lp_job_joined(buf *out, const lp_job *j, bool md)
{
    for (size_t i = 0; i < j->doc->npages; i++) {
        size_t n = lp_page_number(j->doc, i);
        if (i)
            lp_page_framed(out, j->separator, n);
        if (j->page_prefix)
            lp_page_framed(out, j->page_prefix, n);
        if (md)
            buf_puts(out, j->doc->pages[i].md);
        else
            lp_page_text_append(out, &j->doc->pages[i]);
        if (j->page_suffix)
            lp_page_framed(out, j->page_suffix, n);
    }
}

/* Replace *dst with a copy of src (NULL stays NULL); false when out of memory. */
static bool set_copy(char **dst, const char *src)
{
    char *copy = src ? strdup(src) : NULL;
    if (src && !copy)
        return false;
    free(*dst);
    *dst = copy;
    return true;
}

bool lp_job_set_pages(lp_job *j, const lp_page_opts *o)
{
    j->max_pages = o->max_pages;
    return set_copy(&j->separator, o->separator ? o->separator : "\n---\n") && set_copy(&j->page_prefix, o->prefix) &&
           set_copy(&j->page_suffix, o->suffix) && set_copy(&j->target_pages, o->target);
}
