/* One catalogue entry (oa_catalog.json, --models FILE, --model SPEC): the
 * model it starts from, its fields, and the checks each kind needs. */
#include <cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "oa_catalog.h"
#include "oa_vector.h"

static const char *const kind_names[] = {"chat", "reasoning", "embedding", "completion"};

/* Every key an entry may have: anything else is a typo worth refusing. */
static const char *const entry_keys[] = {"id", "kind", "snapshot", "context", "max_output", "encoding", "dims",
                                         "shortenable", "efforts", "default_effort", "verbosity", "created", "owned_by"};

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
    oa_effort one;
    if (list) {
        if (!cJSON_IsArray(list))
            return fail(x, "'efforts' must be a list of reasoning_effort values");
        m->efforts = 0;
        for (const cJSON *v = list->child; v; v = v->next) {
            if (!cJSON_IsString(v) || !oa_effort_parse(v->valuestring, &one))
                return fail(x, "'efforts' holds an unknown value (none, minimal, low, medium, high, xhigh, max)");
            m->efforts |= 1u << one;
        }
    }
    if (def) {
        if (!cJSON_IsString(def) || !oa_effort_parse(def->valuestring, &one))
            return fail(x, "'default_effort' must be one of none, minimal, low, medium, high, xhigh, max");
        m->default_effort = one;
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

bool oa_catalog_apply(oa_ctx *c, const void *json, const char *origin, size_t index, char *err, size_t errlen)
{
    const cJSON *e = json;
    entry_ctx ctx = {origin, index, NULL, err, errlen}, *x = &ctx;
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
    const oa_model *known = oa_model_find(c, m.id);
    size_t i = known ? (size_t)(known - c->models) : c->nmodels;
    if (i == c->nmodels && c->nmodels == OA_MAX_MODELS)
        return fail(x, "too many models (at most %d)", OA_MAX_MODELS);
    c->models[i] = m;
    if (i == c->nmodels)
        c->nmodels++;
    return true;
}
