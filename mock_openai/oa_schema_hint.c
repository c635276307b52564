/* json_object mode follows what the conversation shows: a JSON object in a
 * message is either a JSON schema (generate for it) or an example (answer
 * in its shape: same keys, same kinds of values). */
#include <math.h>
#include <string.h>

#include "oa_schema.h"
#include "oa_schema_int.h"

/* Openings tried before giving up: prose full of braces is not JSON. */
#define HINT_TRIES 64
#define HINT_MAX 16

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static bool type_name(const cJSON *t)
{
    static const char *const names[] = {"object", "array", "string", "number", "integer", "boolean", "null"};
    for (size_t i = 0; cJSON_IsString(t) && i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(t->valuestring, names[i]))
            return true;
    return false;
}

/* A schema for an object: json_object answers are objects, so {"type":
 * "string"} is an example with a key "type", not a schema to follow. */
static bool looks_like_schema(const cJSON *o)
{
    const cJSON *t = get(o, "type");
    bool object_type = cJSON_IsString(t) && !strcmp(t->valuestring, "object");
    return object_type || (cJSON_IsObject(get(o, "properties")) && (!t || type_name(t))) ||
           (!t && (get(o, "$ref") || cJSON_IsArray(get(o, "anyOf")) || cJSON_IsObject(get(o, "$defs"))));
}

/* The schema of an example value's shape. */
static cJSON *shape(const cJSON *v)
{
    cJSON *s = cJSON_CreateObject();
    if (!s)
        return NULL;
    const char *t = cJSON_IsObject(v) ? "object" : cJSON_IsArray(v) ? "array" : cJSON_IsString(v) ? "string"
                  : cJSON_IsBool(v) ? "boolean" : cJSON_IsNull(v) ? "null"
                  : v->valuedouble == floor(v->valuedouble) ? "integer" : "number";
    bool ok = cJSON_AddStringToObject(s, "type", t) != NULL;
    if (ok && cJSON_IsObject(v)) {
        cJSON *props = cJSON_AddObjectToObject(s, "properties"), *req = cJSON_AddArrayToObject(s, "required");
        ok = props && req && cJSON_AddFalseToObject(s, "additionalProperties");
        for (const cJSON *k = v->child; ok && k; k = k->next) {
            cJSON *sub = shape(k);
            ok = sub && cJSON_AddItemToObject(props, k->string, sub) &&
                 cJSON_AddItemToArray(req, cJSON_CreateString(k->string));
        }
    } else if (ok && cJSON_IsArray(v) && v->child) {
        cJSON *items = shape(v->child);
        ok = items && cJSON_AddItemToObject(s, "items", items) && cJSON_AddNumberToObject(s, "minItems", 1);
    }
    if (!ok)
        cJSON_Delete(s);
    return ok ? s : NULL;
}

/* The JSON objects in text, outermost only, in order (at most `cap`). */
static size_t objects_in(const char *text, cJSON **found, const char **at, size_t cap)
{
    size_t n = 0;
    int tries = 0;
    for (const char *p = strchr(text, '{'); p && n < cap && tries < HINT_TRIES; tries++) {
        const char *end = NULL;
        cJSON *o = cJSON_ParseWithOpts(p, &end, false);
        if (cJSON_IsObject(o) && o->child && end) {
            at[n] = p;
            found[n++] = o;
            p = strchr(end, '{'); /* objects inside this one are its own business */
        } else {
            cJSON_Delete(o);
            p = strchr(p + 1, '{');
        }
    }
    return n;
}

/* Is the object at `at` the first thing in a ``` fence? */
static bool fenced(const char *text, const char *at)
{
    const char *p = at;
    while (p > text && (p[-1] == ' ' || p[-1] == '\n' || p[-1] == '\r' || p[-1] == '\t'))
        p--;
    while (p > text && p[-1] >= 'a' && p[-1] <= 'z') /* the fence's language, ```json */
        p--;
    return p - text >= 3 && !strncmp(p - 3, "```", 3);
}

/* Which object to follow: a fenced one before inline ones, a schema before
 * an example, a later one before an earlier (format instructions such as
 * LangChain's show a small example schema first and the real one last,
 * fenced). */
static size_t rank(const char *text, const cJSON *o, const char *at)
{
    return (fenced(text, at) ? 4u : 0u) + (looks_like_schema(o) ? 2u : 0u);
}

void *oa_schema_hint(const char *text)
{
    cJSON *found[HINT_MAX];
    const char *at[HINT_MAX];
    size_t n = objects_in(text, found, at, HINT_MAX), best = 0;
    for (size_t i = 1; i < n; i++)
        if (rank(text, found[i], at[i]) >= rank(text, found[best], at[best]))
            best = i;
    cJSON *pick = n ? found[best] : NULL;
    for (size_t i = 0; i < n; i++)
        if (i != best)
            cJSON_Delete(found[i]);
    if (!pick || looks_like_schema(pick))
        return pick;
    cJSON *s = shape(pick);
    cJSON_Delete(pick);
    return s;
}
