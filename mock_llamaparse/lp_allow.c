#include "lp_allow.h"

#include <curl/curl.h>
#include <fnmatch.h>
#include <stdio.h>

bool lp_allow_host(const cli_list *allow, const char *url, const char *flag, char *why, size_t n)
{
    if (!allow || allow->n == 0)
        return true;
    CURLU *u = curl_url();
    char *host = NULL;
    bool ok = false;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        for (size_t i = 0; i < allow->n && !ok; i++)
            ok = fnmatch(allow->items[i], host, FNM_CASEFOLD) == 0;
    }
    if (!ok)
        snprintf(why, n, "host %s is not in %s", host ? host : "(unreadable)", flag);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}
