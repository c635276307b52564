/* The model catalogue: oa_catalog.json (embedded), --models FILE entries. */
#include "oa_catalog.h"

#include <cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "buf.h"
#include "file.h"
#include "json.h"
#include "oa_vector.h"

/* oa_catalog.json, put in the binary by oa_catalog_blob.S (NUL after it). */
extern const char oa_catalog_blob[], oa_catalog_blob_end[];

static const char *const kind_names[] = {"chat", "reasoning", "embedding", "completion"};
static const char *const effort_names[] = {"none", "minimal", "low", "medium", "high", "xhigh", "max"};

/* Every key an entry may have: anything else is a typo worth refusing. */
static const char *const entry_keys[] = {"id", "kind", "snapshot", "context", "max_output", "encoding", "dims",
                                         "shortenable", "efforts", "default_effort", "verbosity", "created", "owned_by"};

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

/* A new model of a kind before its entry's own fields. */
static oa_model kind_defaults(oa_model_kind kind)
{
    oa_model m = {.kind = kind, .created = 1705948997, .owned_by = "system", .enc = OA_BPE_O200K};
    switch (kind) {
    case OA_KIND_CHAT:
        m.context = 128000, m.max_output = 16384;
        break;
    case OA_KIND_REASONING:
        m.context = 200000, m.max_output = 100000;
        m.efforts = 1u << OA_EFFORT_LOW | 1u << OA_EFFORT_MEDIUM | 1u << OA_EFFORT_HIGH;
        m.default_effort = OA_EFFORT_MEDIUM;
        break;
    case OA_KIND_EMBEDDING:
        m.dims = 1536, m.shortenable = true, m.enc = OA_BPE_CL100K;
        break;
    case OA_KIND_COMPLETION:
        m.context = 4096, m.max_output = 4096, m.enc = OA_BPE_CL100K;
        break;
    }
    return m;
}

typedef struct entry_ctx {
    const char *origin;
    size_t index;
    const char *id;
    char *err;
    size_t errlen;
} entry_ctx;

static bool fail(const entry_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(const entry_ctx *x, const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(x->err, x->errlen, "%s: entry %zu%s%.96s%s: %s", x->origin, x->index, x->id ? " (\"" : "",
             x->id ? x->id : "", x->id ? "\")" : "", what);
    return false;
}

static bool name_in(const char *s, const char *const *names, size_t n, int *out)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(s, names[i])) {
            *out = (int)i;
            return true;
        }
    }
    return false;
}

/* A whole number from lo to hi, if the key is there. */
static bool read_num(const entry_ctx *x, const cJSON *e, const char *key, long lo, long hi, long *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);
    if (!v)
        return true;
    if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long)v->valuedouble || v->valuedouble < lo ||
        v->valuedouble > hi)
        return fail(x, "'%s' must be a whole number from %ld to %ld", key, lo, hi);
    *out = (long)v->valuedouble;
    return true;
}

static bool read_bool(const entry_ctx *x, const cJSON *e, const char *key, bool *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);
    if (!v)
        return true;
    if (!cJSON_IsBool(v))
        return fail(x, "'%s' must be true or false", key);
    *out = cJSON_IsTrue(v);
    return true;
}

static bool read_text(const entry_ctx *x, const cJSON *e, const char *key, char *out, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);
    if (!v)
        return true;
    if (!cJSON_IsString(v) || !*v->valuestring || strlen(v->valuestring) >= cap)
        return fail(x, "'%s' must be a string of 1 to %zu characters", key, cap - 1);
    memcpy(out, v->valuestring, strlen(v->valuestring) + 1);
    return true;
}

static bool read_encoding(const entry_ctx *x, const cJSON *e, oa_model *m)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "encoding");
    if (!v)
        return true;
    const char *s = cJSON_IsString(v) ? v->valuestring : "";
    if (!strcmp(s, "o200k") || !strcmp(s, "o200k_base"))
        m->enc = OA_BPE_O200K;
    else if (!strcmp(s, "cl100k") || !strcmp(s, "cl100k_base"))
        m->enc = OA_BPE_CL100K;
    else
        return fail(x, "'encoding' must be \"o200k\" or \"cl100k\"");
    return true;
}

static bool read_efforts(const entry_ctx *x, const cJSON *e, oa_model *m)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(e, "efforts");
    const cJSON *def = cJSON_GetObjectItemCaseSensitive(e, "default_effort");
    int k;
    if (list) {
        if (!cJSON_IsArray(list))
            return fail(x, "'efforts' must be a list of reasoning_effort values");
        m->efforts = 0;
        for (const cJSON *v = list->child; v; v = v->next) {
            if (!cJSON_IsString(v) || !name_in(v->valuestring, effort_names, OA_EFFORT_COUNT, &k))
                return fail(x, "'efforts' holds an unknown value (none, minimal, low, medium, high, xhigh, max)");
            m->efforts |= 1u << k;
        }
    }
    if (def) {
        if (!cJSON_IsString(def) || !name_in(def->valuestring, effort_names, OA_EFFORT_COUNT, &k))
            return fail(x, "'default_effort' must be one of none, minimal, low, medium, high, xhigh, max");
        m->default_effort = (oa_effort)k;
    }
    return true;
}

/* The model an entry starts from: the entry it overrides, the snapshot it
 * copies, or its kind's defaults. */
static bool base_model(const entry_ctx *x, const oa_ctx *c, const cJSON *e, oa_model *m)
{
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(e, "kind");
    const cJSON *snap = cJSON_GetObjectItemCaseSensitive(e, "snapshot");
    int k = -1;
    if (kind && (!cJSON_IsString(kind) || !name_in(kind->valuestring, kind_names, 4, &k)))
        return fail(x, "'kind' must be chat, reasoning, embedding or completion");
    const oa_model *known = oa_model_find(c, x->id);
    const oa_model *copy = cJSON_IsString(snap) ? oa_model_find(c, snap->valuestring) : NULL;
    if (known && (k < 0 || (oa_model_kind)k == known->kind)) {
        *m = *known;
    } else if (!known && copy && (k < 0 || (oa_model_kind)k == copy->kind)) {
        *m = *copy;
    } else if (k >= 0) {
        *m = kind_defaults((oa_model_kind)k);
        if (known) { /* a new kind for a known id: keep what names it */
            m->created = known->created;
            memcpy(m->snapshot, known->snapshot, sizeof m->snapshot);
        }
    } else {
        return fail(x, "needs a 'kind' (or a 'snapshot' already in the catalogue to copy)");
    }
    snprintf(m->id, sizeof m->id, "%s", x->id);
    if (!known && !copy)
        snprintf(m->snapshot, sizeof m->snapshot, "%s", x->id);
    return true;
}

/* Kind by kind, the fields a model must and must not have. */
static bool consistent(const entry_ctx *x, const oa_model *m)
{
    if (m->kind == OA_KIND_EMBEDDING && (m->dims < 1 || m->dims > OA_VEC_MAX_DIM))
        return fail(x, "an embedding model needs 'dims' from 1 to %d", OA_VEC_MAX_DIM);
    if (m->kind != OA_KIND_EMBEDDING && m->dims)
        return fail(x, "'dims' is only for embedding models");
    if (m->kind != OA_KIND_EMBEDDING && (m->context < 1 || m->max_output < 1))
        return fail(x, "needs 'context' and 'max_output' of at least 1");
    if (m->max_output > m->context && m->kind != OA_KIND_EMBEDDING)
        return fail(x, "'max_output' (%ld) is above 'context' (%ld)", m->max_output, m->context);
    if (m->efforts && !(m->efforts & 1u << m->default_effort))
        return fail(x, "'default_effort' %s is not in 'efforts'", oa_effort_name(m->default_effort));
    return true;
}

static bool apply_fields(const entry_ctx *x, const cJSON *e, oa_model *m)
{
    long dims = m->dims;
    bool ok = read_text(x, e, "snapshot", m->snapshot, sizeof m->snapshot) &&
              read_num(x, e, "context", 0, 100000000, &m->context) &&
              read_num(x, e, "max_output", 0, 100000000, &m->max_output) &&
              read_num(x, e, "dims", 1, OA_VEC_MAX_DIM, &dims) && read_num(x, e, "created", 0, 4102444800L, &m->created) &&
              read_bool(x, e, "shortenable", &m->shortenable) && read_bool(x, e, "verbosity", &m->verbosity) &&
              read_text(x, e, "owned_by", m->owned_by, sizeof m->owned_by) && read_encoding(x, e, m) &&
              read_efforts(x, e, m);
    m->dims = (unsigned)dims;
    /* a smaller window alone shrinks the output limit with it */
    if (!cJSON_GetObjectItemCaseSensitive(e, "max_output") && m->max_output > m->context)
        m->max_output = m->context;
    return ok;
}

static bool apply_entry(oa_ctx *c, const cJSON *e, entry_ctx *x)
{
    if (!cJSON_IsObject(e))
        return fail(x, "expected an object");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
    if (!cJSON_IsString(id) || !*id->valuestring || strlen(id->valuestring) >= sizeof c->models[0].id)
        return fail(x, "'id' must be a string of 1 to %zu characters", sizeof c->models[0].id - 1);
    x->id = id->valuestring;
    for (const cJSON *f = e->child; f; f = f->next) {
        int k;
        if (!name_in(f->string, entry_keys, sizeof entry_keys / sizeof entry_keys[0], &k))
            return fail(x, "unknown field '%.40s'", f->string);
    }
    oa_model m;
    if (!base_model(x, c, e, &m) || !apply_fields(x, e, &m) || !consistent(x, &m))
        return false;
    size_t i = find_index(c, m.id);
    if (i == c->nmodels && c->nmodels == OA_MAX_MODELS)
        return fail(x, "too many models (at most %d)", OA_MAX_MODELS);
    c->models[i] = m;
    if (i == c->nmodels)
        c->nmodels++;
    return true;
}

bool oa_catalog_load_json(oa_ctx *c, const char *text, size_t len, const char *origin, char *err, size_t errlen)
{
    cJSON *list = json_parse_body(text, len);
    entry_ctx x = {origin, 0, NULL, err, errlen};
    bool ok = cJSON_IsArray(list);
    if (!ok)
        snprintf(err, errlen, "%s: expected a JSON list of model objects", origin);
    for (const cJSON *e = ok ? list->child : NULL; e && ok; e = e->next, x.index++) {
        x.id = NULL;
        ok = apply_entry(c, e, &x);
    }
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
