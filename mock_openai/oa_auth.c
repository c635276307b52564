/* Bearer-key authentication with the real API's two 401 messages. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "oa_error.h"
#include "oa_handlers.h"

static const char no_key_msg[] =
    "You didn't provide an API key. You need to provide your API key in an Authorization header using "
    "Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if "
    "you're accessing the API from your browser and are prompted for a username. You can obtain an API key "
    "from https://platform.openai.com/account/api-keys.";

/* The key from "Authorization: Bearer KEY", or NULL if there is none. */
static const char *bearer_key(srv_req *r, size_t *len)
{
    const char *h = srv_req_header(r, "authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    *len = strcspn(h, " ");
    return *len ? h : NULL;
}

/* The real API shows a key's start and end only: sk-abc***xyz. */
static void mask_key(const char *key, size_t len, char *out, size_t cap)
{
    if (len >= 10)
        snprintf(out, cap, "%.6s***%.3s", key, key + len - 3);
    else
        snprintf(out, cap, "%.*s***", (int)(len / 3), key);
}

static bool key_allowed(const oa_ctx *c, const char *key, size_t len)
{
    if (!c->api_keys || c->api_keys->n == 0)
        return true;
    for (size_t i = 0; i < c->api_keys->n; i++) {
        if (strlen(c->api_keys->items[i]) == len && memcmp(c->api_keys->items[i], key, len) == 0)
            return true;
    }
    return false;
}

bool oa_auth_check(srv_req *r, const oa_ctx *c)
{
    size_t len = 0;
    const char *key = bearer_key(r, &len);
    if (!key && c->allow_missing_key && !srv_req_header(r, "authorization"))
        return true;
    if (!key) {
        oa_error(r, 401, no_key_msg, "invalid_request_error", NULL, NULL);
        return false;
    }
    if (key_allowed(c, key, len))
        return true;
    char masked[32], msg[200];
    mask_key(key, len, masked, sizeof masked);
    snprintf(msg, sizeof msg,
             "Incorrect API key provided: %s. You can find your API key at "
             "https://platform.openai.com/account/api-keys.",
             masked);
    oa_error(r, 401, msg, "invalid_request_error", NULL, "invalid_api_key");
    return false;
}
