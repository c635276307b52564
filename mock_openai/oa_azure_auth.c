/* Azure's authentication: a key in the "api-key" header, or a bearer token
 * (Entra ID, or a key) in Authorization; Azure's own 401s. */
#include <string.h>

#include "oa_azure.h"
#include "oa_handlers.h"

static const char denied_msg[] =
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an "
    "active subscription and use a correct regional API endpoint for your resource.";

/* The api-key header's value without surrounding blanks, as the bearer
 * reading trims its token, so "k" and " k " are one key. */
static const char *api_key_header(const srv_req *r, size_t *len)
{
    const char *h = srv_req_header(r, "api-key");
    *len = 0;
    if (!h)
        return NULL;
    h += strspn(h, " \t");
    *len = strcspn(h, " \t");
    return *len ? h : NULL;
}

/* A bearer token Azure does not accept gets Entra ID's answer, in its own
 * envelope (statusCode and message, no "error" object). */
static void token_refused(srv_req *r)
{
    buf *b = srv_resp_restart(r, 401);
    buf_puts(b, "{\"statusCode\":401,\"message\":\"Unauthorized. Access token is missing, invalid, audience is "
                "incorrect (https://cognitiveservices.azure.com), or have expired.\"}");
}

/* The one reading of the caller's key: authentication and the rate
 * limiter's buckets both use it, so a key is the same key either way.
 * Only Azure's paths read api-key; OpenAI's know the bearer alone. */
const char *oa_req_key(const srv_req *r, size_t *len)
{
    const char *k = oa_azure_request(r) ? api_key_header(r, len) : NULL;
    return k ? k : srv_req_bearer(r, len);
}

bool oa_azure_auth_check(srv_req *r, const oa_ctx *c)
{
    size_t len = 0;
    const char *key = oa_req_key(r, &len);
    bool sent_any = srv_req_header(r, "authorization") || srv_req_header(r, "api-key");
    if (!key && c->allow_missing_key && !sent_any)
        return true;
    if (key && (!c->api_keys || c->api_keys->n == 0 || cli_list_has(c->api_keys, key, len)))
        return true;
    if (key && !api_key_header(r, &len))
        token_refused(r);
    else /* Azure says the same for no key and a wrong one */
        oa_azure_error(r, 401, "401", denied_msg);
    return false;
}
