/* The model catalogue: oa_catalog.json (embedded), --models FILE, lookups. */
#include "oa_catalog.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "buf.h"
#include "file.h"
#include "json.h"

/* oa_catalog.json, put in the binary by oa_catalog_blob.S (NUL after it). */
extern const char oa_catalog_blob[], oa_catalog_blob_end[];

static const char *const effort_names[] = {"none", "minimal", "low", "medium", "high", "xhigh", "max"};

const char *oa_effort_name(oa_effort e)
{
    return e < OA_EFFORT_COUNT ? effort_names[e] : "medium";
}

bool oa_effort_parse(const char *name, oa_effort *out)
{
    for (int i = 0; i < OA_EFFORT_COUNT; i++) {
        if (!strcmp(name, effort_names[i])) {
            *out = (oa_effort)i;
            return true;
        }
    }
    return false;
}

bool oa_model_is_chat(const oa_model *m)
{
    return m && (m->kind == OA_KIND_CHAT || m->kind == OA_KIND_REASONING);
}

void oa_model_fingerprint(const oa_model *m, char out[OA_FINGERPRINT_SIZE])
{
    unsigned long long h = XXH3_64bits(m->snapshot, strlen(m->snapshot));
    snprintf(out, OA_FINGERPRINT_SIZE, "fp_%010llx", h & 0xffffffffffULL);
}

static size_t find_index(const oa_ctx *c, const char *id)
{
    size_t i = 0;
    while (i < c->nmodels && strcmp(c->models[i].id, id) != 0)
        i++;
    return i;
}

const oa_model *oa_model_find(const oa_ctx *c, const char *id)
{
    size_t i = find_index(c, id);
    return i < c->nmodels ? &c->models[i] : NULL;
}

bool oa_catalog_load_json(oa_ctx *c, const char *text, size_t len, const char *origin, char *err, size_t errlen)
{
    cJSON *list = json_parse_body(text, len);
    bool ok = cJSON_IsArray(list);
    size_t index = 0;
    if (!ok)
        snprintf(err, errlen, "%s: expected a JSON list of model objects", origin);
    for (const cJSON *e = ok ? list->child : NULL; e && ok; e = e->next, index++)
        ok = oa_catalog_apply(c, e, origin, index, err, errlen);
    cJSON_Delete(list);
    return ok;
}

bool oa_catalog_load_file(oa_ctx *c, const char *path, char *err, size_t errlen)
{
    buf text = BUF_INIT;
    if (!file_read_all(path, &text)) {
        snprintf(err, errlen, "--models %s: cannot read the file", path);
        buf_free(&text);
        return false;
    }
    char origin[300];
    snprintf(origin, sizeof origin, "--models %s", path);
    bool ok = oa_catalog_load_json(c, text.data ? text.data : "", text.len, origin, err, errlen);
    buf_free(&text);
    return ok;
}

bool oa_ctx_models_from(oa_ctx *c, const char *file, const cli_list *extra, char *err, size_t errlen)
{
    c->nmodels = 0;
    if (!oa_catalog_load_json(c, oa_catalog_blob, (size_t)(oa_catalog_blob_end - oa_catalog_blob),
                              "built-in catalogue", err, errlen))
        return false;
    if (file && *file && !oa_catalog_load_file(c, file, err, errlen))
        return false;
    for (size_t i = 0; extra && i < extra->n; i++) {
        if (!oa_catalog_add_spec(c, extra->items[i], err, errlen))
            return false;
    }
    return true;
}

bool oa_ctx_models(oa_ctx *c, const cli_list *extra, char *err, size_t errlen)
{
    return oa_ctx_models_from(c, NULL, extra, err, errlen);
}
