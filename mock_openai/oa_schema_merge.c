/* allOf as one schema: the keywords of two schemas folded into one, the
 * way an instance must meet both (properties and required joined, types
 * and enums intersected, the tighter bound kept). */
#include <string.h>

#include "oa_schema_int.h"
#include "json.h"

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static bool same_value_in(const cJSON *v, const cJSON *list)
{
    for (const cJSON *x = list ? list->child : NULL; x; x = x->next)
        if (cJSON_Compare(v, x, true))
            return true;
    return false;
}

unsigned sg_type_bits(const cJSON *t)
{
    static const char *const names[] = {"null", "boolean", "integer", "number", "string", "array", "object"};
    unsigned bits = 0;
    const cJSON *one = cJSON_IsString(t) ? t : NULL;
    for (const cJSON *x = one ? one : (cJSON_IsArray(t) ? t->child : NULL); x; x = one ? NULL : x->next)
        for (unsigned i = 0; cJSON_IsString(x) && i < 7; i++)
            if (!strcmp(x->valuestring, names[i]))
                bits |= 1u << i;
    return bits;
}

static cJSON *types_json(unsigned bits)
{
    static const char *const names[] = {"null", "boolean", "integer", "number", "string", "array", "object"};
    cJSON *a = cJSON_CreateArray();
    for (unsigned i = 0; a && i < 7; i++)
        if (bits & (1u << i))
            cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
    return a;
}

/* Replace (or add) key in o with v, taking v. */
static bool put(cJSON *o, const char *key, cJSON *v)
{
    if (!v)
        return false;
    if (get(o, key))
        return json_set(o, key, v);
    return cJSON_AddItemToObject(o, key, v);
}

/* Two schemas for one place: {"allOf": [a, b]}. */
static cJSON *both(const cJSON *a, const cJSON *b)
{
    cJSON *s = cJSON_CreateObject(), *all = cJSON_AddArrayToObject(s, "allOf");
    if (!all) {
        cJSON_Delete(s);
        return NULL;
    }
    cJSON_AddItemToArray(all, cJSON_Duplicate(a, true));
    cJSON_AddItemToArray(all, cJSON_Duplicate(b, true));
    return s;
}

static bool merge_properties(cJSON *dst, const cJSON *src)
{
    cJSON *dp = cJSON_GetObjectItemCaseSensitive(dst, "properties");
    if (!cJSON_IsObject(dp))
        return put(dst, "properties", cJSON_Duplicate(src, true));
    for (const cJSON *p = src->child; p; p = p->next) {
        const cJSON *mine = get(dp, p->string);
        if (!put(dp, p->string, mine ? both(mine, p) : cJSON_Duplicate(p, true)))
            return false;
    }
    return true;
}

static bool merge_required(cJSON *dst, const cJSON *src)
{
    cJSON *dr = cJSON_GetObjectItemCaseSensitive(dst, "required");
    if (!cJSON_IsArray(dr))
        return put(dst, "required", cJSON_Duplicate(src, true));
    for (const cJSON *r = src->child; r; r = r->next)
        if (!same_value_in(r, dr) && !cJSON_AddItemToArray(dr, cJSON_Duplicate(r, true)))
            return false;
    return true;
}

static bool merge_enum(cJSON *dst, const cJSON *src)
{
    cJSON *de = cJSON_GetObjectItemCaseSensitive(dst, "enum");
    if (!cJSON_IsArray(de))
        return put(dst, "enum", cJSON_Duplicate(src, true));
    cJSON *keep = cJSON_CreateArray();
    for (const cJSON *v = de->child; keep && v; v = v->next)
        if (same_value_in(v, src))
            cJSON_AddItemToArray(keep, cJSON_Duplicate(v, true));
    if (keep && !keep->child) { /* nothing both allow: the schema has no instance; keep one side */
        cJSON_Delete(keep);
        return true;
    }
    return put(dst, "enum", keep);
}

/* Lower bounds take the larger, upper bounds the smaller. */
static bool merge_bound(cJSON *dst, const char *k, const cJSON *v)
{
    static const char *const lows[] = {"minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"};
    const cJSON *mine = get(dst, k);
    if (!cJSON_IsNumber(mine) || !cJSON_IsNumber(v))
        return put(dst, k, cJSON_Duplicate(v, true));
    bool low = false;
    for (size_t i = 0; i < sizeof lows / sizeof lows[0]; i++)
        low = low || !strcmp(k, lows[i]);
    bool take = low ? v->valuedouble > mine->valuedouble : v->valuedouble < mine->valuedouble;
    return take ? put(dst, k, cJSON_Duplicate(v, true)) : true;
}

static bool is_bound(const char *k)
{
    static const char *const b[] = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
                                    "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        if (!strcmp(k, b[i]))
            return true;
    return false;
}

bool sg_merge(cJSON *dst, const cJSON *src)
{
    for (const cJSON *k = src ? src->child : NULL; k; k = k->next) {
        const char *n = k->string;
        const cJSON *mine = get(dst, n);
        bool ok = true;
        if (!strcmp(n, "properties") && cJSON_IsObject(k))
            ok = merge_properties(dst, k);
        else if (!strcmp(n, "required") && cJSON_IsArray(k))
            ok = merge_required(dst, k);
        else if (!strcmp(n, "enum") && cJSON_IsArray(k))
            ok = merge_enum(dst, k);
        else if (!strcmp(n, "type") && mine) {
            unsigned a = sg_type_bits(mine), b = sg_type_bits(k);
            a |= (a & SG_T_NUM) ? SG_T_INT : 0; /* number and integer meet in integer */
            b |= (b & SG_T_NUM) ? SG_T_INT : 0;
            unsigned t = a & b;
            ok = t ? put(dst, "type", types_json(t)) : true;
        } else if (is_bound(n))
            ok = merge_bound(dst, n, k);
        else if ((!strcmp(n, "items") || !strcmp(n, "additionalProperties")) && cJSON_IsObject(mine) && cJSON_IsObject(k))
            ok = put(dst, n, both(mine, k));
        else if (!strcmp(n, "additionalProperties") && cJSON_IsFalse(k))
            ok = put(dst, n, cJSON_CreateFalse());
        else if (!mine || !strcmp(n, "const"))
            ok = put(dst, n, cJSON_Duplicate(k, true));
        if (!ok)
            return false;
    }
    return true;
}
