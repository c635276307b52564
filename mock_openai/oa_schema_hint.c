/* json_object mode follows what the conversation shows: the first JSON
 * object in a message is either a JSON schema (generate for it) or an
 * example (answer in its shape: same keys, same kinds of values). */
#include <math.h>
#include <string.h>

#include "oa_schema.h"
#include "oa_schema_int.h"

/* Openings tried before giving up: prose full of braces is not JSON. */
#define HINT_TRIES 64

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

static bool looks_like_schema(const cJSON *o)
{
    return get(o, "$schema") || cJSON_IsObject(get(o, "$defs")) || cJSON_IsObject(get(o, "definitions")) ||
           (cJSON_IsObject(get(o, "properties")) && (!get(o, "type") || type_name(get(o, "type")))) ||
           (type_name(get(o, "type")) && (get(o, "items") || get(o, "enum") || !o->child->next)) ||
           cJSON_IsArray(get(o, "anyOf"));
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

void *oa_schema_hint(const char *text)
{
    int tries = 0;
    for (const char *p = strchr(text, '{'); p && tries < HINT_TRIES; p = strchr(p + 1, '{'), tries++) {
        const char *end = NULL;
        cJSON *o = cJSON_ParseWithOpts(p, &end, false);
        if (!cJSON_IsObject(o) || !o->child) {
            cJSON_Delete(o);
            continue;
        }
        if (looks_like_schema(o))
            return o;
        cJSON *s = shape(o);
        cJSON_Delete(o);
        return s;
    }
    return NULL;
}
