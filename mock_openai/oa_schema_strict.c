/* Strict mode as the real API checks it (structured outputs with
 * strict: true, strict function tools): the root is an object, every
 * object says additionalProperties: false and requires every property,
 * nesting and size stay within the limits. The messages follow the API's
 * own wording, context given as the Python tuple of the path. */
#include <stdio.h>
#include <string.h>

#include "oa_schema.h"
#include "oa_schema_int.h"

#define IRE "invalid_request_error"
#define NEST_LIMIT 10
#define PROPS_LIMIT 5000
#define PATH_MAX_PARTS 64

typedef struct strict {
    const char *what, *name, *param, *code;
    const char *path[PATH_MAX_PARTS];
    char idx[PATH_MAX_PARTS][12]; /* room for array indices in path */
    int n;
    long props;
    oa_err *e;
} strict;

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* "('properties', 'a')", with Python's one-element trailing comma. */
static void context(const strict *st, char *out, size_t cap)
{
    size_t at = (size_t)snprintf(out, cap, "(");
    for (int i = 0; i < st->n && at < cap; i++)
        at += (size_t)snprintf(out + at, cap - at, "%s'%s'", i ? ", " : "", st->path[i]);
    if (at < cap)
        snprintf(out + at, cap - at, "%s)", st->n == 1 ? "," : "");
}

static bool fail(strict *st, const char *detail, const char *key)
{
    char ctx[300];
    context(st, ctx, sizeof ctx);
    if (key)
        return oa_fail(st->e, 400, IRE, st->param, st->code, "Invalid schema for %s '%.64s': In context=%s, %s '%.100s'%s",
                       st->what, st->name, ctx, detail, key, strstr(detail, "Extra") ? " supplied." : ".");
    return oa_fail(st->e, 400, IRE, st->param, st->code, "Invalid schema for %s '%.64s': In context=%s, %s", st->what,
                   st->name, ctx, detail);
}

static bool is_object_schema(const cJSON *s)
{
    const cJSON *t = get(s, "type");
    if (cJSON_IsString(t))
        return !strcmp(t->valuestring, "object");
    for (const cJSON *x = cJSON_IsArray(t) ? t->child : NULL; x; x = x->next)
        if (cJSON_IsString(x) && !strcmp(x->valuestring, "object"))
            return true;
    return !t && get(s, "properties");
}

static bool in_list(const cJSON *list, const char *k)
{
    for (const cJSON *x = cJSON_IsArray(list) ? list->child : NULL; x; x = x->next)
        if (cJSON_IsString(x) && !strcmp(x->valuestring, k))
            return true;
    return false;
}

static bool check_object(strict *st, const cJSON *s)
{
    const cJSON *props = get(s, "properties"), *req = get(s, "required");
    if (!cJSON_IsFalse(get(s, "additionalProperties")))
        return fail(st, "'additionalProperties' is required to be supplied and to be false.", NULL);
    const char *need = "'required' is required to be supplied and to be an array including every key in properties.";
    char msg[160];
    for (const cJSON *p = cJSON_IsObject(props) ? props->child : NULL; p; p = p->next)
        if (!in_list(req, p->string)) {
            snprintf(msg, sizeof msg, "%s Missing", need);
            return fail(st, msg, p->string);
        }
    for (const cJSON *r = cJSON_IsArray(req) ? req->child : NULL; r; r = r->next)
        if (cJSON_IsString(r) && !get(props, r->valuestring)) {
            snprintf(msg, sizeof msg, "%s Extra required key", need);
            return fail(st, msg, r->valuestring);
        }
    return true;
}

static bool walk(strict *st, const cJSON *s);

/* Walk child c under path parts a (and b, if not NULL). */
static bool child(strict *st, const char *a, const char *b, const cJSON *c)
{
    if (st->n + 2 > PATH_MAX_PARTS)
        return true; /* deeper than any schema the nesting limit lets through */
    st->path[st->n++] = a;
    if (b)
        st->path[st->n++] = b;
    bool ok = walk(st, c);
    st->n -= b ? 2 : 1;
    return ok;
}

static bool walk_list(strict *st, const char *kw, const cJSON *list)
{
    int i = 0;
    for (const cJSON *x = cJSON_IsArray(list) ? list->child : NULL; x; x = x->next, i++) {
        if (st->n >= PATH_MAX_PARTS)
            return true;
        snprintf(st->idx[st->n], sizeof st->idx[0], "%d", i);
        if (!child(st, kw, st->idx[st->n], x))
            return false;
    }
    return true;
}

static bool walk_map(strict *st, const char *kw, const cJSON *map)
{
    for (const cJSON *x = cJSON_IsObject(map) ? map->child : NULL; x; x = x->next)
        if (!child(st, kw, x->string, x))
            return false;
    return true;
}

/* {"$ref": ..., "description": ...}: the API takes a bare reference only
 * (its message says "context=" here, without "In"). */
static bool check_ref(strict *st, const cJSON *s)
{
    if (!get(s, "$ref") || !s->child->next)
        return true;
    char ctx[300], keys[200];
    size_t at = 0;
    context(st, ctx, sizeof ctx);
    for (const cJSON *k = s->child; k && at < sizeof keys; k = k->next)
        if (strcmp(k->string, "$ref"))
            at += (size_t)snprintf(keys + at, sizeof keys - at, "%s'%s'", at ? ", " : "", k->string);
    return oa_fail(st->e, 400, IRE, st->param, st->code, "Invalid schema for %s '%.64s': context=%s, $ref cannot have "
                   "keywords {%s}.", st->what, st->name, ctx, keys);
}

static bool walk(strict *st, const cJSON *s)
{
    if (!cJSON_IsObject(s))
        return true;
    if (!check_ref(st, s))
        return false;
    if (is_object_schema(s) && !check_object(st, s))
        return false;
    const cJSON *items = get(s, "items");
    return walk_map(st, "properties", get(s, "properties")) &&
           (cJSON_IsArray(items) ? walk_list(st, "items", items) : !items || child(st, "items", NULL, items)) &&
           walk_list(st, "prefixItems", get(s, "prefixItems")) && walk_list(st, "anyOf", get(s, "anyOf")) &&
           walk_list(st, "oneOf", get(s, "oneOf")) && walk_list(st, "allOf", get(s, "allOf")) &&
           walk_map(st, "$defs", get(s, "$defs")) && walk_map(st, "definitions", get(s, "definitions"));
}

/* Levels of object / array nesting under s, and properties counted on the way. */
static int depth(strict *st, const cJSON *s, int level)
{
    if (!cJSON_IsObject(s) || level > 4 * NEST_LIMIT)
        return level;
    bool nests = is_object_schema(s) || get(s, "items");
    int here = level + (nests ? 1 : 0), deepest = here;
    for (const cJSON *k = s->child; k; k = k->next) {
        bool map = !strcmp(k->string, "properties") || !strcmp(k->string, "$defs") || !strcmp(k->string, "definitions");
        bool list = !strcmp(k->string, "anyOf") || !strcmp(k->string, "oneOf") || !strcmp(k->string, "allOf") ||
                    !strcmp(k->string, "prefixItems") || (!strcmp(k->string, "items") && cJSON_IsArray(k));
        if (!strcmp(k->string, "properties"))
            st->props += cJSON_GetArraySize(k);
        int base = !strcmp(k->string, "$defs") || !strcmp(k->string, "definitions") ? level : here;
        for (const cJSON *c = (map || list) ? k->child : NULL; c; c = c->next) {
            int d = depth(st, c, base);
            deepest = d > deepest ? d : deepest;
        }
        if (!strcmp(k->string, "items") && cJSON_IsObject(k)) {
            int d = depth(st, k, here);
            deepest = d > deepest ? d : deepest;
        }
    }
    return deepest;
}

bool oa_schema_check_strict(const void *schema, const char *what, const char *name, const char *param,
                            const char *code, oa_err *e)
{
    strict st = {.what = what, .name = name ? name : "", .param = param, .code = code, .e = e};
    const cJSON *s = schema, *t = get(s, "type");
    if (!cJSON_IsString(t) || strcmp(t->valuestring, "object"))
        return oa_fail(e, 400, IRE, param, code,
                       "Invalid schema for %s '%.64s': schema must be a JSON Schema of 'type: \"object\"', got 'type: "
                       "\"%.40s\"'.",
                       what, st.name, cJSON_IsString(t) ? t->valuestring : "None");
    int levels = depth(&st, s, 0);
    if (levels > NEST_LIMIT)
        return oa_fail(e, 400, IRE, param, code, "Invalid schema for %s '%.64s': %d levels of nesting exceeds limit of %d.",
                       what, st.name, levels, NEST_LIMIT);
    if (st.props > PROPS_LIMIT)
        return oa_fail(e, 400, IRE, param, code, "Invalid schema for %s '%.64s': %ld parameters exceeds limit of %d.",
                       what, st.name, st.props, PROPS_LIMIT);
    return walk(&st, s);
}
