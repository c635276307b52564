/* The control API: add, list, read and delete rules, reset everything.
 * Errors use the server's own error format (srv_resp_error). */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "faults_internal.h"

/* With --control-token set, the token must come as a bearer token or in
 * x-control-token; false (401 written) otherwise. */
static bool authorised(srv_req *r, const faults *f)
{
    if (!f->control_token)
        return true;
    const char *t = srv_req_header(r, "x-control-token");
    const char *auth = srv_req_header(r, "authorization");
    if (!t && auth && strncasecmp(auth, "Bearer ", 7) == 0)
        t = auth + 7;
    if (t && strcmp(t, f->control_token) == 0)
        return true;
    srv_resp_error(r, 401, "The control API needs the control token (Authorization: Bearer TOKEN or x-control-token).");
    return false;
}

bool faults_control_authorised(faults *f, srv_req *r)
{
    return authorised(r, f);
}

static bool parse_id(srv_req *r, unsigned long *id)
{
    const char *s = srv_req_param(r, "id");
    char *end;
    *id = s ? strtoul(s, &end, 10) : 0;
    if (s && *s >= '0' && *s <= '9' && *end == '\0')
        return true;
    srv_resp_error(r, 404, "No fault rule with that id.");
    return false;
}

static void add_rules(srv_req *r, void *ctx)
{
    faults *f = ctx;
    if (!authorised(r, f))
        return;
    size_t len;
    const char *body = srv_req_body(r, &len);
    cJSON *j = json_parse_body(body, len);
    char err[400];
    unsigned long first;
    size_t n;
    if (!j || !(cJSON_IsObject(j) || cJSON_IsArray(j))) {
        srv_resp_error(r, 400, "The body must be a JSON rule object or an array of rules.");
    } else if (!faults_add_parsed(f, j, &first, &n, err, sizeof err)) {
        srv_resp_error(r, 400, err);
    } else {
        srv_resp_status(r, 201);
        buf *b = srv_resp_body(r);
        bool array = cJSON_IsArray(j);
        buf_puts(b, array ? "{\"faults\":[" : "");
        for (size_t i = 0; i < n; i++) {
            if (i)
                buf_puts(b, ",");
            if (!faults_describe(f, first + i, b))
                buf_printf(b, "{\"id\":%lu}", first + i); /* deleted meanwhile */
        }
        buf_puts(b, array ? "]}" : "");
    }
    cJSON_Delete(j);
}

static void list_rules(srv_req *r, void *ctx)
{
    faults *f = ctx;
    if (!authorised(r, f))
        return;
    buf *b = srv_resp_body(r);
    buf_puts(b, "{\"faults\":[");
    faults_describe_all(f, b);
    buf_puts(b, "]}");
}

static void get_rule(srv_req *r, void *ctx)
{
    faults *f = ctx;
    unsigned long id;
    if (authorised(r, f) && parse_id(r, &id) && !faults_describe(f, id, srv_resp_body(r)))
        srv_resp_error(r, 404, "No fault rule with that id.");
}

static void delete_rule(srv_req *r, void *ctx)
{
    faults *f = ctx;
    unsigned long id;
    if (!authorised(r, f) || !parse_id(r, &id))
        return;
    if (faults_remove(f, id))
        srv_resp_status(r, 204);
    else
        srv_resp_error(r, 404, "No fault rule with that id.");
}

static void delete_all(srv_req *r, void *ctx)
{
    faults *f = ctx;
    if (!authorised(r, f))
        return;
    faults_clear(f);
    srv_resp_status(r, 204);
}

static void reset(srv_req *r, void *ctx)
{
    faults *f = ctx;
    if (!authorised(r, f))
        return;
    faults_reset_all(f);
    srv_resp_status(r, 204);
}

/* ?path=&method=&status=&limit= */
static bool read_filter(srv_req *r, journal_filter *jf)
{
    const char *status = srv_req_query(r, "status"), *limit = srv_req_query(r, "limit");
    char *end = NULL;
    *jf = (journal_filter){srv_req_query(r, "path"), srv_req_query(r, "method"), 0, 0};
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

static void list_requests(srv_req *r, void *ctx)
{
    faults *f = ctx;
    journal_filter jf;
    if (authorised(r, f) && read_filter(r, &jf))
        journal_write_json(f->journal, &jf, srv_resp_body(r));
}

static void clear_requests(srv_req *r, void *ctx)
{
    faults *f = ctx;
    if (!authorised(r, f))
        return;
    journal_clear(f->journal);
    srv_resp_status(r, 204);
}

size_t faults_control_routes(faults *f, srv_route *out, size_t cap)
{
    const srv_route routes[FAULTS_NROUTES] = {
        {"POST", "/__control/faults", add_rules, f},
        {"GET", "/__control/faults", list_rules, f},
        {"DELETE", "/__control/faults", delete_all, f},
        {"GET", "/__control/faults/{id}", get_rule, f},
        {"DELETE", "/__control/faults/{id}", delete_rule, f},
        {"POST", "/__control/reset", reset, f},
        {"GET", "/__control/requests", list_requests, f},
        {"DELETE", "/__control/requests", clear_requests, f},
    };
    size_t n = cap < FAULTS_NROUTES ? cap : FAULTS_NROUTES;
    if (!f->journal)
        n = n < FAULTS_NROUTES - 2 ? n : FAULTS_NROUTES - 2; /* no journal, no journal routes */
    memcpy(out, routes, n * sizeof routes[0]);
    return n;
}
