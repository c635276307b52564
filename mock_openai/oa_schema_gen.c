/* The instance generator: picks a type or an alternative (anyOf, oneOf,
 * type lists), then writes the value; objects and arrays are in
 * oa_schema_container.c, scalars in oa_schema_num.c and oa_schema_str.c. */
#include <stdlib.h>
#include <string.h>

#include "oa_schema.h"
#include "oa_schema_int.h"
#include "rng.h"

/* Cost look-ahead when choosing the branch that ends soonest. */
#define COST_BUDGET 3
/* Attempts at a oneOf value only its own branch accepts. */
#define ONEOF_TRIES 16

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

uint64_t sg_pick(sg *g, uint64_t n)
{
    return n ? rng_next(&g->s) % n : 0;
}

void sg_emit(sg *g, const char *s)
{
    if (!buf_puts(g->out, s))
        g->oom = true;
}

bool sg_full(sg *g)
{
    if (!g->full && (g->out->len - g->start > SG_MAX_OUT || g->steps > SG_MAX_STEPS))
        g->full = true;
    return g->full;
}

bool sg_ending(sg *g)
{
    return g->depth >= SG_FREE_DEPTH || sg_full(g);
}

static void put_json(sg *g, const cJSON *v)
{
    char *t = cJSON_PrintUnformatted(v);
    if (!t)
        g->oom = true;
    else
        sg_emit(g, t);
    cJSON_free(t);
}

/* anyOf / oneOf: the branch to take. Near the depth limit the one that
 * ends soonest; else a seeded one, null branches only now and then. */
static const cJSON *pick_branch(sg *g, const cJSON *alts)
{
    if (sg_ending(g)) {
        const cJSON *best = alts->child;
        int bc = 1 << 30;
        for (const cJSON *a = alts->child; a; a = a->next) {
            int c = sg_cost(g->root, a, COST_BUDGET);
            if (c < bc)
                bc = c, best = a;
        }
        return best;
    }
    const cJSON *nulls = NULL, *others[64];
    uint64_t n = 0;
    for (const cJSON *a = alts->child; a; a = a->next) {
        const cJSON *t = get(a, "type");
        if (cJSON_IsString(t) && !strcmp(t->valuestring, "null"))
            nulls = a;
        else if (n < 64)
            others[n++] = a;
    }
    if (!n || (nulls && sg_pick(g, 4) == 0))
        return nulls;
    return others[sg_pick(g, n)];
}

/* One type out of the allowed set. */
static unsigned pick_type(sg *g, const cJSON *f, unsigned t)
{
    if (t & SG_T_NUM) /* a number may be whole: "integer" beside it adds nothing */
        t &= ~SG_T_INT;
    unsigned opts[8], n = 0, nonnull[8], nn = 0;
    for (unsigned b = 1; b <= SG_T_OBJ; b <<= 1)
        if (t & b)
            opts[n++] = b;
    if (n == 1)
        return opts[0];
    if (sg_ending(g)) { /* a scalar ends at once; else the list, if it may be empty */
        for (unsigned i = 0; i < n; i++)
            if (!(opts[i] & (SG_T_ARR | SG_T_OBJ)))
                return opts[i];
        const cJSON *min = get(f, "minItems");
        return !cJSON_IsNumber(min) || min->valuedouble <= 0 ? SG_T_ARR : SG_T_OBJ;
    }
    for (unsigned i = 0; i < n; i++)
        if (opts[i] != SG_T_NULL)
            nonnull[nn++] = opts[i];
    if (nn < n && sg_pick(g, 4) == 0)
        return SG_T_NULL;
    return nonnull[sg_pick(g, nn)];
}

static void typed(sg *g, const cJSON *f)
{
    unsigned t = pick_type(g, f, sg_types(f));
    switch (t) {
    case SG_T_NULL:
        sg_emit(g, "null");
        break;
    case SG_T_BOOL:
        sg_emit(g, sg_pick(g, 2) ? "true" : "false");
        break;
    case SG_T_INT:
    case SG_T_NUM:
        sg_number(g, f, t == SG_T_INT);
        break;
    case SG_T_ARR:
        sg_array(g, f);
        break;
    case SG_T_OBJ:
        sg_object(g, f);
        break;
    default:
        sg_string(g, f);
    }
}

static void flat_value(sg *g, cJSON *f);

/* Branch b of f's `kw` list, merged with f's other keywords. */
static void branch_value(sg *g, const cJSON *f, const char *kw, const cJSON *b)
{
    if (g->branches > SG_MAX_DEPTH) { /* {"anyOf": [{"$ref": "#"}]}: branches that never reach a value */
        sg_emit(g, "null");
        return;
    }
    cJSON *rest = cJSON_Duplicate(f, true), *m = sg_flat(g->root, b);
    if (rest)
        cJSON_DeleteItemFromObjectCaseSensitive(rest, kw);
    if (!rest || !m || !sg_merge(m, rest))
        g->oom = true;
    else {
        g->branches++;
        flat_value(g, m);
        g->branches--;
    }
    cJSON_Delete(m);
    cJSON_Delete(rest);
}

/* True when the value written from `start` breaks every branch but b. */
static bool only_branch(sg *g, const cJSON *alts, const cJSON *b, size_t start)
{
    cJSON *v = g->oom ? NULL : cJSON_Parse(g->out->data + start);
    bool only = v != NULL;
    for (const cJSON *a = alts->child; only && a; a = a->next)
        only = a == b || sg_breaks(g->root, a, v);
    cJSON_Delete(v);
    return only;
}

/* oneOf: a value of one branch that no other branch could accept (branches
 * may overlap, e.g. number and integer); a few seeded tries, then the last. */
static void one_of(sg *g, const cJSON *f, const cJSON *alts)
{
    size_t start = g->out->len;
    /* retries inside retries multiply: only the innermost few retry, and they spend the budget */
    int tries = g->branches > 2 ? 1 : ONEOF_TRIES;
    for (int t = 0; t < tries && !g->oom && !(t && sg_full(g)); t++) {
        g->steps++;
        if (g->out->data) {
            g->out->len = start;
            g->out->data[start] = '\0';
        }
        const cJSON *b = pick_branch(g, alts);
        branch_value(g, f, "oneOf", b);
        if (only_branch(g, alts, b, start))
            return;
    }
}

/* A flattened schema: const, enum, a branch, or a value of its type. */
static void flat_value(sg *g, cJSON *f)
{
    const cJSON *c = get(f, "const"), *en = get(f, "enum");
    const cJSON *any = get(f, "anyOf"), *one = get(f, "oneOf");
    if (c) {
        put_json(g, c);
    } else if (cJSON_IsArray(en) && en->child) {
        put_json(g, cJSON_GetArrayItem(en, (int)sg_pick(g, (uint64_t)cJSON_GetArraySize(en))));
    } else if (cJSON_IsArray(any) && any->child) {
        branch_value(g, f, "anyOf", pick_branch(g, any));
    } else if (cJSON_IsArray(one) && one->child) {
        one_of(g, f, one);
    } else {
        typed(g, f);
    }
}

void sg_value(sg *g, const cJSON *schema)
{
    if (g->oom)
        return;
    g->steps++;
    if (g->depth > SG_MAX_DEPTH) { /* no finite instance within reach */
        sg_emit(g, "null");
        return;
    }
    cJSON *f = sg_flat(g->root, schema);
    if (!f) {
        g->oom = true;
        return;
    }
    int branches = g->branches; /* a value of its own: its branches count afresh */
    g->branches = 0;
    flat_value(g, f);
    g->branches = branches;
    cJSON_Delete(f);
}

bool oa_schema_generate(const void *schema, uint64_t seed, const char *words, buf *out)
{
    sg g = {.root = schema, .s = seed, .out = out, .start = out->len};
    sg_word *w = sg_words(words ? words : "", &g.nwords);
    g.words = w;
    size_t start = out->len;
    sg_value(&g, schema);
    free(w);
    if (out->data && !g.oom)
        return true;
    if (out->data) {
        out->len = start;
        out->data[start] = '\0';
    }
    return false;
}
