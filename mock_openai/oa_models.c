/* GET /v1/models, /v1/models/{id}: the catalogue (oa_catalog.c) as the API lists it. */
#include <stdio.h>
#include <string.h>

#include "oa_ctx.h"
#include "oa_error.h"
#include "oa_handlers.h"

static void write_model(buf *b, const oa_model *m)
{
    buf_puts(b, "{\"id\":");
    buf_json_str(b, m->id, strlen(m->id));
    buf_printf(b, ",\"object\":\"model\",\"created\":%ld,\"owned_by\":", m->created);
    buf_json_str(b, m->owned_by, strlen(m->owned_by));
    buf_puts(b, "}");
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
