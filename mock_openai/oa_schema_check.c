/* A conservative instance check, for oneOf: the generator must produce a
 * value that matches exactly one branch, so it asks whether the value
 * definitely breaks each other branch. "Definitely" means a keyword this
 * file reads says no (type, const, enum, bounds, lengths, required,
 * properties, additionalProperties: false, items); keywords it does not
 * read never count as a violation, so an overlap is never missed. */
#include <math.h>
#include <string.h>

#include "oa_schema_int.h"

#define CHECK_MAX_DEPTH 32
/* Schemas one check may look at (branches of branches multiply); past it
 * the answer is "maybe valid", the safe side. */
#define CHECK_WORK 2000

typedef struct chk {
    const cJSON *root;
    int work;
} chk;

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static unsigned kind_of(const cJSON *v)
{
    if (cJSON_IsNull(v))
        return SG_T_NULL;
    if (cJSON_IsBool(v))
        return SG_T_BOOL;
    if (cJSON_IsNumber(v))
        return v->valuedouble == floor(v->valuedouble) ? SG_T_INT | SG_T_NUM : SG_T_NUM;
    if (cJSON_IsString(v))
        return SG_T_STR;
    return cJSON_IsArray(v) ? SG_T_ARR : SG_T_OBJ;
}

static bool in_enum(const cJSON *v, const cJSON *en)
{
    for (const cJSON *x = en->child; x; x = x->next)
        if (cJSON_Compare(v, x, true))
            return true;
    return false;
}

static bool number_breaks(const cJSON *s, double v)
{
    const cJSON *min = get(s, "minimum"), *max = get(s, "maximum");
    const cJSON *xmin = get(s, "exclusiveMinimum"), *xmax = get(s, "exclusiveMaximum");
    return (cJSON_IsNumber(min) && v < min->valuedouble) || (cJSON_IsNumber(max) && v > max->valuedouble) ||
           (cJSON_IsNumber(xmin) && v <= xmin->valuedouble) || (cJSON_IsNumber(xmax) && v >= xmax->valuedouble);
}

static bool string_breaks(const cJSON *s, const char *v)
{
    const cJSON *minl = get(s, "minLength"), *maxl = get(s, "maxLength");
    size_t n = sg_utf8_len(v, strlen(v));
    return (cJSON_IsNumber(minl) && (double)n < minl->valuedouble) || (cJSON_IsNumber(maxl) && (double)n > maxl->valuedouble);
}

static bool breaks(chk *c, const cJSON *schema, const cJSON *v, int depth);

static bool object_breaks(chk *c, const cJSON *s, const cJSON *v, int depth)
{
    const cJSON *props = get(s, "properties"), *req = get(s, "required");
    for (const cJSON *r = cJSON_IsArray(req) ? req->child : NULL; r; r = r->next)
        if (cJSON_IsString(r) && !get(v, r->valuestring))
            return true;
    for (const cJSON *k = v->child; k; k = k->next) {
        const cJSON *p = get(props, k->string);
        if (!p && cJSON_IsFalse(get(s, "additionalProperties")) && !get(s, "patternProperties"))
            return true;
        if (p && breaks(c, p, k, depth + 1))
            return true;
    }
    return false;
}

static bool array_breaks(chk *c, const cJSON *s, const cJSON *v, int depth)
{
    const cJSON *minv = get(s, "minItems"), *maxv = get(s, "maxItems"), *items = get(s, "items");
    double n = cJSON_GetArraySize(v);
    if ((cJSON_IsNumber(minv) && n < minv->valuedouble) || (cJSON_IsNumber(maxv) && n > maxv->valuedouble))
        return true;
    if (!cJSON_IsObject(items) || get(s, "prefixItems"))
        return false;
    for (const cJSON *x = v->child; x; x = x->next)
        if (breaks(c, items, x, depth + 1))
            return true;
    return false;
}

static bool any_branch_holds(chk *c, const cJSON *alts, const cJSON *v, int depth)
{
    for (const cJSON *a = alts->child; a; a = a->next)
        if (!breaks(c, a, v, depth + 1))
            return true;
    return false;
}

static bool flat_breaks(chk *ck, const cJSON *f, const cJSON *v, int depth)
{
    const cJSON *c = get(f, "const"), *en = get(f, "enum"), *t = get(f, "type");
    const cJSON *any = get(f, "anyOf"), *one = get(f, "oneOf");
    if ((c && !cJSON_Compare(c, v, true)) || (cJSON_IsArray(en) && !in_enum(v, en)))
        return true;
    if (t && !(sg_types(f) & kind_of(v)))
        return true;
    if ((cJSON_IsArray(any) && any->child && !any_branch_holds(ck, any, v, depth)) ||
        (cJSON_IsArray(one) && one->child && !any_branch_holds(ck, one, v, depth)))
        return true;
    if (cJSON_IsNumber(v))
        return number_breaks(f, v->valuedouble);
    if (cJSON_IsString(v))
        return string_breaks(f, v->valuestring);
    if (cJSON_IsObject(v))
        return object_breaks(ck, f, v, depth);
    return cJSON_IsArray(v) && array_breaks(ck, f, v, depth);
}

static bool breaks(chk *c, const cJSON *schema, const cJSON *v, int depth)
{
    if (depth > CHECK_MAX_DEPTH || c->work-- <= 0)
        return false;
    cJSON *f = sg_flat(c->root, schema);
    bool b = f && flat_breaks(c, f, v, depth);
    cJSON_Delete(f);
    return b;
}

bool sg_breaks(const cJSON *root, const cJSON *schema, const cJSON *v)
{
    chk c = {root, CHECK_WORK};
    return breaks(&c, schema, v, 0);
}
