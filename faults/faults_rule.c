/* A rule at work: does it match, does it fire, what does it do. */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "faults_rule.h"
#include "rng.h"

bool faults_rule_matches(const faults_rule *rule, srv_req *r, const char *body_model)
{
    if (rule->path && fnmatch(rule->path, srv_req_path(r), 0) != 0)
        return false;
    if (rule->method && strcasecmp(rule->method, srv_req_method(r)) != 0)
        return false;
    if (rule->model && (!body_model || strcmp(rule->model, body_model) != 0))
        return false;
    if (rule->test_id) {
        const char *t = srv_req_header(r, "x-test-id");
        if (!t || strcmp(t, rule->test_id) != 0)
            return false;
    }
    for (size_t i = 0; i < rule->nmatch; i++) {
        const char *v = srv_req_header(r, rule->match_headers[i].name);
        if (!v || strcmp(v, rule->match_headers[i].value) != 0)
            return false;
    }
    return true;
}

/* Uniform in [0, 1) from the top 53 bits. */
static double unit(uint64_t *state)
{
    return (double)(rng_next(state) >> 11) / 9007199254740992.0;
}

bool faults_rule_fires(faults_rule *rule, uint64_t now_ms)
{
    if (rule->duration_ms && now_ms - rule->created_ms >= (uint64_t)rule->duration_ms)
        return false;
    if (rule->times && rule->hits >= (uint64_t)rule->times)
        return false;
    rule->matched++;
    if (rule->matched <= (uint64_t)rule->after)
        return false;
    if (rule->every && (rule->matched - (uint64_t)rule->after) % (uint64_t)rule->every != 0)
        return false;
    if (rule->probability < 1.0 && unit(&rule->rng) >= rule->probability)
        return false;
    rule->hits++;
    return true;
}

long faults_rule_remaining(const faults_rule *rule)
{
    if (!rule->times)
        return -1;
    return rule->hits >= (uint64_t)rule->times ? 0 : rule->times - (long)rule->hits;
}

unsigned faults_rule_delay(faults_rule *rule)
{
    uint64_t d = (uint64_t)rule->delay_ms;
    if (rule->jitter_ms)
        d += rng_next(&rule->jitter_rng) % ((uint64_t)rule->jitter_ms + 1);
    return (unsigned)d;
}

static bool has_header(const faults_rule *rule, const char *name)
{
    for (size_t i = 0; i < rule->nheaders; i++) {
        if (strcasecmp(rule->headers[i].name, name) == 0)
            return true;
    }
    return false;
}

/* Status faults answer with the rule's body or the API's own error; a 429
 * says when to retry, as real rate limiters do, unless the rule says. */
static void apply_status(const faults_rule *rule, srv_req *r)
{
    if (rule->body) {
        srv_resp_text(r, (int)rule->status, NULL, rule->body);
    } else {
        char msg[96];
        snprintf(msg, sizeof msg, "Injected fault: HTTP %ld.", rule->status);
        srv_resp_error(r, (int)rule->status, msg);
    }
    if (rule->status == 429 && !has_header(rule, "retry-after") && !has_header(rule, "retry-after-ms")) {
        srv_resp_header(r, "retry-after", "1");
        srv_resp_header(r, "retry-after-ms", "1000");
    }
}

bool faults_rule_apply(const faults_rule *rule, unsigned delay_ms, srv_req *r)
{
    for (size_t i = 0; i < rule->nextras; i++)
        srv_req_note_set(r, rule->extras[i].name, rule->extras[i].value);
    if (delay_ms)
        srv_fault_delay(r, delay_ms);
    for (size_t i = 0; i < rule->nheaders; i++)
        srv_resp_header(r, rule->headers[i].name, rule->headers[i].value);
    if (rule->kind != SRV_DELIVER_NORMAL)
        srv_fault_deliver(r, rule->kind, (unsigned long)rule->kind_param);
    if (rule->kind == SRV_DELIVER_RESET || rule->kind == SRV_DELIVER_HANG)
        return false;
    if (rule->status) {
        apply_status(rule, r);
        return false;
    }
    return true;
}

const char *faults_rule_kind_name(const faults_rule *rule)
{
    static const char *const names[] = {"", "reset", "hang", "empty", "truncate", "drip", "malformed"};
    if (rule->kind != SRV_DELIVER_NORMAL && (size_t)rule->kind < sizeof names / sizeof names[0])
        return names[rule->kind];
    if (rule->status)
        return "status";
    if (rule->delay_ms || rule->jitter_ms)
        return "delay";
    if (!rule->nextras)
        return "headers";
    /* A server's own kind (stream_cut) is an extra named "kind": its value
     * names what it did; any other extra (job_status) names itself. */
    return strcmp(rule->extras[0].name, "kind") == 0 ? rule->extras[0].value : rule->extras[0].name;
}
