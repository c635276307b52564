#include "lp_fetch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lp_allow.h"
#include "worker.h"

typedef struct request {
    char *job_id;
    char *url;
    struct request *next;
} request;

struct lp_fetcher {
    worker w; /* its lock guards the queue */
    request *head, *tail;
    lp_fetch_config cfg;
    lp_fetched_fn done;
    void *ctx;
};

typedef struct body {
    buf data;
    size_t max;
    bool too_big;
    worker *w;
} body;

/* A stopping server aborts the transfer rather than wait out its timeout:
 * shutdown must fit in --shutdown-grace-ms. */
static int on_progress(void *cls, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    const body *b = cls;
    return worker_stopping(b->w) ? 1 : 0;
}

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

#define MAX_REDIRECTS 5

/* One GET of url into b; the status (0 when none came), the redirect
 * target for a 3xx (caller frees), and why it failed in err. */
static long get_once(lp_fetcher *f, const char *url, body *b, char **next, char err[CURL_ERROR_SIZE])
{
    CURL *c = curl_easy_init();
    if (!c) {
        snprintf(err, CURL_ERROR_SIZE, "out of memory");
        return 0;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, f->cfg.timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, b);
    long status = 0;
    CURLcode rc = curl_easy_perform(c);
    char *loc = NULL;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc);
    } else if (!err[0]) {
        snprintf(err, CURL_ERROR_SIZE, "%s", curl_easy_strerror(rc));
    }
    *next = loc && status >= 300 && status < 400 ? strdup(loc) : NULL;
    curl_easy_cleanup(c);
    return status;
}

/* Why the fetch gave no document, or "" when it did. */
static void failure(const lp_fetcher *f, const body *b, long status, const char *err, char *why, size_t n)
{
    if (b->too_big)
        snprintf(why, n, "the document is larger than %zu bytes", f->cfg.max_bytes);
    else if (err[0])
        snprintf(why, n, "%s", err);
    else if (status < 200 || status >= 300)
        snprintf(why, n, "the server answered HTTP %ld", status);
}

/* Redirects are followed here rather than by libcurl, so that every host
 * the fetch reaches is checked against --fetch-allow. */
static void fetch(lp_fetcher *f, const request *rq)
{
    body b = {BUF_INIT, f->cfg.max_bytes, false, &f->w};
    char err[CURL_ERROR_SIZE] = "", why[CURL_ERROR_SIZE + 64] = "";
    char *url = strdup(rq->url);
    long status = 0;
    for (int hops = 0; url && !why[0]; hops++) {
        char *next = NULL;
        if (hops > MAX_REDIRECTS)
            snprintf(why, sizeof why, "more than %d redirects", MAX_REDIRECTS);
        else if (lp_allow_host(f->cfg.allow, url, "--fetch-allow", why, sizeof why)) {
            buf_clear(&b.data);
            status = get_once(f, url, &b, &next, err);
        }
        free(url);
        url = next;
        if (!url && !why[0])
            failure(f, &b, status, err, why, sizeof why);
    }
    if (!why[0] && status == 0)
        snprintf(why, sizeof why, "out of memory");
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
    worker_lock(&f->w);
    while (worker_sleep(&f->w, f->head ? 0 : WORKER_FOREVER)) {
        request *rq = f->head;
        if (!rq)
            continue;
        f->head = rq->next;
        if (!f->head)
            f->tail = NULL;
        worker_unlock(&f->w);
        fetch(f, rq);
        free_request(rq);
        worker_lock(&f->w);
    }
    worker_unlock(&f->w);
    return NULL;
}

lp_fetcher *lp_fetcher_start(const lp_fetch_config *cfg, lp_fetched_fn done, void *ctx)
{
    lp_fetcher *f = calloc(1, sizeof *f);
    if (!f || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        free(f);
        return NULL;
    }
    f->cfg = *cfg;
    f->done = done;
    f->ctx = ctx;
    if (!worker_start(&f->w, run, f)) {
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
    worker_lock(&f->w);
    if (f->tail)
        f->tail->next = rq;
    else
        f->head = rq;
    f->tail = rq;
    worker_wake(&f->w);
    worker_unlock(&f->w);
    return true;
}

void lp_fetcher_stop(lp_fetcher *f)
{
    if (!f)
        return;
    worker_stop(&f->w); /* aborts the transfer in progress */
    for (request *rq = f->head, *next; rq; rq = next) {
        next = rq->next;
        f->done(f->ctx, rq->job_id, rq->url, "", 0, "the server stopped before the document was fetched");
        free_request(rq);
    }
    curl_global_cleanup();
    free(f);
}
