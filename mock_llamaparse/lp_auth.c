/* Bearer-key auth and the {"detail": ...} error body of the LlamaCloud API. */
#include <string.h>

#include "lp_ctx.h"

void lp_detail(srv_req *r, int status, const char *detail)
{
    srv_resp_status(r, status);
    buf *b = srv_resp_body(r);
    buf_clear(b);
    buf_puts(b, "{\"detail\":");
    buf_json_str(b, detail, strlen(detail));
    buf_puts(b, "}");
}

bool lp_auth_check(srv_req *r, const lp_ctx *c)
{
    size_t len;
    const char *key = srv_req_bearer(r, &len);
    if (!key) {
        lp_detail(r, 401, "Invalid authentication credentials: send Authorization: Bearer <API key>.");
        return false;
    }
    if (!c->api_keys || c->api_keys->n == 0 || cli_list_has(c->api_keys, key, len))
        return true;
    lp_detail(r, 401, "Invalid API key.");
    return false;
}
