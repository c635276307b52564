/* Journal and metrics see a request as soon as its answer is decided,
 * before a byte is sent: a test that reads the journal right after its
 * response must find it there. */
#include <stdio.h>
#include <string.h>

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

static void journal_it(journal *j, srv_req *r, int status, double ms)
{
    static const char *const names[JOURNAL_NHEADERS] = JOURNAL_HEADERS;
    buf query = BUF_INIT;
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, append_arg, &query);
    char fault[40];
    snprintf(fault, sizeof fault, "%s%s", strcmp(r->fault_rule, "header") ? "rule " : "", r->fault_rule);
    journal_in in = {r->id, r->method, r->path, query.data ? query.data : "", {NULL},
                     r->streaming ? r->body_seen : r->body.len, status, ms, r->fault_rule[0] ? fault : NULL};
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
