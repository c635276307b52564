/* Which type a schema allows, and how soon an instance of it can end:
 * what the generator asks when it must stop a recursion. */
#include "oa_schema_int.h"

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

unsigned sg_types(const cJSON *f)
{
    unsigned t = sg_type_bits(get(f, "type"));
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
