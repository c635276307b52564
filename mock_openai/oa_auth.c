/* Bearer-key authentication with the real API's two 401 messages. */
#include <stdio.h>
#include <string.h>

#include "oa_azure.h"
#include "oa_error.h"
#include "oa_handlers.h"

static const char no_key_msg[] =
    "You didn't provide an API key. You need to provide your API key in an Authorization header using "
    "Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if "
    "you're accessing the API from your browser and are prompted for a username. You can obtain an API key "
    "from https://platform.openai.com/account/api-keys.";

bool oa_auth_check(srv_req *r, const oa_ctx *c)
{
    if (oa_azure_request(r)) /* Azure's key header and its 401 */
        return oa_azure_auth_check(r, c);
    size_t len = 0;
    const char *key = oa_req_key(r, &len); /* the bearer, as the rate limiter reads it */
    if (!key && c->allow_missing_key && !srv_req_header(r, "authorization"))
        return true;
    if (!key) {
        oa_error(r, 401, no_key_msg, "invalid_request_error", NULL, NULL);
        return false;
    }
    if (!c->api_keys || c->api_keys->n == 0 || cli_list_has(c->api_keys, key, len))
        return true;
    char masked[32], msg[200];
    srv_mask_key(key, len, masked, sizeof masked);
    snprintf(msg, sizeof msg,
             "Incorrect API key provided: %s. You can find your API key at "
             "https://platform.openai.com/account/api-keys.",
             masked);
    oa_error(r, 401, msg, "invalid_request_error", NULL, "invalid_api_key");
    return false;
}
