/* /__control/requests: the journal, filtered, and clearing it. */
#include <stdlib.h>

#include "control.h"

/* ?path=&method=&status=&limit= */
static bool read_filter(srv_req *r, journal_filter *jf)
{
    const char *status = srv_req_query(r, "status"), *limit = srv_req_query(r, "limit");
    char *end = NULL;
    *jf = (journal_filter){srv_req_query(r, "path"), srv_req_query(r, "method"), 0, 0, control_test_id(r)};
    long st = status ? strtol(status, &end, 10) : 0; /* a long first: an int cast would wrap 4294967696 to 400 */
    if (status && (st < 0 || st > 999 || *end || end == status)) {
        srv_resp_error(r, 400, "Invalid 'status' filter: expected an HTTP status code.");
        return false;
    }
    jf->status = (int)st;
    long n = limit ? strtol(limit, &end, 10) : 0;
    if (limit && (n < 0 || *end || end == limit)) {
        srv_resp_error(r, 400, "Invalid 'limit' filter: expected a non-negative integer.");
        return false;
    }
    jf->limit = (size_t)n;
    return true;
}

void control_journal_list(srv_req *r, void *ctx)
{
    control *c = ctx;
    journal_filter jf;
    if (control_authorised(c, r) && read_filter(r, &jf))
        journal_write_json(control_journal(c), &jf, srv_resp_body(r));
}

void control_journal_clear(srv_req *r, void *ctx)
{
    control *c = ctx;
    if (!control_authorised(c, r))
        return;
    journal_clear(control_journal(c), control_test_id(r));
    srv_resp_status(r, 204);
}
