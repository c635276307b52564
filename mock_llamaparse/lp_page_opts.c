/* A request's page options, checked: v1's form fields (target_pages from
 * 0, max_pages, page_separator, page_prefix, page_suffix) or v2's
 * page_ranges object (target_pages from 1, max_pages). A bad value is
 * FastAPI's 422 at its own place. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "lp_ctx.h"
#include "lp_pages_select.h"

static bool canon(srv_req *r, const char *loc, const char *spec, int base, char **out)
{
    char why[160];
    if (!spec || lp_pages_canon(spec, base, out, why, sizeof why))
        return true;
    char msg[200];
    snprintf(msg, sizeof msg, "Value error, %s", why);
    lp_unprocessable(r, "body", loc, "value_error", msg, spec);
    return false;
}

bool lp_page_opts_v1(srv_req *r, const lp_page_fields *f, lp_page_opts *o, char **target)
{
    *target = NULL;
    *o = (lp_page_opts){f->separator, f->prefix, f->suffix, NULL, f->max_pages ? strtol(f->max_pages, NULL, 10) : 0};
    if (!canon(r, "target_pages", f->target && *f->target ? f->target : NULL, 0, target))
        return false;
    o->target = *target;
    return true;
}

bool lp_page_opts_v2(srv_req *r, const cJSON *ranges, lp_page_opts *o, char **target)
{
    *target = NULL;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(ranges, "target_pages");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(ranges, "max_pages");
    if (ranges && !cJSON_IsObject(ranges) && !cJSON_IsNull(ranges)) {
        lp_unprocessable(r, "body", "page_ranges", "model_attributes_type", "Input should be a valid dictionary or object", NULL);
        return false;
    }
    if (t && !cJSON_IsNull(t) && !cJSON_IsString(t)) {
        lp_unprocessable(r, "body", "target_pages", "string_type", "Input should be a valid string", NULL);
        return false;
    }
    if (m && !cJSON_IsNull(m) && (!cJSON_IsNumber(m) || m->valuedouble < 1 || m->valuedouble != (double)(long)m->valuedouble)) {
        lp_unprocessable(r, "body", "max_pages", "greater_than_equal", "Input should be a whole number greater than or equal to 1",
                         NULL);
        return false;
    }
    o->max_pages = cJSON_IsNumber(m) ? (long)m->valuedouble : 0;
    if (!canon(r, "target_pages", cJSON_IsString(t) ? t->valuestring : NULL, 1, target))
        return false;
    o->target = *target;
    if (o->target) /* "target_pages takes precedence" over max_pages */
        o->max_pages = 0;
    return true;
}
