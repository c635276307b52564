#include "oa_ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oa_azure.h"
#include "oa_error.h"
#include "timer.h"

typedef struct bucket {
    double level; /* what is left, refilled at limit per minute */
    uint64_t at_ms;
} bucket;

/* One caller: its test (x-test-id, "" for none) and its key. */
typedef struct key_state {
    char test[96];
    char key[128];
    bucket req, tok;
} key_state;

/* Buckets per key under one lock; keys past OA_RL_MAX_KEYS share the last. */
struct oa_ratelimit {
    pthread_mutex_t lock;
    long rpm, tpm;
    bool quota;
    key_state keys[OA_RL_MAX_KEYS];
    size_t nkeys;
};

oa_ratelimit *oa_ratelimit_new(long rpm, long tpm, bool quota_exhausted)
{
    oa_ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl)
        return NULL;
    pthread_mutex_init(&rl->lock, NULL);
    rl->rpm = rpm;
    rl->tpm = tpm;
    rl->quota = quota_exhausted;
    return rl;
}

void oa_ratelimit_free(oa_ratelimit *rl)
{
    if (!rl)
        return;
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}

void oa_ratelimit_reset(void *arg, const char *test_id)
{
    oa_ratelimit *rl = arg;
    pthread_mutex_lock(&rl->lock);
    size_t kept = 0;
    for (size_t i = 0; i < rl->nkeys; i++) {
        if (test_id && strcmp(rl->keys[i].test, test_id) != 0)
            rl->keys[kept++] = rl->keys[i];
    }
    rl->nkeys = kept;
    pthread_mutex_unlock(&rl->lock);
}

void oa_ratelimit_set(oa_ratelimit *rl, long rpm, long tpm, bool quota_exhausted)
{
    pthread_mutex_lock(&rl->lock);
    rl->rpm = rpm;
    rl->tpm = tpm;
    rl->quota = quota_exhausted;
    rl->nkeys = 0;
    pthread_mutex_unlock(&rl->lock);
}

void oa_ratelimit_get(oa_ratelimit *rl, long *rpm, long *tpm, bool *quota_exhausted)
{
    pthread_mutex_lock(&rl->lock);
    *rpm = rl->rpm;
    *tpm = rl->tpm;
    *quota_exhausted = rl->quota;
    pthread_mutex_unlock(&rl->lock);
}

static void refill(bucket *b, long limit, uint64_t now)
{
    b->level += (double)(now - b->at_ms) * (double)limit / 60000.0;
    if (b->level > limit)
        b->level = (double)limit;
    b->at_ms = now;
}

/* Whose buckets: the caller's key, read as authentication reads it (so no
 * other spelling of the same key gets fresh buckets; Azure's api-key header
 * counts as the key it is), within its test, so that tests running at once
 * do not spend each other's budget. */
typedef struct caller {
    char test[96];
    char key[128];
} caller;

static void caller_of(srv_req *r, caller *c)
{
    size_t len;
    const char *k = oa_req_key(r, &len);
    const char *t = srv_req_header(r, "x-test-id");
    snprintf(c->key, sizeof c->key, "%.*s", (int)len, k ? k : "");
    snprintf(c->test, sizeof c->test, "%s", t ? t : "");
}

/* Under the lock: the caller's state, created full. */
static key_state *state_for(oa_ratelimit *rl, const caller *c, uint64_t now)
{
    for (size_t i = 0; i < rl->nkeys; i++) {
        if (strcmp(rl->keys[i].key, c->key) == 0 && strcmp(rl->keys[i].test, c->test) == 0)
            return &rl->keys[i];
    }
    if (rl->nkeys == OA_RL_MAX_KEYS)
        return &rl->keys[OA_RL_MAX_KEYS - 1];
    key_state *k = &rl->keys[rl->nkeys++];
    memcpy(k->key, c->key, sizeof k->key);
    memcpy(k->test, c->test, sizeof k->test);
    k->req = (bucket){(double)rl->rpm, now};
    k->tok = (bucket){(double)rl->tpm, now};
    return k;
}

void oa_go_duration(double seconds, char *out, size_t cap)
{
    long ms = (long)ceil(seconds * 1000.0 - 1e-9);
    if (ms <= 0) {
        snprintf(out, cap, "0s");
        return;
    }
    if (ms < 1000) {
        snprintf(out, cap, "%ldms", ms);
        return;
    }
    long h = ms / 3600000, m = ms / 60000 % 60, s = ms / 1000 % 60, frac = ms % 1000;
    char sec[16];
    if (frac == 0)
        snprintf(sec, sizeof sec, "%lds", s);
    else if (frac % 100 == 0)
        snprintf(sec, sizeof sec, "%ld.%lds", s, frac / 100);
    else if (frac % 10 == 0)
        snprintf(sec, sizeof sec, "%ld.%02lds", s, frac / 10);
    else
        snprintf(sec, sizeof sec, "%ld.%03lds", s, frac);
    if (h)
        snprintf(out, cap, "%ldh%ldm%s", h, m, sec);
    else if (m)
        snprintf(out, cap, "%ldm%s", m, sec);
    else
        snprintf(out, cap, "%s", sec);
}

static void retry_headers(srv_req *r, double wait_s)
{
    char v[32];
    snprintf(v, sizeof v, "%ld", (long)ceil(wait_s));
    srv_resp_header(r, "retry-after", v[0] == '0' ? "1" : v);
    snprintf(v, sizeof v, "%ld", (long)ceil(wait_s * 1000.0));
    srv_resp_header(r, "retry-after-ms", v);
}

static bool quota_error(srv_req *r)
{
    if (oa_azure_request(r)) { /* Azure has no quota error: a day's wait */
        oa_azure_rate_error(r, true, 86400);
        retry_headers(r, 86400);
        return false;
    }
    oa_error(r, 429,
             "You exceeded your current quota, please check your plan and billing details. For more "
             "information on this error, read the docs: "
             "https://platform.openai.com/docs/guides/error-codes/api-errors.",
             "insufficient_quota", NULL, "insufficient_quota");
    return false;
}

/* The real rate_limit_exceeded 429 for one bucket. */
static bool limit_error(srv_req *r, const char *model, const char *what, long limit, double level, size_t asked,
                        double rate_per_s)
{
    bool tokens = what[0] == 't';
    char msg[512], wait[32];
    if (tokens && (long)asked > limit) {
        snprintf(msg, sizeof msg,
                 "Request too large for %s in organization org-mockworks on tokens per min (TPM): Limit %ld, "
                 "Requested %zu. The input or output tokens must be reduced in order to run successfully. Visit "
                 "https://platform.openai.com/account/rate-limits to learn more.",
                 model, limit, asked);
        oa_error(r, 429, msg, "tokens", NULL, "rate_limit_exceeded");
        return false;
    }
    double wait_s = ((double)asked - level) / rate_per_s;
    if (oa_azure_request(r)) {
        oa_azure_rate_error(r, tokens, wait_s);
        retry_headers(r, wait_s);
        return false;
    }
    oa_go_duration(wait_s, wait, sizeof wait);
    snprintf(msg, sizeof msg,
             "Rate limit reached for %s in organization org-mockworks on %s per min (%s): Limit %ld, Used %ld, "
             "Requested %zu. Please try again in %s. Visit https://platform.openai.com/account/rate-limits to "
             "learn more.",
             model, tokens ? "tokens" : "requests", tokens ? "TPM" : "RPM", limit, limit - (long)floor(level),
             asked, wait);
    oa_error(r, 429, msg, what, NULL, "rate_limit_exceeded");
    retry_headers(r, wait_s);
    return false;
}

bool oa_ratelimit_take(oa_ratelimit *rl, srv_req *r, const char *model, size_t tokens)
{
    caller who;
    caller_of(r, &who);
    uint64_t now = timer_now_ms();
    pthread_mutex_lock(&rl->lock);
    bool ok = true;
    if (rl->quota) {
        ok = quota_error(r);
    } else if (rl->rpm || rl->tpm) {
        key_state *k = state_for(rl, &who, now);
        refill(&k->req, rl->rpm, now);
        refill(&k->tok, rl->tpm, now);
        if (rl->rpm && k->req.level < 1.0)
            ok = limit_error(r, model, "requests", rl->rpm, k->req.level, 1, rl->rpm / 60.0);
        else if (rl->tpm && k->tok.level < (double)tokens)
            ok = limit_error(r, model, "tokens", rl->tpm, k->tok.level, tokens, rl->tpm / 60.0);
        if (ok) {
            k->req.level -= rl->rpm ? 1.0 : 0.0;
            k->tok.level -= rl->tpm ? (double)tokens : 0.0;
        }
    }
    pthread_mutex_unlock(&rl->lock);
    return ok;
}

static void put_family(srv_req *r, const char *what, long limit, double level)
{
    char name[48], v[32];
    snprintf(name, sizeof name, "x-ratelimit-limit-%s", what);
    snprintf(v, sizeof v, "%ld", limit);
    srv_resp_header(r, name, v);
    snprintf(name, sizeof name, "x-ratelimit-remaining-%s", what);
    snprintf(v, sizeof v, "%ld", level > 0 ? (long)floor(level) : 0L);
    srv_resp_header(r, name, v);
    snprintf(name, sizeof name, "x-ratelimit-reset-%s", what);
    oa_go_duration(((double)limit - level) * 60.0 / (double)limit, v, sizeof v);
    srv_resp_header(r, name, v);
}

void oa_ratelimit_headers(oa_ratelimit *rl, srv_req *r)
{
    caller who;
    caller_of(r, &who);
    uint64_t now = timer_now_ms();
    pthread_mutex_lock(&rl->lock);
    long rpm = rl->rpm ? rl->rpm : OA_NOMINAL_RPM, tpm = rl->tpm ? rl->tpm : OA_NOMINAL_TPM;
    double req = (double)rpm, tok = (double)tpm;
    if (rl->rpm || rl->tpm) {
        key_state *k = state_for(rl, &who, now);
        refill(&k->req, rl->rpm, now);
        refill(&k->tok, rl->tpm, now);
        req = rl->rpm ? k->req.level : req;
        tok = rl->tpm ? k->tok.level : tok;
    }
    pthread_mutex_unlock(&rl->lock);
    /* An injected 429 stands for a spent request budget: a client that reads
     * the headers must see why it was refused. */
    if (srv_resp_get_status(r) == 429 && srv_req_faulted(r))
        req = 0;
    put_family(r, "requests", rpm, req);
    put_family(r, "tokens", tpm, tok);
}
