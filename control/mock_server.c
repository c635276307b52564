/* The mock_server skeleton: see mock_server.h. */
#include "mock_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OWN_OPTIONS 40

size_t mock_server_options(cli_opt *out, size_t cap, const cli_opt *opts, size_t n)
{
    n = n < cap ? n : cap;
    memcpy(out, opts, n * sizeof *opts);
    return n;
}

static cli_result parse(mock_server *m, int argc, char **argv)
{
    const cli_opt common[] = {APP_COMMON_OPTS(m->c)};
    cli_opt opts[sizeof common / sizeof common[0] + MAX_OWN_OPTIONS];
    size_t n = sizeof common / sizeof common[0];
    memcpy(opts, common, sizeof common);
    n += m->kind->options(m, opts + n, MAX_OWN_OPTIONS);
    const cli_about about = {m->kind->prog, MOCKWORKS_VERSION, m->kind->summary};
    return cli_parse_args(opts, n, argc, argv, &about, m->use_env);
}

/* The fault store: the server's own fields first (rules may use them),
 * the --faults file, then the old environment knobs. */
static int make_faults(mock_server *m, char *err, size_t errlen)
{
    if (!(m->f = faults_new()) || !m->kind->fault_fields(m->f)) {
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    if (m->c.faults_file && *m->c.faults_file && !faults_load_file(m->f, m->c.faults_file, err, errlen))
        return 2;
    if (m->use_env && m->kind->legacy_rules && !m->kind->legacy_rules(m, err, errlen))
        return 2;
    return 0;
}

/* /metrics and the control plane, after the server's own routes. */
static bool common_routes(mock_server *m)
{
    srv_routes_add(&m->routes, (srv_route){"GET", "/metrics", srv_metrics_handler, m->m, NULL, SRV_ROUTE_CONTROL});
    control_routes(m->ctl, &m->routes);
    return srv_routes_ok(&m->routes);
}

static int build(mock_server *m, char *err, size_t errlen)
{
    int rc = make_faults(m, err, errlen);
    if (rc)
        return rc;
    m->j = journal_new((size_t)m->c.journal_size);
    m->m = metrics_new();
    m->ctl = m->j && m->m ? control_new(m->c.control_token, m->f, m->j) : NULL;
    if (!m->ctl) {
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    if ((rc = m->kind->build(m, err, errlen))) {
        if (!*err)
            snprintf(err, errlen, "out of memory");
        return rc;
    }
    if (!common_routes(m)) {
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    const mock_kind *k = m->kind;
    m->cfg = (srv_config){.service = k->service, .routes = m->routes.v, .nroutes = m->routes.n,
                          .on_error = k->on_error, .before_send = k->before_send, .hook_ctx = m,
                          .pre_dispatch = faults_pre_dispatch, .pre_ctx = m->f, .journal = m->j, .metrics = m->m,
                          .max_upload = m->c.max_upload};
    return app_configure(&m->c, &m->cfg, err, errlen) ? 0 : 2;
}

mock_server *mock_server_new(const mock_kind *k, int argc, char **argv, bool use_env, int *exit_code, char *err,
                             size_t errlen)
{
    err[0] = '\0';
    mock_server *m = calloc(1, k->size);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        *exit_code = 1;
        return NULL;
    }
    m->kind = k;
    m->use_env = use_env;
    m->c = (app_common)APP_COMMON_DEFAULTS(k->port);
    k->defaults(m);
    *exit_code = app_parsed(parse(m, argc, argv), &m->c);
    if (*exit_code < 0 && (*exit_code = build(m, err, errlen)) == 0)
        return m;
    mock_server_free(m);
    return NULL;
}

void mock_server_free(mock_server *m)
{
    if (!m)
        return;
    m->kind->free_own(m);
    control_free(m->ctl);
    journal_free(m->j);
    metrics_free(m->m);
    faults_free(m->f);
    srv_routes_free(&m->routes);
    cli_list_free(&m->c.api_keys);
    free(m);
}

int mock_server_main(const mock_kind *k, int argc, char **argv)
{
    app_block_signals();
    app_tune_malloc();
    char err[512];
    int rc;
    mock_server *m = mock_server_new(k, argc, argv, true, &rc, err, sizeof err);
    if (!m) {
        if (*err)
            fprintf(stderr, "%s: %s\n", k->prog, err);
        return rc;
    }
    rc = app_run(&m->c, &m->cfg);
    mock_server_free(m);
    return rc;
}
