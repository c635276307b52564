/* The upstream caller: see upstream.h. One thread drives every transfer
 * through curl_multi; calls wait in a queue (with their not-before time)
 * and at most MAX_IN_FLIGHT fly at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "upstream_internal.h"

#define MAX_IN_FLIGHT 32
#define IDLE_POLL_MS 200

/* The answer's first bytes: its status and type are known. */
static void started(up_call *c)
{
    char *ct = NULL;
    c->started = true;
    curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &c->answer.status);
    curl_easy_getinfo(c->easy, CURLINFO_CONTENT_TYPE, &ct);
    snprintf(c->answer.content_type, sizeof c->answer.content_type, "%s", ct ? ct : "application/json");
    c->streaming = c->head(c->ctx, &c->answer);
}

static size_t on_data(char *p, size_t size, size_t n, void *cls)
{
    up_call *c = cls;
    size_t len = size * n;
    if (c->head && !c->started)
        started(c);
    if (c->streaming)
        c->piece(c->ctx, p, len);
    if (c->answer.body.len + len > UPSTREAM_MAX_ANSWER) {
        c->too_big = true;
        return 0;
    }
    return buf_append(&c->answer.body, p, len) ? len : 0;
}

/* Stopping (the mock, or the server the waiting request belongs to): give
 * up, so that srv_stop's wait for deferred answers ends in time. */
static bool giving_up(const up_call *c)
{
    return worker_stopping(&c->u->w) || (c->server && srv_stopping(c->server));
}

static int on_progress(void *cls, curl_off_t a, curl_off_t b, curl_off_t x, curl_off_t y)
{
    (void)a, (void)b, (void)x, (void)y;
    return giving_up(cls) ? 1 : 0;
}

static void report(up_call *c, const char *why)
{
    c->answer.error = why;
    if (why)
        c->answer.status = 0;
    c->done(c->ctx, &c->answer);
    up_call_free(c);
}

static bool build_form(up_call *c)
{
    if (!c->fields)
        return true;
    if (!(c->mime = curl_mime_init(c->easy)))
        return false;
    for (up_field *f = c->fields; f; f = f->next) {
        curl_mimepart *p = curl_mime_addpart(c->mime);
        if (!p || curl_mime_name(p, f->name) != CURLE_OK)
            return false;
        CURLcode rc = f->filename ? curl_mime_data(p, f->data.data ? f->data.data : "", f->data.len)
                                  : curl_mime_data(p, f->value, CURL_ZERO_TERMINATED);
        if (rc != CURLE_OK || (f->filename && curl_mime_filename(p, f->filename) != CURLE_OK))
            return false;
    }
    return curl_easy_setopt(c->easy, CURLOPT_MIMEPOST, c->mime) == CURLE_OK;
}

static bool start(upstream *u, up_call *c)
{
    char url[8192];
    snprintf(url, sizeof url, "%s%s", u->base, c->path);
    if (!(c->easy = curl_easy_init())) {
        report(c, "out of memory");
        return false;
    }
    CURL *e = c->easy;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, u->timeout_ms);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->err);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, c);
    curl_easy_setopt(e, CURLOPT_PRIVATE, c);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); /* the answer is kept decoded */
    c->headers = curl_slist_append(c->headers, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->headers);
    if (c->has_body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->body.data ? c->body.data : "");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)c->body.len);
    }
    bool ok = build_form(c);
    if (strcmp(c->method, "GET") != 0 && strcmp(c->method, "POST") != 0)
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, c->method);
    if (!ok || curl_multi_add_handle(u->multi, e) != CURLM_OK) {
        curl_mime_free(c->mime);
        curl_easy_cleanup(e);
        report(c, "out of memory");
        return false;
    }
    c->next = u->flying;
    u->flying = c;
    u->in_flight++;
    return true;
}

static void land(upstream *u, up_call *c)
{
    for (up_call **at = &u->flying; *at; at = &(*at)->next) {
        if (*at == c) {
            *at = c->next;
            break;
        }
    }
    u->in_flight--;
    curl_multi_remove_handle(u->multi, c->easy);
    curl_easy_cleanup(c->easy);
    curl_mime_free(c->mime);
    c->easy = NULL;
    c->mime = NULL;
}

static void ended(upstream *u, up_call *c, CURLcode rc)
{
    char *ct = NULL;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &c->answer.status);
        curl_easy_getinfo(c->easy, CURLINFO_CONTENT_TYPE, &ct);
        snprintf(c->answer.content_type, sizeof c->answer.content_type, "%s", ct ? ct : "application/json");
    }
    land(u, c);
    if (c->too_big)
        report(c, "the upstream's answer is too large");
    else if (rc != CURLE_OK)
        report(c, giving_up(c) ? "the mock is stopping" : c->err[0] ? c->err : curl_easy_strerror(rc));
    else
        report(c, NULL);
}

static void collect(upstream *u)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(u->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        up_call *c = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&c);
        ended(u, c, m->data.result);
    }
}

/* A queued call due now (or one whose request's server is stopping, to be
 * reported at once), if one may fly. */
static up_call *next_due(upstream *u)
{
    uint64_t now = worker_now_ms();
    worker_lock(&u->w);
    up_call *found = NULL;
    for (up_call **at = &u->queue; *at && u->in_flight < MAX_IN_FLIGHT; at = &(*at)->next) {
        if ((*at)->due_ms <= now || giving_up(*at)) {
            found = *at;
            *at = found->next;
            found->next = NULL;
            break;
        }
    }
    worker_unlock(&u->w);
    return found;
}

static void drain(upstream *u)
{
    while (u->flying) {
        up_call *c = u->flying;
        land(u, c);
        report(c, "the mock is stopping");
    }
    worker_lock(&u->w);
    up_call *q = u->queue;
    u->queue = NULL;
    worker_unlock(&u->w);
    while (q) {
        up_call *c = q;
        q = q->next;
        report(c, "the mock is stopping");
    }
}

static void *run(void *arg)
{
    upstream *u = arg;
    while (!worker_stopping(&u->w)) {
        for (up_call *c; (c = next_due(u));) {
            if (giving_up(c))
                report(c, "the mock is stopping");
            else
                start(u, c);
        }
        int running = 0;
        curl_multi_perform(u->multi, &running);
        collect(u);
        curl_multi_poll(u->multi, NULL, 0, IDLE_POLL_MS, NULL);
    }
    drain(u);
    return NULL;
}

upstream *upstream_start(const char *base, const char *key, long timeout_ms)
{
    upstream *u = calloc(1, sizeof *u);
    if (!u || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        free(u);
        return NULL;
    }
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    u->base = strndup(base, n);
    u->key = key && *key ? strdup(key) : NULL;
    u->timeout_ms = timeout_ms;
    u->multi = curl_multi_init();
    if (!u->base || (key && *key && !u->key) || !u->multi || !worker_start(&u->w, run, u)) {
        if (u->multi)
            curl_multi_cleanup(u->multi);
        free(u->base);
        free(u->key);
        curl_global_cleanup();
        free(u);
        return NULL;
    }
    return u;
}

const char *upstream_base(const upstream *u)
{
    return u->base;
}

bool upstream_send(upstream *u, up_call *c, const srv_req *r, up_done_fn done, void *ctx)
{
    c->server = r ? srv_req_server(r) : NULL;
    c->done = done;
    c->ctx = ctx;
    c->u = u;
    c->due_ms = worker_now_ms() + c->after_ms;
    worker_lock(&u->w);
    up_call **at = &u->queue; /* last: calls go out in the order they came */
    while (*at)
        at = &(*at)->next;
    *at = c;
    worker_unlock(&u->w);
    curl_multi_wakeup(u->multi);
    return true;
}

void upstream_stop(upstream *u)
{
    if (!u)
        return;
    worker_ask_stop(&u->w);
    curl_multi_wakeup(u->multi);
    worker_stop(&u->w);
    curl_multi_cleanup(u->multi);
    curl_global_cleanup();
    free(u->base);
    free(u->key);
    free(u);
}
