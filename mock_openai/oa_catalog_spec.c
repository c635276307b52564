/* --model SPEC: one catalogue entry on the command line, read into the
 * same JSON object a --models FILE entry is (so the same checks apply). */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oa_catalog.h"
#include "oa_vector.h"

#define MAX_PARTS 24

static bool is_count(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 10;
}

static bool is_kind(const char *s)
{
    return !strcmp(s, "chat") || !strcmp(s, "reasoning") || !strcmp(s, "embedding") || !strcmp(s, "completion");
}

static bool bad_spec(const char *spec, char *err, size_t errlen)
{
    snprintf(err, errlen,
             "invalid model '%.120s': expected NAME:DIMS with DIMS in 1..%d, NAME:embedding[:DIMS], or "
             "NAME:KIND[:CONTEXT[:MAX_OUTPUT]] with KIND chat, reasoning or completion",
             spec, OA_VEC_MAX_DIM);
    return false;
}

/* The entry for parts[0..n): the name is every part before the kind (or
 * before DIMS), so "ft:gpt-4o-mini:org::id:chat" names a fine-tune. */
static cJSON *entry_of(const oa_ctx *c, char **parts, size_t n)
{
    size_t k = n;
    for (size_t i = n - 1; i >= 1 && i + 3 >= n; i--) {
        bool tail_counts = true;
        for (size_t j = i + 1; j < n; j++)
            tail_counts = tail_counts && is_count(parts[j]);
        if (is_kind(parts[i]) && tail_counts) {
            k = i;
            break;
        }
    }
    size_t name_end = k < n ? k : n - 1;
    if (k == n && (n < 2 || !is_count(parts[n - 1])))
        return NULL;
    for (size_t i = 1; k == n && i + 1 < n; i++) { /* a kind with too many numbers after it */
        if (is_kind(parts[i]))
            return NULL;
    }
    char name[200] = "";
    for (size_t i = 0; i < name_end; i++)
        snprintf(name + strlen(name), sizeof name - strlen(name), "%s%s", i ? ":" : "", parts[i]);
    cJSON *e = cJSON_CreateObject();
    if (!e || !cJSON_AddStringToObject(e, "id", name)) {
        cJSON_Delete(e);
        return NULL;
    }
    bool embedding = k == n || !strcmp(parts[k], "embedding");
    /* NAME:DIMS names a new embedding model, or resizes a known one */
    const char *kind = k < n ? parts[k] : oa_model_find(c, name) ? NULL : "embedding";
    if (kind && !cJSON_AddStringToObject(e, "kind", kind))
        goto oom;
    static const char *const nums_embed[] = {"dims"}, *const nums_text[] = {"context", "max_output"};
    const char *const *keys = embedding ? nums_embed : nums_text;
    size_t nkeys = embedding ? 1 : 2, first = k < n ? k + 1 : n - 1;
    if (n - first > nkeys)
        goto oom;
    for (size_t j = first; j < n; j++) {
        if (!cJSON_AddNumberToObject(e, keys[j - first], strtod(parts[j], NULL)))
            goto oom;
    }
    return e;
oom:
    cJSON_Delete(e);
    return NULL;
}

bool oa_catalog_add_spec(oa_ctx *c, const char *spec, char *err, size_t errlen)
{
    char copy[256];
    char *parts[MAX_PARTS];
    size_t n = 0;
    if (strlen(spec) >= sizeof copy)
        return bad_spec(spec, err, errlen);
    memcpy(copy, spec, strlen(spec) + 1);
    for (char *p = copy, *colon; n < MAX_PARTS; p = colon + 1) {
        parts[n++] = p;
        if (!(colon = strchr(p, ':')))
            break;
        *colon = '\0';
    }
    cJSON *e = n >= 2 && n < MAX_PARTS && *parts[0] ? entry_of(c, parts, n) : NULL;
    cJSON *list = e ? cJSON_CreateArray() : NULL;
    char *text = list && cJSON_AddItemToArray(list, e) ? cJSON_PrintUnformatted(list) : NULL;
    if (!list)
        cJSON_Delete(e);
    cJSON_Delete(list);
    if (!text)
        return bad_spec(spec, err, errlen);
    char origin[300];
    snprintf(origin, sizeof origin, "--model %.200s", spec);
    bool ok = oa_catalog_load_json(c, text, strlen(text), origin, err, errlen);
    free(text);
    /* The old message for a size out of range, which callers match on. */
    if (!ok && strstr(err, "'dims'"))
        return bad_spec(spec, err, errlen);
    return ok;
}
