/* References: "#/..." pointers resolved, and the flattened view of a
 * schema ($ref and allOf folded into one object) the generator reads
 * keyword by keyword. Also the cap on counts read from a schema. */
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
