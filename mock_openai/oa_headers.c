/* The headers the real API puts on every response, and GET /health. */
#include <stdio.h>
#include <sys/time.h>

#include "oa_azure.h"
#include "oa_handlers.h"
#include "oa_ratelimit.h"

void oa_add_headers(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (oa_azure_request(r)) { /* Azure's gateway sends its own, and the rate limits */
        oa_azure_headers(r);
        oa_ratelimit_headers(c->rl, r);
        return;
    }
    char v[32];
    snprintf(v, sizeof v, "%.0f", srv_req_elapsed_ms(r));
    srv_resp_header(r, "openai-processing-ms", v);
    srv_resp_header(r, "openai-version", "2020-10-01");
    srv_resp_header(r, "openai-organization", "mockworks");
    oa_ratelimit_headers(c->rl, r);
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
