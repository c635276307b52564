/* References and merged views of a schema: $ref and allOf folded into one
 * object the generator reads keyword by keyword. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "oa_schema_int.h"

/* A ref chain this long without structure is a cycle ($ref to itself). */
#define REF_CHAIN_MAX 16

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* One JSON pointer token (~1 is '/', ~0 is '~') into tok. */
static size_t pointer_token(const char *p, char *tok, size_t cap)
{
    size_t n = 0, i = 0;
    for (; p[i] && p[i] != '/'; i++) {
        char ch = p[i];
        if (ch == '~' && (p[i + 1] == '0' || p[i + 1] == '1'))
            ch = p[++i] == '0' ? '~' : '/';
        if (n + 1 < cap)
            tok[n++] = ch;
    }
    tok[n] = '\0';
    return i;
}

const cJSON *sg_resolve(const cJSON *root, const char *ref)
{
    if (!ref || ref[0] != '#')
        return NULL;
    const cJSON *at = root;
    const char *p = ref + 1;
    char tok[256];
    while (at && *p == '/') {
        p++;
        p += pointer_token(p, tok, sizeof tok);
        if (cJSON_IsArray(at)) {
            char *end;
            long i = strtol(tok, &end, 10);
            at = *tok && !*end && i >= 0 && i < SG_MAX_COUNT ? cJSON_GetArrayItem(at, (int)i) : NULL;
        } else {
            at = get(at, tok);
        }
    }
    return *p ? NULL : at;
}

long sg_count(const cJSON *v, long dflt)
{
    if (!cJSON_IsNumber(v))
        return dflt;
    if (!(v->valuedouble > 0)) /* negative or NaN */
        return 0;
    return v->valuedouble > SG_MAX_COUNT ? SG_MAX_COUNT : (long)v->valuedouble;
}

static bool same_value_in(const cJSON *v, const cJSON *list)
{
    for (const cJSON *x = list ? list->child : NULL; x; x = x->next)
        if (cJSON_Compare(v, x, true))
            return true;
    return false;
}

/* type keyword as a set; 0 when absent. */
static unsigned type_bits(const cJSON *t)
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
        return cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
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
            unsigned a = type_bits(mine), b = type_bits(k);
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

/* Parts one flattening may fold: allOf lists of references to the root
 * would otherwise multiply. Past it, parts count as {}. */
#define FLAT_WORK 256

static cJSON *flat_chain(const cJSON *root, const cJSON *schema, int chain, int *work)
{
    if (cJSON_IsFalse(schema))
        return cJSON_Parse("{\"not\":{}}");
    if (!cJSON_IsObject(schema) || chain > REF_CHAIN_MAX || (*work)-- <= 0)
        return cJSON_CreateObject();
    const cJSON *ref = get(schema, "$ref"), *all = get(schema, "allOf");
    cJSON *out = cJSON_CreateObject();
    for (const cJSON *k = schema->child; out && k; k = k->next)
        if (strcmp(k->string, "$ref") && strcmp(k->string, "allOf"))
            if (!cJSON_AddItemToObject(out, k->string, cJSON_Duplicate(k, true)))
                return cJSON_Delete(out), NULL;
    if (!out || (!ref && !cJSON_IsArray(all)))
        return out;
    cJSON *res = cJSON_IsString(ref) ? flat_chain(root, sg_resolve(root, ref->valuestring), chain + 1, work)
                                     : cJSON_CreateObject();
    bool ok = res && sg_merge(res, out);
    for (const cJSON *a = cJSON_IsArray(all) ? all->child : NULL; ok && a; a = a->next) {
        cJSON *part = flat_chain(root, a, chain + 1, work);
        ok = part && sg_merge(res, part);
        cJSON_Delete(part);
    }
    cJSON_Delete(out);
    if (!ok)
        cJSON_Delete(res);
    return ok ? res : NULL;
}

cJSON *sg_flat(const cJSON *root, const cJSON *schema)
{
    int work = FLAT_WORK;
    return flat_chain(root, schema, 0, &work);
}

unsigned sg_types(const cJSON *f)
{
    unsigned t = type_bits(get(f, "type"));
    if (t)
        return (t & SG_T_NUM) ? t | SG_T_INT : t; /* an integer is a number */
    if (get(f, "properties") || get(f, "required") || get(f, "additionalProperties"))
        return SG_T_OBJ;
    if (get(f, "items") || get(f, "prefixItems") || get(f, "minItems") || get(f, "maxItems"))
        return SG_T_ARR;
    if (get(f, "pattern") || get(f, "format") || get(f, "minLength") || get(f, "maxLength"))
        return SG_T_STR;
    if (get(f, "minimum") || get(f, "maximum") || get(f, "multipleOf") || get(f, "exclusiveMinimum") ||
        get(f, "exclusiveMaximum"))
        return SG_T_NUM | SG_T_INT;
    return SG_T_STR; /* anything goes: a string reads best */
}

#define COST_NEVER 1000
/* Schemas one estimate may flatten: wide objects would otherwise cost
 * width^budget. Past it, what is left counts as never ending. */
#define COST_WORK 400

typedef struct cost_ctx {
    const cJSON *root;
    int work;
} cost_ctx;

static int cost_flat(cost_ctx *cc, const cJSON *f, int budget);

static int cost(cost_ctx *cc, const cJSON *schema, int budget)
{
    if (budget < 0 || cc->work-- <= 0)
        return COST_NEVER;
    cJSON *f = sg_flat(cc->root, schema);
    int c = f ? cost_flat(cc, f, budget) : COST_NEVER;
    cJSON_Delete(f);
    return c;
}

int sg_cost(const cJSON *root, const cJSON *schema, int budget)
{
    cost_ctx cc = {root, COST_WORK};
    return cost(&cc, schema, budget);
}

static int cost_object(cost_ctx *cc, const cJSON *f, int budget)
{
    const cJSON *props = get(f, "properties"), *req = get(f, "required");
    int worst = 0;
    for (const cJSON *r = cJSON_IsArray(req) ? req->child : NULL; r; r = r->next) {
        const cJSON *p = cJSON_IsString(r) ? get(props, r->valuestring) : NULL;
        int c = p ? cost(cc, p, budget - 1) : 0;
        worst = c > worst ? c : worst;
    }
    return worst >= COST_NEVER ? COST_NEVER : 1 + worst;
}

static int cost_array(cost_ctx *cc, const cJSON *f, int budget)
{
    const cJSON *min = get(f, "minItems"), *items = get(f, "items"), *prefix = get(f, "prefixItems");
    long n = sg_count(min, 0);
    int worst = 0;
    for (const cJSON *p = cJSON_IsArray(prefix) ? prefix->child : NULL; p && n > 0; p = p->next, n--) {
        int c = cost(cc, p, budget - 1);
        worst = c > worst ? c : worst;
    }
    if (n > 0 && items) {
        int c = cost(cc, items, budget - 1);
        worst = c > worst ? c : worst;
    }
    return worst >= COST_NEVER ? COST_NEVER : 1 + worst;
}

static int cost_flat(cost_ctx *cc, const cJSON *f, int budget)
{
    if (get(f, "const") || cJSON_IsArray(get(f, "enum")))
        return 0;
    const cJSON *alts = get(f, "anyOf");
    alts = alts ? alts : get(f, "oneOf");
    if (cJSON_IsArray(alts) && alts->child) {
        int best = COST_NEVER;
        for (const cJSON *a = alts->child; a; a = a->next) {
            int c = cost(cc, a, budget);
            best = c < best ? c : best;
        }
        return best;
    }
    unsigned t = sg_types(f);
    if (t & ~(SG_T_ARR | SG_T_OBJ))
        return 0;
    int c = COST_NEVER;
    if (t & SG_T_ARR)
        c = cost_array(cc, f, budget);
    if (t & SG_T_OBJ) {
        int o = cost_object(cc, f, budget);
        c = o < c ? o : c;
    }
    return c;
}
