/* webhook_configurations: checked when a job is submitted (v1 form field
 * as a JSON string, v2 in the configuration or body), kept as JSON text. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "lp_ctx.h"

static const char *const events[] = {"parse.pending", "parse.running", "parse.success", "parse.error",
                                     "parse.partial_success", "parse.cancelled"};

/* Each entry gets its own delivery: a job must not fan out without bound. */
#define MAX_CONFIGS 20

/* Headers that frame the request: set by a caller, they would break the
 * receiver's reading of it (or send it elsewhere). */
static bool framing(const char *name)
{
    static const char *const names[] = {"content-length", "transfer-encoding", "host", "connection",
                                        "te", "trailer", "upgrade", "expect"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(name, names[i]) == 0)
            return true;
    }
    return false;
}

static bool known_event(const cJSON *e)
{
    for (size_t i = 0; cJSON_IsString(e) && i < sizeof events / sizeof events[0]; i++) {
        if (strcmp(e->valuestring, events[i]) == 0)
            return true;
    }
    return false;
}

static bool check_one(const cJSON *c, char *err, size_t n)
{
    const cJSON *url = cJSON_GetObjectItemCaseSensitive(c, "webhook_url");
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(c, "webhook_events");
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(c, "webhook_output_format");
    const cJSON *hdr = cJSON_GetObjectItemCaseSensitive(c, "webhook_headers");
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(c, "webhook_signing_secret");
    if (!cJSON_IsObject(c) || !cJSON_IsString(url) || !lp_url_valid(url->valuestring))
        return snprintf(err, n, "each entry needs webhook_url, an http or https URL"), false;
    for (const cJSON *e = cJSON_IsArray(ev) ? ev->child : NULL; e; e = e->next) {
        if (!known_event(e))
            return snprintf(err, n, "unknown webhook event; use parse.pending, parse.running, parse.success, "
                                    "parse.error, parse.partial_success or parse.cancelled"), false;
    }
    if (ev && !cJSON_IsNull(ev) && !cJSON_IsArray(ev))
        return snprintf(err, n, "webhook_events must be a list"), false;
    if (fmt && !cJSON_IsNull(fmt) && !(cJSON_IsString(fmt) && (!strcmp(fmt->valuestring, "string") || !strcmp(fmt->valuestring, "json"))))
        return snprintf(err, n, "webhook_output_format must be string or json"), false;
    for (const cJSON *h = cJSON_IsObject(hdr) ? hdr->child : NULL; h; h = h->next) {
        if (!cJSON_IsString(h) || !h->string[0] || strpbrk(h->string, "\r\n: \t") || strpbrk(h->valuestring, "\r\n"))
            return snprintf(err, n, "webhook_headers must map header names to plain strings"), false;
        if (framing(h->string))
            return snprintf(err, n, "webhook_headers may not set %.40s: it frames the request", h->string), false;
    }
    if (hdr && !cJSON_IsNull(hdr) && !cJSON_IsObject(hdr))
        return snprintf(err, n, "webhook_headers must be an object"), false;
    if (sec && !cJSON_IsNull(sec) && !cJSON_IsString(sec))
        return snprintf(err, n, "webhook_signing_secret must be a string"), false;
    return true;
}

char *lp_hook_configs(const char *json, char *err, size_t n)
{
    cJSON *j = json_parse_body(json, strlen(json));
    bool ok = cJSON_IsArray(j);
    if (!ok)
        snprintf(err, n, "webhook_configurations must be a JSON list of objects");
    if (ok && cJSON_GetArraySize(j) > MAX_CONFIGS) {
        snprintf(err, n, "webhook_configurations may hold at most %d entries", MAX_CONFIGS);
        ok = false;
    }
    for (const cJSON *c = ok ? j->child : NULL; ok && c; c = c->next)
        ok = check_one(c, err, n);
    char *text = ok ? cJSON_PrintUnformatted(j) : NULL;
    if (ok && !text)
        snprintf(err, n, "out of memory");
    cJSON_Delete(j);
    return text;
}
