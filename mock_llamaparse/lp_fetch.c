/* The URL fetcher: one thread, many fetches at once (libcurl's multi
 * interface), so one silent source no longer holds up every other job's
 * document. Redirects are followed here rather than by libcurl, so that
 * every host a fetch reaches is checked against --fetch-allow. */
#include "lp_fetch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lp_allow.h"
#include "worker.h"

#define MAX_IN_FLIGHT 16
#define MAX_REDIRECTS 5
#define IDLE_POLL_MS 1000

typedef struct request {
    char *job_id;
    char *url;      /* as given */
    char *current;  /* being fetched: the URL or a redirect's target */
    int hops;
    buf data;
    bool too_big;
    CURL *easy;
    char err[CURL_ERROR_SIZE];
    struct lp_fetcher *f;
    struct request *next;
} request;

struct lp_fetcher {
    worker w;              /* its lock guards the queue */
    request *head, *tail;  /* queued by lp_fetcher_enqueue */
    request *flying;       /* in flight: the thread's own list */
    int in_flight;
    CURLM *multi;          /* the thread's; curl_multi_wakeup from others */
    lp_fetch_config cfg;
    lp_fetched_fn done;
    void *ctx;
};

static void free_request(request *rq)
{
    buf_free(&rq->data);
    free(rq->job_id);
    free(rq->url);
    free(rq->current);
    free(rq);
}

static size_t on_data(char *p, size_t size, size_t n, void *cls)
{
    request *rq = cls;
    size_t len = size * n;
    if (rq->data.len + len > rq->f->cfg.max_bytes) {
        rq->too_big = true;
        return 0; /* aborts the transfer */
    }
    return buf_append(&rq->data, p, len) ? len : 0;
}

/* A stopping server aborts transfers rather than wait out their timeout:
 * shutdown must fit in --shutdown-grace-ms. */
static int on_progress(void *cls, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    const request *rq = cls;
    return worker_stopping(&rq->f->w) ? 1 : 0;
}

/* Report the outcome and let the request go. */
static void finish(request *rq, const char *why)
{
    lp_fetcher *f = rq->f;
    f->done(f->ctx, rq->job_id, rq->url, rq->data.data ? rq->data.data : "", rq->data.len, why);
    free_request(rq);
}

/* Start a GET of rq->current; false (with rq reported failed) when it
 * cannot be, or the host is not allowed. */
static bool start(lp_fetcher *f, request *rq)
{
    char why[CURL_ERROR_SIZE + 64];
    if (!lp_allow_host(f->cfg.allow, rq->current, "--fetch-allow", why, sizeof why)) {
        finish(rq, why);
        return false;
    }
    CURL *c = curl_easy_init();
    if (!c) {
        finish(rq, "out of memory");
        return false;
    }
    buf_clear(&rq->data);
    rq->err[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, rq->current);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, f->cfg.timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, rq->err);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, rq);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, rq);
    curl_easy_setopt(c, CURLOPT_PRIVATE, rq);
    if (curl_multi_add_handle(f->multi, c) != CURLM_OK) {
        curl_easy_cleanup(c);
        finish(rq, "out of memory");
        return false;
    }
    rq->easy = c;
    rq->next = f->flying;
    f->flying = rq;
    f->in_flight++;
    return true;
}

/* Out of the flying list, its transfer gone. */
static void land(lp_fetcher *f, request *rq)
{
    for (request **at = &f->flying; *at; at = &(*at)->next) {
        if (*at == rq) {
            *at = rq->next;
            break;
        }
    }
    f->in_flight--;
    curl_multi_remove_handle(f->multi, rq->easy);
    curl_easy_cleanup(rq->easy);
    rq->easy = NULL;
}

/* A transfer ended: follow a redirect (another start), or report. */
static void ended(lp_fetcher *f, request *rq, CURLcode rc)
{
    long status = 0;
    char *loc = NULL, why[CURL_ERROR_SIZE + 64] = "";
    if (rc == CURLE_OK) {
        curl_easy_getinfo(rq->easy, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(rq->easy, CURLINFO_REDIRECT_URL, &loc);
    }
    char *next = loc && status >= 300 && status < 400 ? strdup(loc) : NULL;
    land(f, rq);
    if (next && ++rq->hops <= MAX_REDIRECTS) {
        free(rq->current);
        rq->current = next;
        start(f, rq);
        return;
    }
    free(next);
    if (rq->hops > MAX_REDIRECTS)
        snprintf(why, sizeof why, "more than %d redirects", MAX_REDIRECTS);
    else if (rq->too_big)
        snprintf(why, sizeof why, "the document is larger than %zu bytes", f->cfg.max_bytes);
    else if (rc != CURLE_OK)
        snprintf(why, sizeof why, "%s", rq->err[0] ? rq->err : curl_easy_strerror(rc));
    else if (status < 200 || status >= 300)
        snprintf(why, sizeof why, "the server answered HTTP %ld", status);
    finish(rq, why[0] ? why : NULL);
}

static void collect(lp_fetcher *f)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(f->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        request *rq = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&rq);
        ended(f, rq, m->data.result);
    }
}

/* The next queued request, if one may fly now. */
static request *next_queued(lp_fetcher *f)
{
    worker_lock(&f->w);
    request *rq = f->in_flight < MAX_IN_FLIGHT ? f->head : NULL;
    if (rq) {
        f->head = rq->next;
        if (!f->head)
            f->tail = NULL;
        rq->next = NULL;
    }
    worker_unlock(&f->w);
    return rq;
}

/* On stop: every transfer aborted and reported. */
static void drain(lp_fetcher *f)
{
    while (f->flying) {
        request *rq = f->flying;
        land(f, rq);
        finish(rq, "the server stopped before the document was fetched");
    }
}

static void *run(void *arg)
{
    lp_fetcher *f = arg;
    while (!worker_stopping(&f->w)) {
        for (request *rq; (rq = next_queued(f));)
            start(f, rq); /* unlocked: a report takes the store's lock */
        int running = 0;
        curl_multi_perform(f->multi, &running);
        collect(f);
        curl_multi_poll(f->multi, NULL, 0, IDLE_POLL_MS, NULL);
    }
    drain(f);
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
    f->multi = curl_multi_init();
    if (!f->multi || !worker_start(&f->w, run, f)) {
        if (f->multi)
            curl_multi_cleanup(f->multi);
        curl_global_cleanup();
        free(f);
        return NULL;
    }
    return f;
}

bool lp_fetcher_enqueue(lp_fetcher *f, const char *job_id, const char *url)
{
    request *rq = calloc(1, sizeof *rq);
    if (!rq || !(rq->job_id = strdup(job_id)) || !(rq->url = strdup(url)) || !(rq->current = strdup(url))) {
        if (rq)
            free_request(rq);
        return false;
    }
    rq->f = f;
    worker_lock(&f->w);
    if (f->tail)
        f->tail->next = rq;
    else
        f->head = rq;
    f->tail = rq;
    worker_unlock(&f->w);
    curl_multi_wakeup(f->multi);
    return true;
}

void lp_fetcher_stop(lp_fetcher *f)
{
    if (!f)
        return;
    worker_ask_stop(&f->w); /* the transfers see it at once */
    curl_multi_wakeup(f->multi);
    worker_stop(&f->w);
    for (request *rq = f->head, *next; rq; rq = next) {
        next = rq->next;
        finish(rq, "the server stopped before the document was fetched");
    }
    curl_multi_cleanup(f->multi);
    curl_global_cleanup();
    free(f);
}
