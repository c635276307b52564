/* The headers Azure's gateway puts on its answers. */
#include <stdio.h>
#include <string.h>

#include "oa_azure.h"

/* apim-request-id is a UUID; the request id's 32 hex digits make one, so
 * the journal's id and this header name the same request. */
static void request_uuid(const srv_req *r, char out[37])
{
    const char *id = srv_req_id(r);
    const char *hex = id && strlen(id) >= 36 ? id + 4 : "00000000000000000000000000000000";
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

void oa_azure_headers(srv_req *r)
{
    char uuid[37], ms[32];
    request_uuid(r, uuid);
    srv_resp_header(r, "apim-request-id", uuid);
    srv_resp_header(r, "x-ms-region", "East US");
    srv_resp_header(r, "x-content-type-options", "nosniff");
    srv_resp_header(r, "strict-transport-security", "max-age=31536000; includeSubDomains; preload");
    snprintf(ms, sizeof ms, "%.0f", srv_req_elapsed_ms(r));
    srv_resp_header(r, "x-envoy-upstream-service-time", ms);
    /* Azure echoes the caller's correlation id, so logs on both sides meet. */
    const char *client = srv_req_header(r, "x-ms-client-request-id");
    if (client)
        srv_resp_header(r, "x-ms-client-request-id", client);
    const char *d = srv_req_param(r, "deployment");
    if (d && srv_resp_get_status(r) < 400)
        srv_resp_header(r, "x-ms-deployment-name", d);
    if (srv_resp_get_status(r) < 400 && strstr(srv_req_path(r), "/chat/completions"))
        srv_resp_header(r, "x-ms-rai-invoked", "true");
}
