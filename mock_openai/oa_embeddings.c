/* POST /v1/embeddings: authenticate, validate, write the vectors. */
#include "oa_embed_req.h"
#include "oa_embed_resp.h"
#include "oa_error.h"
#include "oa_azure.h"
#include "oa_handlers.h"
#include "oa_ratelimit.h"

void oa_handle_embeddings(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    size_t len;
    const char *body = oa_req_body(r, &len); /* Azure: its deployment's model */
    oa_embed_req q;
    oa_err e;
    if (!oa_embed_parse(c, body, len, &q, &e)) {
        oa_error_send(r, &e);
    } else if (!oa_ratelimit_take(c->rl, r, q.model->id, oa_embed_tokens(&q))) {
        /* the 429 is written */
    } else if (!oa_embed_write(srv_resp_body(r), &q, c->embed_cache, r)) {
        oa_core_error(r, 500, "out of memory");
    } else {
        srv_resp_header(r, "openai-model", q.model->id);
    }
    oa_embed_req_free(&q);
}
