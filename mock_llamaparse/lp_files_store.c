#include "lp_files_store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lp_jobs.h"
#include "timer.h"

struct lp_files {
    pthread_mutex_t lock;
    lp_file **v; /* creation order: the oldest first */
    size_t n, max;
    size_t bytes, max_bytes; /* of all stored files */
    uint64_t ttl_ms, seq;
};

static char *dup_or_null(const char *s, bool *ok)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    *ok = *ok && d;
    return d;
}

/* 128 random bits as hex: guessing a presigned URL must be hopeless. */
static void token(char out[33])
{
    unsigned char b[16];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
        char u[37];
        lp_uuid4(u); /* has its own fallback */
        memcpy(b, u, sizeof b);
    }
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

lp_file *lp_file_new(const char *name, const char *purpose, const char *external_id, const char *test_id)
{
    lp_file *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    bool ok = true;
    lp_uuid4(f->id);
    token(f->token);
    f->name = dup_or_null(name ? name : "", &ok);
    f->purpose = dup_or_null(purpose, &ok);
    f->external_id = dup_or_null(external_id, &ok);
    f->test_id = dup_or_null(test_id, &ok);
    f->created_at = time(NULL);
    f->created_ms = timer_now_ms();
    if (!ok) {
        lp_file_free(f);
        return NULL;
    }
    return f;
}

bool lp_file_set_bytes(lp_file *f, const char *data, size_t len)
{
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return false;
    if (len)
        memcpy(copy, data, len);
    free(f->data);
    f->data = copy;
    f->len = len;
    f->uploaded = true;
    return true;
}

void lp_file_free(lp_file *f)
{
    if (!f)
        return;
    free(f->name);
    free(f->purpose);
    free(f->external_id);
    free(f->test_id);
    free(f->data);
    free(f);
}

lp_files *lp_files_new(size_t max_files, size_t max_bytes, uint64_t ttl_ms)
{
    lp_files *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->max = max_files ? max_files : 1;
    s->max_bytes = max_bytes;
    s->ttl_ms = ttl_ms;
    s->v = calloc(s->max, sizeof *s->v);
    if (!s->v) {
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

static bool of_test(const lp_file *f, const char *test_id)
{
    return !test_id || (f->test_id && strcmp(f->test_id, test_id) == 0);
}

static void forget(lp_files *s, lp_file *f);

void lp_files_clear(void *arg, const char *test_id)
{
    lp_files *s = arg;
    pthread_mutex_lock(&s->lock);
    size_t kept = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (of_test(s->v[i], test_id))
            forget(s, s->v[i]);
        else
            s->v[kept++] = s->v[i];
    }
    s->n = kept;
    pthread_mutex_unlock(&s->lock);
}

void lp_files_free(lp_files *s)
{
    if (!s)
        return;
    lp_files_clear(s, NULL);
    pthread_mutex_destroy(&s->lock);
    free(s->v);
    free(s);
}

uint64_t lp_files_ttl_ms(const lp_files *s)
{
    return s->ttl_ms;
}

static bool expired(const lp_files *s, const lp_file *f, uint64_t now)
{
    return now - f->created_ms >= s->ttl_ms;
}

/* Under the lock: free a file the store drops, and its bytes' share. */
static void forget(lp_files *s, lp_file *f)
{
    s->bytes -= f->len;
    lp_file_free(f);
}

/* Under the lock: drop the files past their TTL (the oldest come first, so
 * the scan could stop early, but n is small next to a request's cost). */
static void evict(lp_files *s, uint64_t now)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (expired(s, s->v[i], now))
            forget(s, s->v[i]);
        else
            s->v[kept++] = s->v[i];
    }
    s->n = kept;
}

bool lp_files_add(lp_files *s, lp_file *f)
{
    pthread_mutex_lock(&s->lock);
    evict(s, timer_now_ms());
    bool ok = s->n < s->max && f->len <= s->max_bytes - s->bytes;
    if (ok) {
        f->seq = ++s->seq;
        s->v[s->n++] = f;
        s->bytes += f->len;
    }
    pthread_mutex_unlock(&s->lock);
    return ok;
}

/* Under the lock: the live file with this id, or NULL. */
static lp_file *find(lp_files *s, const char *id, size_t *at)
{
    uint64_t now = timer_now_ms();
    for (size_t i = 0; id && i < s->n; i++) {
        if (!strcmp(s->v[i]->id, id) && !expired(s, s->v[i], now)) {
            *at = i;
            return s->v[i];
        }
    }
    return NULL;
}

bool lp_files_with(lp_files *s, const char *id, lp_file_fn fn, void *ctx)
{
    pthread_mutex_lock(&s->lock);
    size_t at;
    lp_file *f = find(s, id, &at);
    if (f)
        fn(f, ctx);
    pthread_mutex_unlock(&s->lock);
    return f != NULL;
}

void lp_files_each(lp_files *s, const char *test_id, lp_file_fn fn, void *ctx)
{
    pthread_mutex_lock(&s->lock);
    evict(s, timer_now_ms());
    for (size_t i = 0; i < s->n; i++) {
        if (of_test(s->v[i], test_id))
            fn(s->v[i], ctx);
    }
    pthread_mutex_unlock(&s->lock);
}

bool lp_files_remove(lp_files *s, const char *id)
{
    pthread_mutex_lock(&s->lock);
    size_t at;
    lp_file *f = find(s, id, &at);
    if (f) {
        forget(s, f);
        memmove(&s->v[at], &s->v[at + 1], (s->n - at - 1) * sizeof *s->v);
        s->n--;
    }
    pthread_mutex_unlock(&s->lock);
    return f != NULL;
}

int lp_files_put(lp_files *s, const char *id, const char *tok, const char *data, size_t len)
{
    pthread_mutex_lock(&s->lock);
    size_t at;
    lp_file *f = find(s, id, &at);
    int rc = !f || (tok && strcmp(f->token, tok)) ? 404 : len > s->max_bytes - (s->bytes - f->len) ? 429 : 0;
    size_t old = f ? f->len : 0;
    if (!rc && !lp_file_set_bytes(f, data, len))
        rc = 500;
    if (!rc)
        s->bytes = s->bytes - old + len;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

bool lp_files_copy(lp_files *s, const char *id, char **data, size_t *len, char **name)
{
    *data = *name = NULL;
    pthread_mutex_lock(&s->lock);
    size_t at;
    lp_file *f = find(s, id, &at);
    bool ok = f && f->uploaded;
    if (ok) {
        *data = malloc(f->len ? f->len : 1);
        *name = strdup(f->name);
        ok = *data && *name;
        if (ok && f->len)
            memcpy(*data, f->data, f->len);
        *len = f->len;
    }
    pthread_mutex_unlock(&s->lock);
    if (!ok) {
        free(*data);
        free(*name);
        *data = *name = NULL;
    }
    return ok;
}
