/* Bearer-key auth and the {"detail": ...} error body of the LlamaCloud API. */
#include <string.h>
#include <strings.h>

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
    const char *h = srv_req_header(r, "authorization");
    const char *key = h && strncasecmp(h, "Bearer ", 7) == 0 ? h + 7 : NULL;
    while (key && *key == ' ')
        key++;
    if (!key || !*key) {
        lp_detail(r, 401, "Invalid authentication credentials: send Authorization: Bearer <API key>.");
        return false;
    }
    for (size_t i = 0; c->api_keys && i < c->api_keys->n; i++) {
        if (strcmp(c->api_keys->items[i], key) == 0)
            return true;
    }
    if (c->api_keys && c->api_keys->n) {
        lp_detail(r, 401, "Invalid API key.");
        return false;
    }
    return true;
}
