/* mock_llamaparse: a fake LlamaParse API. Until its own issue lands it serves
 * the old mock's /health contract on the shared core. */
#include <stdio.h>
#include <string.h>

#include "app.h"

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

static const srv_route routes[] = {
    {"GET", "/health", health, NULL},
};

int main(int argc, char **argv)
{
    app_common c = APP_COMMON_DEFAULTS(8001);
    const cli_opt opts[] = {APP_COMMON_OPTS(c)};
    const cli_about about = {"mock_llamaparse", MOCKWORKS_VERSION, "a fake LlamaParse API for tests"};
    cli_result rc = cli_parse(opts, sizeof opts / sizeof opts[0], argc, argv, &about);
    if (rc != CLI_OK)
        return rc == CLI_EXIT ? 0 : 2;
    srv_config cfg = {.service = "mock-llamaparse", .routes = routes,
                      .nroutes = sizeof routes / sizeof routes[0], .on_error = lp_error};
    if (!app_configure(&c, &cfg))
        return 2;
    return app_run(&c, &cfg);
}
