/* mock_llamaparse: a fake LlamaParse API. Until its own issue lands it serves
 * the old mock's /health contract and the shared fault control API. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "faults.h"

#define LP_NROUTES 2

static void health(srv_req *r, void *ctx)
{
    (void)ctx;
    char ts[32];
    app_iso_time(ts);
    buf *b = srv_resp_body(r);
    buf_printf(b, "{\"status\":\"healthy\",\"service\":\"mock-llamaparse\",\"timestamp\":\"%s\",\"version\":\"%s\"}",
               ts, MOCKWORKS_VERSION);
}

/* LlamaParse (FastAPI) errors are {"detail": "..."}. */
static void lp_error(srv_req *r, int status, const char *message)
{
    (void)status;
    buf *b = srv_resp_body(r);
    buf_puts(b, "{\"detail\":");
    buf_json_str(b, message, strlen(message));
    buf_puts(b, "}");
}

static int serve(app_common *c, faults *f, journal *j, metrics *m)
{
    srv_route routes[LP_NROUTES + FAULTS_NROUTES] = {
        {"GET", "/health", health, NULL},
        {"GET", "/metrics", srv_metrics_handler, m},
    };
    size_t n = LP_NROUTES + faults_control_routes(f, routes + LP_NROUTES, FAULTS_NROUTES);
    srv_config cfg = {.service = "mock-llamaparse", .routes = routes, .nroutes = n, .on_error = lp_error,
                      .pre_dispatch = faults_pre_dispatch, .pre_ctx = f, .journal = j, .metrics = m};
    return app_configure(c, &cfg) ? app_run(c, &cfg) : 2;
}

int main(int argc, char **argv)
{
    app_common c = APP_COMMON_DEFAULTS(8001);
    const cli_opt opts[] = {APP_COMMON_OPTS(c)};
    const cli_about about = {"mock_llamaparse", MOCKWORKS_VERSION, "a fake LlamaParse API for tests"};
    cli_result parsed = cli_parse(opts, sizeof opts / sizeof opts[0], argc, argv, &about);
    if (parsed != CLI_OK)
        return parsed == CLI_EXIT ? 0 : 2;
    char err[512];
    faults *f = faults_from_config(c.faults_file, c.control_token, err, sizeof err);
    if (!f) {
        fprintf(stderr, "mock_llamaparse: %s\n", err);
        return 2;
    }
    journal *j = journal_new((size_t)c.journal_size);
    metrics *m = metrics_new();
    int rc = 1;
    if (!j || !m || !faults_attach_journal(f, j))
        fprintf(stderr, "mock_llamaparse: out of memory\n");
    else
        rc = serve(&c, f, j, m);
    journal_free(j);
    metrics_free(m);
    faults_free(f);
    return rc;
}
