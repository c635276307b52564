/* The headers the real API puts on every response, and GET /health. */
#include <stdio.h>
#include <sys/time.h>

#include "oa_handlers.h"

void oa_add_headers(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    char v[32];
    snprintf(v, sizeof v, "%.0f", srv_req_elapsed_ms(r));
    srv_resp_header(r, "openai-processing-ms", v);
    srv_resp_header(r, "openai-version", "2020-10-01");
    srv_resp_header(r, "openai-organization", "mockworks");
    snprintf(v, sizeof v, "%ld", c->rpm);
    srv_resp_header(r, "x-ratelimit-limit-requests", v);
    srv_resp_header(r, "x-ratelimit-remaining-requests", v);
    snprintf(v, sizeof v, "%ld", c->tpm);
    srv_resp_header(r, "x-ratelimit-limit-tokens", v);
    srv_resp_header(r, "x-ratelimit-remaining-tokens", v);
    srv_resp_header(r, "x-ratelimit-reset-requests", "0s");
    srv_resp_header(r, "x-ratelimit-reset-tokens", "0s");
}

/* The old mock's contract: a float epoch timestamp. */
void oa_handle_health(srv_req *r, void *ctx)
{
    (void)ctx;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    buf_printf(srv_resp_body(r), "{\"status\":\"healthy\",\"service\":\"mock-openai\",\"timestamp\":%ld.%06ld,\"version\":\"%s\"}",
               (long)tv.tv_sec, (long)tv.tv_usec, MOCKWORKS_VERSION);
}
