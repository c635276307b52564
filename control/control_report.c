/* GET /__control/report[?test_id=]: the retry report card, as JSON or (for
 * Accept: text/plain) a few lines a person can read in a CI log. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "control.h"
#include "report_chains.h"

static void str_or_null(buf *b, const char *s)
{
    if (s && *s)
        buf_json_str(b, s, strlen(s));
    else
        buf_puts(b, "null");
}

static long waited(const report_set *s, size_t i)
{
    const report_attempt *a = &s->attempts[i], *prev = &s->attempts[i - 1];
    return a->start_ms > prev->end_ms ? (long)(a->start_ms - prev->end_ms) : 0;
}

/* "POST /v1/embeddings" */
static void route_of(const report_attempt *a, char *out, size_t cap)
{
    snprintf(out, cap, "%s %s", a->method, a->route);
}

static void attempt_json(buf *b, const report_set *s, size_t i, size_t first)
{
    const report_attempt *a = &s->attempts[i];
    buf_puts(b, "{\"request_id\":");
    buf_json_str(b, a->request_id, strlen(a->request_id));
    buf_printf(b, ",\"status\":%d,\"fault\":", a->status);
    str_or_null(b, a->fault);
    if (a->asked_ms >= 0)
        buf_printf(b, ",\"asked_ms\":%ld", a->asked_ms);
    else
        buf_puts(b, ",\"asked_ms\":null");
    if (i > first)
        buf_printf(b, ",\"waited_ms\":%ld}", waited(s, i));
    else
        buf_puts(b, ",\"waited_ms\":null}");
}

/* Who, where: the fields a chain and a violation share. */
static void who_json(buf *b, const report_attempt *a)
{
    char route[600];
    route_of(a, route, sizeof route);
    buf_puts(b, "\"test_id\":");
    str_or_null(b, a->test_id);
    buf_puts(b, ",\"client\":");
    str_or_null(b, a->client);
    buf_puts(b, ",\"route\":");
    buf_json_str(b, route, strlen(route));
}

static void chain_json(buf *b, const report_set *s, const report_chain *c)
{
    buf_puts(b, "{");
    who_json(b, &s->attempts[c->first]);
    buf_printf(b, ",\"recovered\":%s,\"injected\":%zu,\"attempts\":[", c->recovered ? "true" : "false", c->injected);
    for (size_t i = c->first; i < c->first + c->n; i++) {
        buf_puts(b, i > c->first ? "," : "");
        attempt_json(b, s, i, c->first);
    }
    buf_puts(b, "]}");
}

static void violation_json(buf *b, const report_set *s, const report_violation *v)
{
    const report_attempt *a = &s->attempts[v->attempt];
    buf_printf(b, "{\"kind\":\"%s\",", report_kind_name(v->kind));
    who_json(b, a);
    buf_puts(b, ",\"request_id\":");
    buf_json_str(b, a->request_id, strlen(a->request_id));
    buf_puts(b, ",\"evidence\":");
    buf_json_str(b, v->evidence, strlen(v->evidence));
    if (v->kind == REPORT_EARLY_RETRY)
        buf_printf(b, ",\"asked_ms\":%ld,\"waited_ms\":%ld", v->asked_ms, v->waited_ms);
    buf_puts(b, "}");
}

static size_t injected(const report_set *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nchains; i++)
        n += s->chains[i].injected;
    return n;
}

static void write_json(buf *b, const report_set *s, const char *test_id)
{
    buf_puts(b, "{\"test_id\":");
    str_or_null(b, test_id);
    buf_printf(b, ",\"clean\":%s,\"complete\":%s,\"summary\":{\"requests\":%zu,\"attempts\":%zu,\"injected\":%zu,"
                  "\"violations\":%zu},\"requests\":[",
               s->nviolations ? "false" : "true", s->oom ? "false" : "true", s->nchains, s->nattempts, injected(s),
               s->nviolations);
    for (size_t i = 0; i < s->nchains; i++) {
        buf_puts(b, i ? "," : "");
        chain_json(b, s, &s->chains[i]);
    }
    buf_puts(b, "],\"violations\":[");
    for (size_t i = 0; i < s->nviolations; i++) {
        buf_puts(b, i ? "," : "");
        violation_json(b, s, &s->violations[i]);
    }
    buf_puts(b, "]}");
}

/* One line a request: its attempts as status (fault, asked) → waited → ... */
static void chain_text(buf *b, const report_set *s, const report_chain *c)
{
    char route[600];
    const report_attempt *first = &s->attempts[c->first];
    route_of(first, route, sizeof route);
    buf_printf(b, "  %s %s%s%s:", route, first->client[0] ? first->client : "(no key)",
               first->test_id[0] ? " test " : "", first->test_id);
    for (size_t i = c->first; i < c->first + c->n; i++) {
        const report_attempt *a = &s->attempts[i];
        if (i > c->first)
            buf_printf(b, " -> waited %ld ms ->", waited(s, i));
        buf_printf(b, " %d", a->status);
        if (a->fault || a->asked_ms >= 0)
            buf_printf(b, " (%s%s", a->fault ? a->fault : "", a->fault && a->asked_ms >= 0 ? ", " : "");
        if (a->asked_ms >= 0)
            buf_printf(b, "asked %ld ms", a->asked_ms);
        if (a->fault || a->asked_ms >= 0)
            buf_puts(b, ")");
    }
    buf_puts(b, c->recovered ? "  recovered\n" : "  not recovered\n");
}

static void write_text(buf *b, const report_set *s, const char *test_id)
{
    buf_printf(b, "retry report%s%s: %zu requests, %zu attempts, %zu injected failures, %zu violations: %s%s\n",
               test_id ? " for test " : "", test_id ? test_id : "", s->nchains, s->nattempts, injected(s),
               s->nviolations, s->nviolations ? "NOT CLEAN" : "clean", s->oom ? " (incomplete: out of memory)" : "");
    for (size_t i = 0; i < s->nchains; i++)
        chain_text(b, s, &s->chains[i]);
    for (size_t i = 0; i < s->nviolations; i++) {
        const report_violation *v = &s->violations[i];
        char route[600];
        route_of(&s->attempts[v->attempt], route, sizeof route);
        buf_printf(b, "VIOLATION %s: %s %s: %s (%s)\n", report_kind_name(v->kind), route,
                   s->attempts[v->attempt].client, v->evidence, s->attempts[v->attempt].request_id);
    }
}

static bool wants_text(const srv_req *r)
{
    const char *accept = srv_req_header(r, "accept");
    return accept && strcasestr(accept, "text/plain") && !strcasestr(accept, "application/json");
}

void control_report(srv_req *r, void *ctx)
{
    control *c = ctx;
    if (!control_authorised(c, r))
        return;
    const char *test_id = control_test_id(r);
    report_set s;
    report_rules rules = REPORT_RULES_DEFAULT;
    report_collect(&s, control_journal(c), test_id);
    report_judge(&s, &rules);
    if (wants_text(r)) {
        srv_resp_header(r, "content-type", "text/plain; charset=utf-8");
        write_text(srv_resp_body(r), &s, test_id);
    } else {
        write_json(srv_resp_body(r), &s, test_id);
    }
    report_free(&s);
}
