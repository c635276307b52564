/* The model registry and GET /v1/models, /v1/models/{id}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oa_ctx.h"
#include "oa_error.h"
#include "oa_handlers.h"
#include "oa_vector.h"

static const oa_model builtin[] = {
    {"text-embedding-3-small", 1536, 0, true, 1705948997, "system", OA_BPE_CL100K},
    {"text-embedding-3-large", 3072, 0, true, 1705953180, "system", OA_BPE_CL100K},
    {"text-embedding-ada-002", 1536, 0, false, 1671217299, "openai-internal", OA_BPE_CL100K},
    {"gpt-4o-mini", 0, 128000, false, 1721172741, "system", OA_BPE_O200K},
    {"gpt-4o", 0, 128000, false, 1715367049, "system", OA_BPE_O200K},
    {"gpt-4.1", 0, 1047576, false, 1744316542, "system", OA_BPE_O200K},
    {"gpt-4.1-mini", 0, 1047576, false, 1744318173, "system", OA_BPE_O200K},
    {"gpt-3.5-turbo", 0, 16385, false, 1677610602, "openai", OA_BPE_CL100K},
};

/* Index of model id, or c->nmodels when there is none. */
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

static bool add_extra(oa_ctx *c, const char *spec, char *err, size_t errlen)
{
    const char *colon = strrchr(spec, ':');
    char *end = NULL;
    long dims = colon ? strtol(colon + 1, &end, 10) : 0;
    size_t idlen = colon ? (size_t)(colon - spec) : 0;
    if (!colon || idlen == 0 || idlen >= sizeof c->models[0].id || *end || dims < 1 || dims > OA_VEC_MAX_DIM) {
        snprintf(err, errlen, "invalid model '%s': expected NAME:DIMS with DIMS in 1..%d", spec, OA_VEC_MAX_DIM);
        return false;
    }
    char id[sizeof c->models[0].id];
    memcpy(id, spec, idlen);
    id[idlen] = '\0';
    size_t i = find_index(c, id);
    if (i == c->nmodels) {
        if (c->nmodels == OA_MAX_MODELS) {
            snprintf(err, errlen, "too many models (at most %d)", OA_MAX_MODELS);
            return false;
        }
        c->models[c->nmodels++] = (oa_model){"", 0, 0, true, 1705948997, "system", OA_BPE_CL100K};
        memcpy(c->models[i].id, id, idlen + 1);
    }
    c->models[i].dims = (unsigned)dims;
    return true;
}

bool oa_ctx_models(oa_ctx *c, const cli_list *extra, char *err, size_t errlen)
{
    c->nmodels = sizeof builtin / sizeof builtin[0];
    memcpy(c->models, builtin, sizeof builtin);
    for (size_t i = 0; extra && i < extra->n; i++) {
        if (!add_extra(c, extra->items[i], err, errlen))
            return false;
    }
    return true;
}

static void write_model(buf *b, const oa_model *m)
{
    buf_puts(b, "{\"id\":");
    buf_json_str(b, m->id, strlen(m->id));
    buf_printf(b, ",\"object\":\"model\",\"created\":%ld,\"owned_by\":\"%s\"}", m->created, m->owned_by);
}

void oa_handle_models_list(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    buf *b = srv_resp_body(r);
    buf_puts(b, "{\"object\":\"list\",\"data\":[");
    for (size_t i = 0; i < c->nmodels; i++) {
        if (i)
            buf_puts(b, ",");
        write_model(b, &c->models[i]);
    }
    buf_puts(b, "]}");
}

void oa_handle_model_get(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    const char *id = srv_req_param(r, "id");
    const oa_model *m = oa_model_find(c, id);
    if (!m) {
        oa_error_model_not_found(r, id);
        return;
    }
    write_model(srv_resp_body(r), m);
}
