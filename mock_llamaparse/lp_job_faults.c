/* Job-level faults: fields mock_llamaparse adds to the fault rules
 * (job_status, job_error_code, job_error_message, job_delay_ms, webhook),
 * checked when a rule is added and applied to the job a request creates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_ctx.h"

static bool check_status(const char *v, char *err, size_t n)
{
    static const char *const ok[] = {"ERROR", "PARTIAL_SUCCESS", "CANCELLED", "EXPIRED", "stuck"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        if (strcmp(v, ok[i]) == 0)
            return true;
    }
    snprintf(err, n, "expected ERROR, PARTIAL_SUCCESS, CANCELLED, EXPIRED or stuck");
    return false;
}

static bool check_code(const char *v, char *err, size_t n)
{
    size_t len = strlen(v);
    if (len > 0 && len <= 64 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") == len)
        return true;
    snprintf(err, n, "expected an UPPER_CASE code of at most 64 characters");
    return false;
}

static bool check_message(const char *v, char *err, size_t n)
{
    if (strlen(v) <= 300)
        return true;
    snprintf(err, n, "at most 300 characters");
    return false;
}

static bool whole(const char *v, long lo, long hi, long *out)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (end == v || *end || x < lo || x > hi)
        return false;
    if (out)
        *out = x;
    return true;
}

static bool check_delay(const char *v, char *err, size_t n)
{
    if (whole(v, 0, 86400000, NULL))
        return true;
    snprintf(err, n, "expected milliseconds from 0 to 86400000");
    return false;
}

/* drop | duplicate | delay_ms=N | status=N */
static bool parse_hook(const char *v, int *mode, long *param)
{
    if (!strcmp(v, "drop") || !strcmp(v, "duplicate")) {
        *mode = v[0] == 'd' && v[1] == 'r' ? LP_HOOK_DROP : LP_HOOK_DUPLICATE;
        return true;
    }
    if (!strncmp(v, "delay_ms=", 9) && whole(v + 9, 0, 3600000, param)) {
        *mode = LP_HOOK_DELAY;
        return true;
    }
    if (!strncmp(v, "status=", 7) && whole(v + 7, 100, 599, param)) {
        *mode = LP_HOOK_STATUS;
        return true;
    }
    return false;
}

static bool check_hook(const char *v, char *err, size_t n)
{
    int mode;
    long param;
    if (parse_hook(v, &mode, &param))
        return true;
    snprintf(err, n, "expected drop, duplicate, delay_ms=N or status=N");
    return false;
}

bool lp_job_faults_register(faults *f)
{
    return faults_add_field(f, "job_status", check_status) && faults_add_field(f, "job_error_code", check_code) &&
           faults_add_field(f, "job_error_message", check_message) &&
           faults_add_field(f, "job_delay_ms", check_delay) && faults_add_field(f, "webhook", check_hook);
}

static lp_status status_named(const char *v)
{
    return !strcmp(v, "PARTIAL_SUCCESS") ? LP_PARTIAL_SUCCESS : !strcmp(v, "CANCELLED") ? LP_CANCELLED : LP_ERROR;
}

void lp_job_faults_apply(srv_req *r, lp_job *j)
{
    const char *st = srv_req_note(r, "job_status"), *code = srv_req_note(r, "job_error_code");
    const char *msg = srv_req_note(r, "job_error_message"), *delay = srv_req_note(r, "job_delay_ms");
    const char *hook = srv_req_note(r, "webhook");
    lp_job_faults *f = &j->faults;
    if (st && !strcmp(st, "stuck"))
        f->stuck = true;
    else if (st) {
        f->status = (int)status_named(st);
        f->expired = !strcmp(st, "EXPIRED");
    }
    if (code)
        snprintf(f->code, sizeof f->code, "%s", code);
    if (msg && !f->message)
        f->message = strdup(msg); /* out of memory: the default message stands */
    if (delay)
        whole(delay, 0, 86400000, &f->delay_ms);
    if (hook)
        parse_hook(hook, &f->hook_mode, &f->hook_param);
}

void lp_job_faults_free(lp_job_faults *f)
{
    free(f->message);
    f->message = NULL;
}
