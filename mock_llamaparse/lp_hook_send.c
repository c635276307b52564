/* The webhook sender: one thread, many deliveries in flight at once
 * (libcurl's multi interface), each on its own schedule. A delivery waits
 * for its due time (a `webhook=delay_ms=N` fault delays that job's webhook
 * and no other), retries connection errors and 5xx after a doubling
 * backoff, and starts only when the same job's earlier webhooks are done,
 * so each job's events arrive in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lp_allow.h"
#include "lp_webhook_internal.h"

#define SCAN_MS 25      /* how often finished jobs are looked for */
#define MAX_IN_FLIGHT 64

typedef struct sender {
    lp_hooks *h;
    CURLM *multi;
    dlist waiting;      /* not started yet, in the order they became due */
    delivery *flying;   /* in flight (linked by next) */
    size_t in_flight;
} sender;

static size_t discard(char *p, size_t size, size_t n, void *cls)
{
    (void)p, (void)cls;
    return size * n;
}

/* A stopping server aborts transfers rather than wait out their timeout:
 * shutdown must fit in --shutdown-grace-ms. */
static int on_progress(void *cls, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return worker_stopping(cls) ? 1 : 0;
}

/* The request headers: a configured Content-Type replaces ours rather than
 * doubling it; the signature when there is a secret. */
static struct curl_slist *request_headers(const lp_hooks *h, const delivery *d)
{
    bool own_type = false;
    for (const struct curl_slist *x = d->headers; x; x = x->next)
        own_type = own_type || strncasecmp(x->data, "content-type:", 13) == 0;
    struct curl_slist *hdr = own_type ? NULL : curl_slist_append(NULL, "Content-Type: application/json");
    for (const struct curl_slist *x = d->headers; x; x = x->next)
        hdr = curl_slist_append(hdr, x->data);
    const char *secret = d->secret ? d->secret : h->cfg.secret;
    if (secret) {
        char sig[128], mac[65];
        lp_hmac_hex(secret, d->payload->data, d->payload->len, mac);
        snprintf(sig, sizeof sig, d->legacy ? "X-Webhook-Signature: %s" : "LC-Signature: sha256=%s", mac);
        hdr = curl_slist_append(hdr, sig);
    }
    return hdr;
}

/* Put d's POST in flight; false (nothing started) without memory. */
static bool start(sender *s, delivery *d)
{
    CURL *c = lp_payload_build(d->payload) ? curl_easy_init() : NULL;
    if (!c)
        return false;
    d->sent_headers = request_headers(s->h, d);
    d->err[0] = '\0';
    curl_easy_setopt(c, CURLOPT_URL, d->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, d->payload->data);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)d->payload->len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, d->sent_headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s->h->cfg.timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, d->err);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &s->h->w);
    curl_easy_setopt(c, CURLOPT_PRIVATE, d);
    if (curl_multi_add_handle(s->multi, c) != CURLM_OK) {
        curl_easy_cleanup(c);
        return false;
    }
    d->easy = c;
    d->attempt++;
    d->next = s->flying;
    s->flying = d;
    s->in_flight++;
    return true;
}

static void land(sender *s, delivery *d)
{
    for (delivery **at = &s->flying; *at; at = &(*at)->next) {
        if (*at == d) {
            *at = d->next;
            break;
        }
    }
    s->in_flight--;
}

static void push(dlist *l, delivery *d)
{
    d->next = NULL;
    *l->tail = d;
    l->tail = &d->next;
}

/* Back to waiting, due at `due`: ahead of the same job's later webhooks
 * (they must not overtake it), else at the end. */
static void again(sender *s, delivery *d, uint64_t due)
{
    d->due_ms = due;
    for (delivery **at = &s->waiting.head; *at; at = &(*at)->next) {
        if (strcmp((*at)->job_id, d->job_id) == 0) {
            d->next = *at;
            *at = d;
            return;
        }
    }
    push(&s->waiting, d);
}

/* How long before attempt n+1 (the first retry waits --webhook-backoff-ms). */
static uint64_t backoff(const sender *s, int n)
{
    uint64_t wait = (uint64_t)s->h->cfg.backoff_ms;
    for (int i = 1; i < n && wait < 3600000u; i++)
        wait *= 2;
    return wait;
}

/* An answer (or none: status 0) for d's attempt: log it, then retry, send
 * its duplicate, or let it go. */
static void answered(sender *s, delivery *d, long status, const char *error, uint64_t now)
{
    char why[CURL_ERROR_SIZE + 32];
    bool ok = status >= 200 && status < 300;
    snprintf(why, sizeof why, "%s", error && *error ? error : "");
    if (!ok && status && !why[0])
        snprintf(why, sizeof why, "HTTP %ld", status);
    lp_hooks_log(s->h, d, d->attempt, status, ok ? NULL : why, ok);
    bool retry = !ok && (status == 0 || status >= 500) && d->attempt <= s->h->cfg.retries;
    if (retry) {
        again(s, d, now + backoff(s, d->attempt));
    } else if (--d->sends_left > 0) {
        d->attempt = 0; /* the duplicate: a second delivery, from its first attempt */
        again(s, d, now);
    } else {
        lp_delivery_free(d);
    }
}

/* A due delivery's first look: faults that answer without sending, and
 * hosts not allowed. True when it is done with. */
static bool settle(sender *s, delivery *d, uint64_t now)
{
    char why[200], msg[220];
    if (!lp_allow_host(s->h->cfg.allow, d->url, "--webhook-allow", why, sizeof why)) {
        snprintf(msg, sizeof msg, "not sent: %s", why);
        lp_hooks_log(s->h, d, 0, 0, msg, false);
        lp_delivery_free(d);
        return true;
    }
    if (d->mode == LP_HOOK_DROP) {
        lp_hooks_log(s->h, d, 0, 0, "dropped by an injected fault", false);
        lp_delivery_free(d);
        return true;
    }
    if (d->mode == LP_HOOK_STATUS && d->attempt == 0) { /* the first answer is played, not sent */
        d->attempt = 1;
        char pretend[64];
        snprintf(pretend, sizeof pretend, "HTTP %ld (injected, not sent)", d->param);
        answered(s, d, d->param, pretend, now);
        return true;
    }
    return false;
}

/* Is an earlier delivery of the same job still waiting or in flight? */
static bool blocked(const sender *s, const delivery *d, const delivery *in_flight_of_job)
{
    if (in_flight_of_job)
        return true;
    for (const delivery *x = s->waiting.head; x && x != d; x = x->next) {
        if (strcmp(x->job_id, d->job_id) == 0)
            return true;
    }
    return false;
}

static const delivery *in_flight_for(const sender *s, const char *job_id)
{
    for (const delivery *d = s->flying; d; d = d->next) {
        if (strcmp(d->job_id, job_id) == 0)
            return d;
    }
    return NULL;
}

/* Start what is due, in order, as far as MAX_IN_FLIGHT allows. */
static void start_due(sender *s, uint64_t now)
{
    delivery **at = &s->waiting.head;
    while (*at && s->in_flight < MAX_IN_FLIGHT) {
        delivery *d = *at;
        if (d->due_ms > now || blocked(s, d, in_flight_for(s, d->job_id))) {
            at = &d->next;
            continue;
        }
        *at = d->next; /* out of the waiting list */
        if (!*at)
            s->waiting.tail = at;
        if (settle(s, d, now))
            continue;
        if (!start(s, d))
            again(s, d, now + SCAN_MS); /* no memory now: later */
    }
}

/* New webhooks become deliveries: a delay fault sets when, a duplicate
 * sends twice. Past --webhook-queue waiting, the newest are dropped. */
static void take_new(sender *s, uint64_t now)
{
    dlist fresh = {NULL, &fresh.head, NULL};
    lp_hooks_take_due(s->h, &fresh);
    size_t waiting = 0;
    for (const delivery *x = s->waiting.head; x; x = x->next)
        waiting++;
    while (fresh.head) {
        delivery *d = fresh.head;
        fresh.head = d->next;
        d->sends_left = d->mode == LP_HOOK_DUPLICATE ? 2 : 1;
        d->due_ms = now + (d->mode == LP_HOOK_DELAY && d->param > 0 ? (uint64_t)d->param : 0);
        if (++waiting + s->in_flight > (size_t)s->h->cfg.queue_max) {
            lp_hooks_log(s->h, d, 0, 0, "dropped: more webhooks were due than --webhook-queue", false);
            lp_delivery_free(d);
        } else {
            push(&s->waiting, d);
        }
    }
}

/* Transfers that ended: their answers. */
static void finish(sender *s, uint64_t now)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(s->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        CURL *c = m->easy_handle;
        CURLcode rc = m->data.result;
        delivery *d = NULL;
        long status = 0;
        curl_easy_getinfo(c, CURLINFO_PRIVATE, (char **)&d);
        if (rc == CURLE_OK)
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        else if (!d->err[0])
            snprintf(d->err, sizeof d->err, "%s", curl_easy_strerror(rc));
        curl_multi_remove_handle(s->multi, c);
        curl_easy_cleanup(c);
        d->easy = NULL;
        curl_slist_free_all(d->sent_headers);
        d->sent_headers = NULL;
        land(s, d);
        answered(s, d, status, rc == CURLE_OK ? NULL : d->err, now);
    }
}

/* Until the next due delivery or the next scan, whichever is sooner. */
static int poll_ms(const sender *s, uint64_t now)
{
    uint64_t next = now + SCAN_MS;
    for (const delivery *d = s->waiting.head; d; d = d->next)
        next = d->due_ms < next ? d->due_ms : next;
    return next > now ? (int)(next - now) : 0;
}

/* On stop: every transfer aborted, every delivery freed. */
static void drain(sender *s)
{
    while (s->flying) {
        delivery *d = s->flying;
        s->flying = d->next;
        curl_multi_remove_handle(s->multi, d->easy);
        curl_easy_cleanup(d->easy);
        lp_delivery_free(d);
    }
    while (s->waiting.head) {
        delivery *d = s->waiting.head;
        s->waiting.head = d->next;
        lp_delivery_free(d);
    }
}

void *lp_hooks_run(void *arg)
{
    sender s = {arg, curl_multi_init(), {NULL, NULL}, NULL, 0};
    s.waiting.tail = &s.waiting.head;
    while (s.multi && !worker_stopping(&s.h->w)) {
        uint64_t now = worker_now_ms();
        take_new(&s, now);
        start_due(&s, now);
        int running = 0;
        curl_multi_perform(s.multi, &running);
        finish(&s, worker_now_ms());
        curl_multi_poll(s.multi, NULL, 0, poll_ms(&s, worker_now_ms()), NULL);
    }
    if (s.multi) {
        drain(&s);
        curl_multi_cleanup(s.multi);
    }
    return NULL;
}
