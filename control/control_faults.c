/* /__control/faults: add, list, read and delete fault rules. Errors use
 * the server's own error format (srv_resp_error). */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "control.h"
#include "json.h"

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

/* 201 with the rule as stored, or {"faults":[...]} for an array. */
static void describe_added(srv_req *r, faults *f, bool array, unsigned long first, size_t n)
{
    srv_resp_status(r, 201);
    buf *b = srv_resp_body(r);
    buf_puts(b, array ? "{\"faults\":[" : "");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(b, ",");
        if (!faults_describe(f, first + i, b))
            buf_printf(b, "{\"id\":%lu}", first + i); /* deleted meanwhile */
    }
    buf_puts(b, array ? "]}" : "");
}

void control_faults_add(srv_req *r, void *ctx)
{
    control *c = ctx;
    if (!control_authorised(c, r))
        return;
    faults *f = control_faults(c);
    size_t len;
    const char *body = srv_req_body(r, &len);
    cJSON *j = json_parse_body(body, len);
    char err[400];
    unsigned long first;
    size_t n;
    if (!j || !(cJSON_IsObject(j) || cJSON_IsArray(j)))
        srv_resp_error(r, 400, "The body must be a JSON rule object or an array of rules.");
    else if (!faults_add_parsed(f, j, &first, &n, err, sizeof err))
        srv_resp_error(r, 400, err);
    else
        describe_added(r, f, cJSON_IsArray(j), first, n);
    cJSON_Delete(j);
}

void control_faults_list(srv_req *r, void *ctx)
{
    control *c = ctx;
    if (!control_authorised(c, r))
        return;
    buf *b = srv_resp_body(r);
    buf_puts(b, "{\"faults\":[");
    faults_describe_all(control_faults(c), control_test_id(r), b);
    buf_puts(b, "]}");
}

void control_faults_get(srv_req *r, void *ctx)
{
    control *c = ctx;
    unsigned long id;
    if (control_authorised(c, r) && parse_id(r, &id) && !faults_describe(control_faults(c), id, srv_resp_body(r)))
        srv_resp_error(r, 404, "No fault rule with that id.");
}

void control_faults_delete(srv_req *r, void *ctx)
{
    control *c = ctx;
    unsigned long id;
    if (!control_authorised(c, r) || !parse_id(r, &id))
        return;
    if (faults_remove(control_faults(c), id))
        srv_resp_status(r, 204);
    else
        srv_resp_error(r, 404, "No fault rule with that id.");
}

void control_faults_clear(srv_req *r, void *ctx)
{
    control *c = ctx;
    if (!control_authorised(c, r))
        return;
    faults_clear(control_faults(c), control_test_id(r));
    srv_resp_status(r, 204);
}
