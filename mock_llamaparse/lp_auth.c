/* Bearer-key auth and the {"detail": ...} error body of the LlamaCloud API. */
#include <string.h>

#include "lp_ctx.h"

void lp_detail(srv_req *r, int status, const char *detail)
{
    buf *b = srv_resp_restart(r, status);
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

void lp_unprocessable(srv_req *r, const char *where, const char *field, const char *type, const char *msg,
                      const char *input)
{
    buf *b = srv_resp_restart(r, 422);
    buf_printf(b, "{\"detail\":[{\"type\":\"%s\",\"loc\":[\"%s\",", type, where);
    buf_json_str(b, field, strlen(field));
    buf_puts(b, "],\"msg\":");
    buf_json_str(b, msg, strlen(msg));
    buf_puts(b, ",\"input\":");
    if (input)
        buf_json_str(b, input, strlen(input));
    else
        buf_puts(b, "null");
    buf_puts(b, "}]}");
}

bool lp_is_uuid(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    size_t n = strlen(s);
    /* FastAPI's UUID also takes the 32 hex digits without dashes. */
    bool dashed = n == sizeof shape - 1;
    if (!dashed && n != 32)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool dash = dashed && shape[i] == '-';
        if (dash ? s[i] != '-' : !strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
            return false;
    }
    return true;
}

bool lp_scope_check(srv_req *r)
{
    static const char *const names[] = {"project_id", "organization_id"};
    for (size_t i = 0; i < 2; i++) {
        const char *v = srv_req_query(r, names[i]);
        if (v && *v && !lp_is_uuid(v)) {
            lp_unprocessable(r, "query", names[i], "uuid_parsing",
                             "Input should be a valid UUID, invalid character: expected an optional prefix of "
                             "`urn:uuid:` followed by [0-9a-fA-F-]", v);
            return false;
        }
    }
    return true;
}
