/* GET/POST /__control/ratelimit: read or change the simulated limits. */
#include <cJSON.h>
#include <math.h>

#include "json.h"
#include "control.h"
#include "oa_handlers.h"
#include "oa_ratelimit.h"

static void write_settings(srv_req *r, oa_ratelimit *rl)
{
    long rpm, tpm;
    bool quota;
    oa_ratelimit_get(rl, &rpm, &tpm, &quota);
    buf_printf(srv_resp_body(r), "{\"rpm\":%ld,\"tpm\":%ld,\"quota_exhausted\":%s}", rpm, tpm,
               quota ? "true" : "false");
}

static bool read_limit(const cJSON *j, const char *name, long *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    if (!v)
        return true;
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e12 || v->valuedouble != floor(v->valuedouble))
        return false;
    *out = (long)v->valuedouble;
    return true;
}

void oa_handle_ratelimit_get(srv_req *r, void *ctx)
{
    oa_ctx *c = ctx;
    if (control_authorised(c->ctl, r))
        write_settings(r, c->rl);
}

void oa_handle_ratelimit_set(srv_req *r, void *ctx)
{
    oa_ctx *c = ctx;
    if (!control_authorised(c->ctl, r))
        return;
    size_t len;
    const char *body = srv_req_body(r, &len);
    cJSON *j = json_parse_body(body, len);
    long rpm, tpm;
    bool quota;
    oa_ratelimit_get(c->rl, &rpm, &tpm, &quota);
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(j, "quota_exhausted");
    if (!cJSON_IsObject(j)) {
        srv_resp_error(r, 400, "The body must be a JSON object: {\"rpm\":N,\"tpm\":N,\"quota_exhausted\":bool}.");
    } else if (!read_limit(j, "rpm", &rpm) || !read_limit(j, "tpm", &tpm)) {
        srv_resp_error(r, 400, "Invalid 'rpm' or 'tpm': expected a whole number >= 0 (0 = not enforced).");
    } else if (q && !cJSON_IsBool(q)) {
        srv_resp_error(r, 400, "Invalid 'quota_exhausted': expected true or false.");
    } else {
        oa_ratelimit_set(c->rl, rpm, tpm, q ? cJSON_IsTrue(q) : quota);
        write_settings(r, c->rl);
    }
    cJSON_Delete(j);
}
