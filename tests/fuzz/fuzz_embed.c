/* POST /v1/embeddings bodies: the fuzz input is the request body, read by
 * oa_embed_parse (oa_embed_req.c, oa_embed_input.c, oa_tokens.c) with the
 * built-in models.
 *
 * Beyond "no crash, no leak": an accepted request has 1..2048 inputs, a
 * model with embeddings, dims within 1..the model's size, every input a
 * non-empty text of the stated length or a non-empty run of token ids in
 * 0..2^31-1, and token counts within the per-input and per-request limits;
 * a refused one carries a 400/404/500 status with a type and a message. */
#include <string.h>

#include "fuzz_common.h"
#include "oa_embed_req.h"

static oa_ctx ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[128];
    FUZZ_CHECK(oa_ctx_models(&ctx, NULL, err, sizeof err));
    return 0;
}

static void check_accepted(const oa_embed_req *q)
{
    FUZZ_CHECK(q->model && q->model->dims > 0);
    FUZZ_CHECK(q->dims >= 1 && q->dims <= q->model->dims);
    FUZZ_CHECK(q->n >= 1 && q->n <= OA_MAX_INPUTS);
    FUZZ_CHECK(!q->single || q->n == 1);
    size_t total = 0;
    for (size_t i = 0; i < q->n; i++) {
        const oa_input *in = &q->inputs[i];
        FUZZ_CHECK(in->text && in->len > 0);
        if (!in->ids) {
            FUZZ_CHECK(strlen(in->text) == in->len);
        } else { /* token ids, decoded: the text may hold a NUL (token 0 is one) */
            FUZZ_CHECK(in->nids > 0 && in->tokens == in->nids);
            for (size_t k = 0; k < in->nids; k++)
                FUZZ_CHECK(in->ids[k] >= 0 && in->ids[k] <= 2147483647);
        }
        FUZZ_CHECK(in->tokens <= OA_MAX_INPUT_TOKENS);
        total += in->tokens;
    }
    FUZZ_CHECK(total <= OA_MAX_REQUEST_TOKENS && total == oa_embed_tokens(q));
}

static void check_refused(const oa_err *e)
{
    FUZZ_CHECK(e->status == 400 || e->status == 404 || e->status == 500);
    FUZZ_CHECK(e->type && e->type[0]);
    FUZZ_CHECK(memchr(e->message, '\0', sizeof e->message) && e->message[0]);
    FUZZ_CHECK(memchr(e->param, '\0', sizeof e->param));
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *body = fuzz_copy(data, size);
    oa_embed_req q;
    oa_err e;
    if (oa_embed_parse(&ctx, body, size, &q, &e))
        check_accepted(&q);
    else
        check_refused(&e);
    oa_embed_req_free(&q);
    free(body);
    return 0;
}
