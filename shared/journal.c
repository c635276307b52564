#include "journal.h"

#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "isotime.h"

typedef struct entry {
    char time[32];
    journal_in in;  /* its strings point into `strings` */
    char strings[];
} entry;

struct journal {
    pthread_mutex_t lock;
    entry **ring;
    size_t cap, start, n; /* n entries from ring[start], wrapping */
};

journal *journal_new(size_t capacity)
{
    journal *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->cap = capacity ? capacity : 1;
    j->ring = calloc(j->cap, sizeof *j->ring);
    if (!j->ring) {
        free(j);
        return NULL;
    }
    pthread_mutex_init(&j->lock, NULL);
    return j;
}

static bool same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

void journal_clear(journal *j, const char *test_id)
{
    pthread_mutex_lock(&j->lock);
    size_t kept = 0;
    for (size_t i = 0; i < j->n; i++) {
        entry *e = j->ring[(j->start + i) % j->cap];
        if (!test_id || same(e->in.headers[JOURNAL_TEST_ID], test_id))
            free(e);
        else
            j->ring[(j->start + kept++) % j->cap] = e; /* keeps the order, moving down */
    }
    j->n = kept;
    if (kept == 0)
        j->start = 0;
    pthread_mutex_unlock(&j->lock);
}

void journal_free(journal *j)
{
    if (!j)
        return;
    journal_clear(j, NULL);
    pthread_mutex_destroy(&j->lock);
    free(j->ring);
    free(j);
}

static size_t slen(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* Copy s into the entry's string area at *at; NULL stays NULL. */
static const char *put(char **at, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    memcpy(*at, s, n);
    const char *p = *at;
    *at += n;
    return p;
}

static entry *make_entry(const journal_in *in)
{
    size_t size = slen(in->request_id) + slen(in->method) + slen(in->path) + slen(in->query) + slen(in->fault) +
                  slen(in->route) + slen(in->client);
    for (int i = 0; i < JOURNAL_NHEADERS; i++)
        size += slen(in->headers[i]);
    entry *e = malloc(sizeof *e + size);
    if (!e)
        return NULL;
    char *at = e->strings;
    iso_time_now(e->time, 3);
    e->in = *in;
    e->in.request_id = put(&at, in->request_id);
    e->in.method = put(&at, in->method);
    e->in.path = put(&at, in->path);
    e->in.query = put(&at, in->query);
    e->in.fault = put(&at, in->fault);
    e->in.route = put(&at, in->route);
    e->in.client = put(&at, in->client);
    for (int i = 0; i < JOURNAL_NHEADERS; i++)
        e->in.headers[i] = put(&at, in->headers[i]);
    return e;
}

void journal_record(journal *j, const journal_in *in)
{
    entry *e = make_entry(in);
    if (!e)
        return; /* out of memory: the journal is best effort, the request is not */
    pthread_mutex_lock(&j->lock);
    if (j->n == j->cap) {
        free(j->ring[j->start]);
        j->ring[j->start] = e;
        j->start = (j->start + 1) % j->cap;
    } else {
        j->ring[(j->start + j->n++) % j->cap] = e;
    }
    pthread_mutex_unlock(&j->lock);
}

static int passes(const entry *e, const journal_filter *f)
{
    const journal_in *x = &e->in;
    return (!f->path || fnmatch(f->path, x->path, 0) == 0) && (!f->method || strcasecmp(f->method, x->method) == 0) &&
           (!f->status || f->status == x->status) && (!f->test_id || same(x->headers[JOURNAL_TEST_ID], f->test_id));
}

static void str_field(buf *out, const char *name, const char *v)
{
    buf_printf(out, ",\"%s\":", name);
    if (v)
        buf_json_str(out, v, strlen(v));
    else
        buf_puts(out, "null");
}

static void write_entry(buf *out, const entry *en)
{
    static const char *const names[JOURNAL_NHEADERS] = JOURNAL_HEADERS;
    const journal_in *e = &en->in;
    buf_printf(out, "{\"time\":\"%s\"", en->time);
    str_field(out, "request_id", e->request_id);
    str_field(out, "method", e->method);
    str_field(out, "path", e->path);
    str_field(out, "query", e->query);
    buf_puts(out, ",\"headers\":{");
    int written = 0;
    for (int i = 0; i < JOURNAL_NHEADERS; i++) {
        if (!e->headers[i])
            continue;
        buf_printf(out, "%s\"%s\":", written++ ? "," : "", names[i]);
        buf_json_str(out, e->headers[i], strlen(e->headers[i]));
    }
    buf_printf(out, "},\"body_bytes\":%zu,\"status\":%d,\"duration_ms\":%.3f", e->body_bytes, e->status,
               e->duration_ms);
    str_field(out, "fault", e->fault);
    str_field(out, "test_id", e->headers[JOURNAL_TEST_ID]);
    str_field(out, "client", e->client);
    buf_puts(out, "}");
}

void journal_write_json(journal *j, const journal_filter *f, buf *out)
{
    pthread_mutex_lock(&j->lock);
    /* Walk back from the newest to find where the last `limit` matches start. */
    size_t first = 0, found = 0;
    for (size_t i = j->n; i > 0; i--) {
        if (passes(j->ring[(j->start + i - 1) % j->cap], f) && (!f->limit || found < f->limit)) {
            found++;
            first = i - 1;
        }
    }
    buf_puts(out, "{\"requests\":[");
    size_t written = 0;
    for (size_t i = first; found && i < j->n && written < found; i++) {
        const entry *e = j->ring[(j->start + i) % j->cap];
        if (!passes(e, f))
            continue;
        if (written++)
            buf_puts(out, ",");
        write_entry(out, e);
    }
    buf_puts(out, "]}");
    pthread_mutex_unlock(&j->lock);
}

size_t journal_count(journal *j, const journal_filter *f)
{
    pthread_mutex_lock(&j->lock);
    size_t n = 0;
    for (size_t i = 0; i < j->n; i++)
        n += passes(j->ring[(j->start + i) % j->cap], f) != 0;
    pthread_mutex_unlock(&j->lock);
    return n;
}

void journal_each(journal *j, const journal_filter *f, void (*fn)(const journal_in *e, void *ctx), void *ctx)
{
    pthread_mutex_lock(&j->lock);
    for (size_t i = 0; i < j->n; i++) {
        const entry *e = j->ring[(j->start + i) % j->cap];
        if (passes(e, f))
            fn(&e->in, ctx);
    }
    pthread_mutex_unlock(&j->lock);
}
