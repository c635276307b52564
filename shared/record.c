/* Journal and metrics see a request as soon as its answer is decided,
 * before a byte is sent: a test that reads the journal right after its
 * response must find it there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "srv_internal.h"

static enum MHD_Result append_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    buf *q = cls;
    buf_printf(q, "%s%s%s%s", q->len ? "&" : "", key, value ? "=" : "", value ? value : "");
    return MHD_YES;
}

/* Control, metrics and health routes would bury the requests tests look for. */
static bool journaled(const srv_req *r)
{
    return !(r->routed == ROUTE_FOUND && (r->match.route->flags & (SRV_ROUTE_CONTROL | SRV_ROUTE_UNJOURNALED)));
}

/* What the answer asked the client to wait, in ms (retry-after-ms first,
 * as the SDKs read it, then retry-after in seconds); -1 for nothing. */
static long asked_wait(const srv_req *r)
{
    const char *ms = srv_resp_header_get(r, "retry-after-ms"), *s = srv_resp_header_get(r, "retry-after");
    char *end;
    double v = ms ? strtod(ms, &end) : s ? strtod(s, &end) * 1000.0 : -1;
    return (ms || s) && *end == '\0' && v >= 0 && v < 1e9 ? (long)v : -1;
}

static int should_retry(const srv_req *r)
{
    const char *v = srv_resp_header_get(r, "x-should-retry");
    return v ? strcmp(v, "true") == 0 : -1;
}

/* The caller, masked as the APIs print keys: the bearer token, else an
 * api-key / x-api-key header (Azure, other gateways). */
static const char *client_of(const srv_req *r, char *out, size_t cap)
{
    size_t len = 0;
    const char *k = srv_req_bearer(r, &len);
    if (!k && (k = srv_req_header(r, "api-key")) == NULL)
        k = srv_req_header(r, "x-api-key");
    if (k && !len)
        len = strlen(k);
    if (!k || !len)
        return NULL;
    srv_mask_key(k, len, out, cap);
    return out;
}

static void journal_it(journal *j, srv_req *r, int status, double ms)
{
    static const char *const names[JOURNAL_NHEADERS] = JOURNAL_HEADERS;
    buf query = BUF_INIT;
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, append_arg, &query);
    char fault[40];
    snprintf(fault, sizeof fault, "%s%s", strcmp(r->fault_rule, "header") ? "rule " : "", r->fault_rule);
    char client[32];
    size_t bytes = r->streaming ? r->body_seen : r->body.len;
    journal_in in = {r->id, r->method, r->path, query.data ? query.data : "", {NULL}, bytes, status, ms,
                     r->fault_rule[0] ? fault : NULL, r->routed == ROUTE_FOUND ? r->match.route->pattern : NULL,
                     client_of(r, client, sizeof client),
                     /* a streamed body is not kept: its size stands in for it */
                     r->streaming ? XXH64(&bytes, sizeof bytes, 1) : XXH64(r->body.data, r->body.len, 0),
                     r->start_ns / 1000000u, asked_wait(r), should_retry(r)};
    for (int i = 0; i < JOURNAL_NHEADERS; i++)
        in.headers[i] = srv_req_header(r, names[i]);
    journal_record(j, &in);
    buf_free(&query);
}

void record_request(srv *s, srv_req *r, int status, double ms)
{
    if (r->recorded)
        return;
    r->recorded = true;
    if (s->cfg.metrics) {
        metrics_in m = {r->match.route ? r->match.route->pattern : "unmatched", r->method, status, ms / 1000.0,
                        r->fault_rule[0] ? r->fault_rule : NULL, r->fault_kind};
        metrics_record(s->cfg.metrics, &m);
    }
    if (s->cfg.journal && journaled(r))
        journal_it(s->cfg.journal, r, status, ms);
}
