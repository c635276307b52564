/* GET /api/v2/parse/versions: the parser versions per tier (the newest
 * few of those @llamaindex/llama-cloud 2.16 lists), and the check that a
 * job's "version" is "latest" or one of its tier's. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_v2.h"

static const struct {
    const char *tier;
    const char *const versions[6];
} table[] = {
    {"fast", {"2026-09-07", "2026-08-19", "2026-06-15", "2026-03-31", "2025-12-11", NULL}},
    {"cost_effective", {"2026-09-07", "2026-08-19", "2026-08-11", "2026-06-15", "2026-03-31", NULL}},
    {"agentic", {"2026-09-07", "2026-08-19", "2026-07-24", "2026-06-15", "2026-03-31", NULL}},
    {"agentic_plus", {"2026-09-07", "2026-08-19", "2026-07-08", "2026-06-15", "2026-03-31", NULL}},
};

#define NTIERS (sizeof table / sizeof table[0])

bool lp_v2_version_ok(const char *tier, const char *version)
{
    if (!strcmp(version, "latest"))
        return true;
    for (size_t i = 0; i < NTIERS; i++) {
        for (size_t k = 0; !strcmp(table[i].tier, tier) && table[i].versions[k]; k++) {
            if (!strcmp(table[i].versions[k], version))
                return true;
        }
    }
    return false;
}

void lp_v2_versions(srv_req *r, void *ctx)
{
    if (!lp_auth_check(r, ctx))
        return;
    buf *b = srv_resp_body(r);
    buf_puts(b, "{");
    for (size_t i = 0; i < NTIERS; i++) {
        buf_printf(b, "%s\"%s\":[", i ? "," : "", table[i].tier);
        for (size_t k = 0; table[i].versions[k]; k++)
            buf_printf(b, "%s\"%s\"", k ? "," : "", table[i].versions[k]);
        buf_puts(b, "]");
    }
    buf_puts(b, "}");
}

bool lp_v2_user_metadata(srv_req *r, const cJSON *v, char **out)
{
    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return true;
    bool ok = cJSON_IsObject(v);
    for (const cJSON *e = ok ? v->child : NULL; e && ok; e = e->next)
        ok = cJSON_IsString(e);
    if (!ok) {
        lp_unprocessable(r, "body", "user_metadata", "dict_type",
                         "Input should be a valid dictionary with string values", NULL);
        return false;
    }
    if (!(*out = cJSON_PrintUnformatted(v)))
        lp_detail(r, 500, "Out of memory.");
    return *out != NULL;
}
