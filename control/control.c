/* The control plane's own state: the token, and what reset clears. */
#include "control.h"

#include <stdlib.h>
#include <string.h>

typedef struct reset_hook {
    control_reset_fn fn;
    void *ctx;
} reset_hook;

/* Set up before serving, read-only after: no lock needed. */
struct control {
    const char *token;
    faults *f;
    journal *j;
    reset_hook *resets;
    size_t nresets;
};

control *control_new(const char *token, faults *f, journal *j)
{
    control *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->token = token && *token ? token : NULL;
    c->f = f;
    c->j = j;
    return c;
}

void control_free(control *c)
{
    if (!c)
        return;
    free(c->resets);
    free(c);
}

faults *control_faults(const control *c)
{
    return c->f;
}

journal *control_journal(const control *c)
{
    return c->j;
}

bool control_authorised(control *c, srv_req *r)
{
    if (!c->token)
        return true;
    size_t len = 0;
    const char *t = srv_req_header(r, "x-control-token");
    if (t)
        len = strlen(t);
    else
        t = srv_req_bearer(r, &len);
    if (t && len == strlen(c->token) && memcmp(t, c->token, len) == 0)
        return true;
    srv_resp_error(r, 401, "The control API needs the control token (Authorization: Bearer TOKEN or x-control-token).");
    return false;
}

bool control_on_reset(control *c, control_reset_fn fn, void *ctx)
{
    reset_hook *grown = realloc(c->resets, (c->nresets + 1) * sizeof *grown);
    if (!grown)
        return false;
    c->resets = grown;
    c->resets[c->nresets++] = (reset_hook){fn, ctx};
    return true;
}

void control_reset(control *c, const char *test_id)
{
    faults_clear(c->f, test_id);
    if (c->j)
        journal_clear(c->j, test_id);
    for (size_t i = 0; i < c->nresets; i++)
        c->resets[i].fn(c->resets[i].ctx, test_id);
}

const char *control_test_id(const srv_req *r)
{
    const char *t = srv_req_query(r, "test_id");
    return t && *t ? t : NULL;
}

static void reset(srv_req *r, void *ctx)
{
    control *c = ctx;
    if (!control_authorised(c, r))
        return;
    control_reset(c, control_test_id(r));
    srv_resp_status(r, 204);
}

void control_routes(control *c, srv_routes *t)
{
    const srv_route routes[] = {
        {"POST", "/__control/faults", control_faults_add, c, NULL, SRV_ROUTE_CONTROL},
        {"GET", "/__control/faults", control_faults_list, c, NULL, SRV_ROUTE_CONTROL},
        {"DELETE", "/__control/faults", control_faults_clear, c, NULL, SRV_ROUTE_CONTROL},
        {"GET", "/__control/faults/{id}", control_faults_get, c, NULL, SRV_ROUTE_CONTROL},
        {"DELETE", "/__control/faults/{id}", control_faults_delete, c, NULL, SRV_ROUTE_CONTROL},
        {"POST", "/__control/reset", reset, c, NULL, SRV_ROUTE_CONTROL},
    };
    const srv_route journal_routes[] = {
        {"GET", "/__control/requests", control_journal_list, c, NULL, SRV_ROUTE_CONTROL},
        {"DELETE", "/__control/requests", control_journal_clear, c, NULL, SRV_ROUTE_CONTROL},
        {"GET", "/__control/report", control_report, c, NULL, SRV_ROUTE_CONTROL},
    };
    SRV_ROUTES_ADD_ALL(t, routes);
    if (c->j)
        SRV_ROUTES_ADD_ALL(t, journal_routes);
}
