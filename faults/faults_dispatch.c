/* The per-request decision: the request's own x-mock-fault header first,
 * then the stored rules in order; the first that fires acts. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults_internal.h"
#include "log.h"
#include "timer.h"

/* The JSON body's top-level "model", parsed only when a rule asks for it. */
typedef struct lazy_model {
    bool parsed;
    cJSON *json;
    const char *model;
} lazy_model;

static const char *body_model(srv_req *r, lazy_model *lm)
{
    if (!lm->parsed) {
        lm->parsed = true;
        size_t len;
        const char *body = srv_req_body(r, &len);
        lm->json = len ? cJSON_ParseWithLength(body, len) : NULL;
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(lm->json, "model");
        lm->model = cJSON_IsString(m) ? m->valuestring : NULL;
    }
    return lm->model;
}

/* A one-request rule from the header; a bad header is a 400 in the API's
 * format, so a typo never passes silently. */
static bool header_fault(const faults *f, srv_req *r, const char *kv)
{
    char err[300];
    faults_rule *rule = faults_rule_from_header(kv, &f->x, err, sizeof err);
    if (!rule) {
        char msg[400];
        snprintf(msg, sizeof msg, "Invalid x-mock-fault header: %s", err);
        srv_resp_error(r, 400, msg);
        return false;
    }
    rule->jitter_rng = (uint64_t)timer_now_ms();
    srv_req_mark_fault(r, "header", faults_rule_kind_name(rule));
    bool run = faults_rule_apply(rule, faults_rule_delay(rule), r);
    faults_rule_free(rule);
    return run;
}

bool faults_pre_dispatch(srv_req *r, void *ctx)
{
    faults *f = ctx;
    const char *kv = srv_req_header(r, "x-mock-fault");
    if (kv)
        return header_fault(f, r, kv);
    lazy_model lm = {false, NULL, NULL};
    bool run = true;
    uint64_t now = timer_now_ms();
    pthread_mutex_lock(&f->lock);
    for (size_t i = 0; i < f->n; i++) {
        faults_rule *rule = f->rules[i];
        if (!faults_rule_matches(rule, r, rule->model ? body_model(r, &lm) : NULL) || !faults_rule_fires(rule, now))
            continue;
        run = faults_rule_apply(rule, faults_rule_delay(rule), r);
        char id[24];
        snprintf(id, sizeof id, "%lu", rule->id);
        srv_req_mark_fault(r, id, faults_rule_kind_name(rule));
        log_msg(LOG_DEBUG, "fault rule %lu fired on %s %s", rule->id, srv_req_method(r), srv_req_path(r));
        break;
    }
    pthread_mutex_unlock(&f->lock);
    cJSON_Delete(lm.json);
    return run;
}
