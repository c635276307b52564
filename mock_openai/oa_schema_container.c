/* Objects and arrays: which optional keys and how many items, within
 * required, min/maxProperties, min/maxItems, prefixItems and uniqueItems. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oa_schema_int.h"

/* Attempts at an item no earlier item equals (uniqueItems). */
#define UNIQUE_TRIES 64

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static bool listed(const cJSON *req, const char *k)
{
    for (const cJSON *r = cJSON_IsArray(req) ? req->child : NULL; r; r = r->next)
        if (cJSON_IsString(r) && !strcmp(r->valuestring, k))
            return true;
    return false;
}

static void key(sg *g, const char *k, bool *first)
{
    sg_emit(g, *first ? "" : ",");
    if (!buf_json_str(g->out, k, strlen(k)))
        g->oom = true;
    sg_emit(g, ":");
    *first = false;
}

/* Does a key meet propertyNames (type, lengths, enum, const)? */
static bool name_fits(sg *g, const cJSON *names, const char *k)
{
    if (!names)
        return true;
    cJSON *v = cJSON_CreateString(k);
    bool fits = v && !sg_breaks(g->root, names, v);
    cJSON_Delete(v);
    return fits;
}

/* A map (no properties, additionalProperties a schema: z.record, a
 * Pydantic dict): one or two entries keyed by the conversation's words. */
static long map_entries(sg *g, const cJSON *req, const cJSON *extra, const cJSON *names, bool *first, long room)
{
    if (get(names, "pattern") || get(names, "format") || get(names, "$ref"))
        return 0; /* names the conversation's words may not fit, and the check below does not read */
    char keys[2][48];
    long n = 0, want = 1 + (long)sg_pick(g, 2);
    for (int t = 0; t < 8 && n < want && n < room; t++) {
        const sg_word *w = &g->words[sg_pick(g, g->nwords)];
        snprintf(keys[n], sizeof keys[n], "%.*s", (int)(w->n < 47 ? w->n : 47), w->p);
        if (listed(req, keys[n]) || (n == 1 && !strcmp(keys[0], keys[1])) || !name_fits(g, names, keys[n]))
            continue; /* a required key is written anyway; keys are unique */
        key(g, keys[n], first);
        sg_value(g, extra);
        n++;
    }
    return n;
}

void sg_object(sg *g, const cJSON *f)
{
    const cJSON *props = get(f, "properties"), *req = get(f, "required"), *extra = get(f, "additionalProperties");
    const cJSON *minp = get(f, "minProperties"), *maxp = get(f, "maxProperties");
    long have = 0, need = sg_count(minp, 0), cap = sg_count(maxp, SG_MAX_COUNT);
    bool first = true;
    /* keys after the current one: can they still reach minProperties? */
    long later = cJSON_IsObject(props) ? cJSON_GetArraySize(props) : 0;
    sg_emit(g, "{");
    g->depth++;
    long req_left = cJSON_IsArray(req) ? cJSON_GetArraySize(req) : 0; /* room kept for them under maxProperties */
    for (const cJSON *p = cJSON_IsObject(props) ? props->child : NULL; p; p = p->next) {
        bool must = listed(req, p->string);
        later--;
        req_left -= must;
        bool room = have + req_left < cap;
        bool want = must || (room && (have + later < need || (!sg_ending(g) && sg_pick(g, 3) != 0)));
        if (!want)
            continue;
        key(g, p->string, &first);
        sg_value(g, p);
        have++;
    }
    /* required keys the properties do not describe: additionalProperties says what they hold */
    for (const cJSON *r = cJSON_IsArray(req) ? req->child : NULL; r; r = r->next) {
        if (!cJSON_IsString(r) || get(props, r->valuestring))
            continue;
        key(g, r->valuestring, &first);
        sg_value(g, cJSON_IsObject(extra) ? extra : NULL);
        have++;
    }
    if (cJSON_IsObject(extra) && !(cJSON_IsObject(props) && props->child) && !sg_ending(g))
        have += map_entries(g, req, extra, get(f, "propertyNames"), &first, cap - have);
    for (long i = 0; have < need && !cJSON_IsFalse(extra) && i < need && !sg_full(g); i++) {
        char k[40];
        snprintf(k, sizeof k, "extra_%ld", i);
        if (get(props, k))
            continue;
        key(g, k, &first);
        sg_value(g, cJSON_IsObject(extra) ? extra : NULL);
        have++;
    }
    g->depth--;
    sg_emit(g, "}");
}

/* The schema of item i: prefixItems / a draft-4 items list, then items. */
static const cJSON *item_schema(const cJSON *f, long i, long *fixed)
{
    const cJSON *prefix = get(f, "prefixItems"), *items = get(f, "items");
    if (!cJSON_IsArray(prefix) && cJSON_IsArray(items))
        prefix = items, items = get(f, "additionalItems");
    *fixed = cJSON_IsArray(prefix) ? cJSON_GetArraySize(prefix) : 0;
    if (i < *fixed)
        return cJSON_GetArrayItem(prefix, (int)i);
    return items;
}

static bool seen_before(const buf *out, const size_t *starts, long n, size_t from, size_t len)
{
    for (long j = 0; j < n; j++) {
        size_t e = j + 1 < n ? starts[j + 1] - 1 : from - 1; /* items are joined by ',' */
        if (e - starts[j] == len && !memcmp(out->data + starts[j], out->data + from, len))
            return true;
    }
    return false;
}

/* One item at out's end; with uniqueItems retried until it differs. */
static void array_item(sg *g, const cJSON *s, bool unique, size_t *starts, long i)
{
    size_t from = g->out->len;
    starts[i] = from;
    for (int t = 0; t < UNIQUE_TRIES; t++) {
        g->out->len = from;
        if (g->out->data)
            g->out->data[from] = '\0';
        sg_value(g, s);
        if (!unique || g->oom || !seen_before(g->out, starts, i, from, g->out->len - from))
            return;
    }
}

void sg_array(sg *g, const cJSON *f)
{
    const cJSON *minv = get(f, "minItems"), *maxv = get(f, "maxItems");
    long lo = sg_count(minv, 0), hi = sg_count(maxv, lo + 3);
    long fixed;
    item_schema(f, 0, &fixed);
    const cJSON *rest = item_schema(f, fixed, &fixed);
    if (hi > lo + 3)
        hi = lo + 3;
    if (hi < lo) /* maxItems below minItems: no instance; keep to minItems */
        hi = lo;
    if (cJSON_IsFalse(rest) && hi > fixed) /* no items past the tuple */
        hi = fixed > lo ? fixed : lo;
    long n = sg_ending(g) ? lo : lo + (long)sg_pick(g, (uint64_t)(hi - lo + 1));
    if (!sg_ending(g) && n == 0 && hi > 0 && lo == 0)
        n = 1; /* an empty list says little */
    size_t *starts = calloc((size_t)(n ? n : 1), sizeof *starts);
    if (!starts) {
        g->oom = true;
        return;
    }
    bool unique = cJSON_IsTrue(get(f, "uniqueItems"));
    sg_emit(g, "[");
    g->depth++;
    for (long i = 0; i < n && !g->oom && !(i && sg_full(g)); i++) { /* spent: short of minItems, but bounded */
        if (i)
            sg_emit(g, ",");
        array_item(g, item_schema(f, i, &fixed), unique, starts, i);
    }
    g->depth--;
    sg_emit(g, "]");
    free(starts);
}
