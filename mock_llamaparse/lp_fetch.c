#include "lp_fetch.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

typedef struct request {
    char *job_id;
    char *url;
    struct request *next;
} request;

struct lp_fetcher {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    request *head, *tail;
    bool stop;
    size_t max_bytes;
    long timeout_ms;
    lp_fetched_fn done;
    void *ctx;
};

typedef struct body {
    buf data;
    size_t max;
    bool too_big;
} body;

static size_t on_data(char *p, size_t size, size_t n, void *cls)
{
    body *b = cls;
    size_t len = size * n;
    if (b->data.len + len > b->max) {
        b->too_big = true;
        return 0; /* aborts the transfer */
    }
    return buf_append(&b->data, p, len) ? len : 0;
}

/* Fetch one URL; report the bytes or why there are none. */
static void fetch(lp_fetcher *f, const request *rq)
{
    body b = {BUF_INIT, f->max_bytes, false};
    char err[CURL_ERROR_SIZE] = "", why[CURL_ERROR_SIZE + 64] = "";
    CURL *c = curl_easy_init();
    long status = 0;
    CURLcode rc = CURLE_FAILED_INIT;
    if (c) {
        curl_easy_setopt(c, CURLOPT_URL, rq->url);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, f->timeout_ms);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
        rc = curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_cleanup(c);
    }
    if (b.too_big)
        snprintf(why, sizeof why, "the document is larger than %zu bytes", f->max_bytes);
    else if (rc != CURLE_OK)
        snprintf(why, sizeof why, "%s", err[0] ? err : curl_easy_strerror(rc));
    else if (status >= 400)
        snprintf(why, sizeof why, "the server answered HTTP %ld", status);
    f->done(f->ctx, rq->job_id, rq->url, b.data.data ? b.data.data : "", b.data.len, why[0] ? why : NULL);
    buf_free(&b.data);
}

static void free_request(request *rq)
{
    free(rq->job_id);
    free(rq->url);
    free(rq);
}

static void *run(void *arg)
{
    lp_fetcher *f = arg;
    pthread_mutex_lock(&f->lock);
    for (;;) {
        while (!f->head && !f->stop)
            pthread_cond_wait(&f->wake, &f->lock);
        if (f->stop)
            break;
        request *rq = f->head;
        f->head = rq->next;
        if (!f->head)
            f->tail = NULL;
        pthread_mutex_unlock(&f->lock);
        fetch(f, rq);
        free_request(rq);
        pthread_mutex_lock(&f->lock);
    }
    pthread_mutex_unlock(&f->lock);
    return NULL;
}

lp_fetcher *lp_fetcher_start(size_t max_bytes, long timeout_ms, lp_fetched_fn done, void *ctx)
{
    lp_fetcher *f = calloc(1, sizeof *f);
    if (!f || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        free(f);
        return NULL;
    }
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->wake, NULL);
    f->max_bytes = max_bytes;
    f->timeout_ms = timeout_ms;
    f->done = done;
    f->ctx = ctx;
    if (pthread_create(&f->thread, NULL, run, f) != 0) {
        pthread_mutex_destroy(&f->lock);
        pthread_cond_destroy(&f->wake);
        curl_global_cleanup();
        free(f);
        return NULL;
    }
    return f;
}

bool lp_fetcher_enqueue(lp_fetcher *f, const char *job_id, const char *url)
{
    request *rq = calloc(1, sizeof *rq);
    if (!rq || !(rq->job_id = strdup(job_id)) || !(rq->url = strdup(url))) {
        if (rq)
            free_request(rq);
        return false;
    }
    pthread_mutex_lock(&f->lock);
    if (f->tail)
        f->tail->next = rq;
    else
        f->head = rq;
    f->tail = rq;
    pthread_cond_signal(&f->wake);
    pthread_mutex_unlock(&f->lock);
    return true;
}

void lp_fetcher_stop(lp_fetcher *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    f->stop = true;
    pthread_cond_signal(&f->wake);
    pthread_mutex_unlock(&f->lock);
    pthread_join(f->thread, NULL);
    for (request *rq = f->head, *next; rq; rq = next) {
        next = rq->next;
        f->done(f->ctx, rq->job_id, rq->url, "", 0, "the server stopped before the document was fetched");
        free_request(rq);
    }
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->wake);
    curl_global_cleanup();
    free(f);
}
