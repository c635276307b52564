/* GET /api/v2/parse: the jobs, oldest first, filtered by status (v2
 * names), job_ids (repeated) and created_at_on_or_after/before, in cursor
 * pages: page_size (default 50, at most 1000) and page_token (the offset
 * of the next page in the filtered list, as text). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lp_v2.h"

#define PAGE_DEFAULT 50
#define PAGE_MAX 1000
#define IDS_MAX 100

typedef struct list_query {
    const char *status;
    const char *ids[IDS_MAX];
    size_t nids;
    time_t after, before; /* 0: no bound */
    size_t from, size;
    /* the walk */
    buf *out;
    size_t matched, written;
} list_query;

static bool wanted(const list_query *q, const lp_job *j, lp_status st)
{
    if (q->status && strcmp(q->status, lp_v2_status(j, st)))
        return false;
    if ((q->after && j->created_at < q->after) || (q->before && j->created_at > q->before))
        return false;
    bool any = q->nids == 0;
    for (size_t i = 0; i < q->nids && !any; i++)
        any = !strcmp(q->ids[i], j->id);
    return any;
}

static void visit(const lp_job *j, lp_status st, void *ctx)
{
    list_query *q = ctx;
    if (!wanted(q, j, st))
        return;
    size_t at = q->matched++;
    if (at < q->from || at >= q->from + q->size)
        return;
    buf_puts(q->out, q->written++ ? "," : "");
    lp_v2_job_json(q->out, j, st, false);
}

static void add_id(const char *value, void *ctx)
{
    list_query *q = ctx;
    if (q->nids < IDS_MAX)
        q->ids[q->nids++] = value;
}

/* An ISO-8601 date or date-time (its first 19 characters; UTC). */
static bool when(srv_req *r, const char *name, time_t *out)
{
    const char *v = srv_req_query(r, name);
    if (!v || !*v)
        return true;
    struct tm tm = {0};
    const char *end = strptime(v, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end) {
        tm = (struct tm){0};
        end = strptime(v, "%Y-%m-%d", &tm);
    }
    if (end) {
        *out = timegm(&tm);
        return true;
    }
    lp_unprocessable(r, "query", name, "datetime_from_date_parsing", "Input should be a valid datetime or date", v);
    return false;
}

static bool number(srv_req *r, const char *name, long dflt, long min, long *out)
{
    const char *v = srv_req_query(r, name);
    char *end = NULL;
    *out = v && *v ? strtol(v, &end, 10) : dflt;
    if (v && *v && (*end || *out < min)) {
        lp_unprocessable(r, "query", name, *end ? "int_parsing" : "greater_than_equal",
                         *end ? "Input should be a valid integer" : "Input should be greater than or equal to the minimum", v);
        return false;
    }
    return true;
}

static bool read_query(srv_req *r, list_query *q)
{
    static const char *const names[] = {"PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"};
    q->status = srv_req_query(r, "status");
    bool known = !q->status;
    for (size_t i = 0; !known && i < sizeof names / sizeof names[0]; i++)
        known = !strcmp(q->status, names[i]);
    if (!known) {
        lp_unprocessable(r, "query", "status", "enum",
                         "Input should be 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED' or 'CANCELLED'", q->status);
        return false;
    }
    srv_req_query_each(r, "job_ids", add_id, q);
    long size, from;
    if (!number(r, "page_size", PAGE_DEFAULT, 1, &size) || !when(r, "created_at_on_or_after", &q->after) ||
        !when(r, "created_at_on_or_before", &q->before))
        return false;
    if (!number(r, "page_token", 0, 0, &from)) {
        lp_detail(r, 400, "Invalid page_token.");
        return false;
    }
    q->size = (size_t)(size > PAGE_MAX ? PAGE_MAX : size);
    q->from = (size_t)from;
    return true;
}

void lp_v2_list(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    list_query q = {0};
    if (!lp_auth_check(r, c) || !lp_scope_check(r) || !read_query(r, &q))
        return;
    q.out = srv_resp_body(r);
    buf_puts(q.out, "{\"items\":[");
    lp_store_each(c->store, srv_req_header(r, "x-test-id"), visit, &q); /* a test sees its own jobs */
    if (q.from + q.written < q.matched)
        buf_printf(q.out, "],\"next_page_token\":\"%zu\",\"total_size\":%zu}", q.from + q.written, q.matched);
    else
        buf_printf(q.out, "],\"next_page_token\":null,\"total_size\":%zu}", q.matched);
}
