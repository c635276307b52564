/* POST /v1/completions bodies: the fuzz input is the request body, read by
 * oa_cmpl_parse (oa_completions_req.c), then answered as the handler
 * would: the text_completion JSON and its stream (oa_completions.c),
 * token-id prompts, echo and legacy logprobs included.
 *
 * Beyond "no crash, no leak": an accepted request names a completion
 * model, has n in 1..128, logprobs in -1..5, max_tokens in 0..1e6 within
 * the context with its prompt; each choice's added words fit max_tokens;
 * the answer is valid JSON; every SSE event is "data: <JSON>" and the
 * stream ends with [DONE]. A refused body gets a 400 or 404 with a
 * message. */
#include <string.h>

#include "fuzz_common.h"
#include "oa_completions.h"
#include "oa_tokens.h"

static oa_ctx ctx;
static const char id[] = "cmpl-0123456789abcdefghijklmnopqrs";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[128];
    FUZZ_CHECK(oa_ctx_models(&ctx, NULL, err, sizeof err));
    return 0;
}

static void check_accepted(const oa_cmpl_req *q)
{
    FUZZ_CHECK(q->model && oa_completion_model(&ctx, q->model->id) == q->model);
    FUZZ_CHECK(q->n >= 1 && q->n <= 128 && q->logprobs >= -1 && q->logprobs <= 5);
    FUZZ_CHECK(q->max_tokens >= 0 && q->max_tokens <= q->model->context);
    FUZZ_CHECK(q->nprompts >= 1);
    for (size_t p = 0; p < q->nprompts && p < 3; p++) {
        buf out = BUF_INIT;
        const char *finish = NULL;
        oa_cmpl_text(q, p, 0, &out, &finish);
        FUZZ_CHECK(finish && (!strcmp(finish, "stop") || !strcmp(finish, "length")));
        FUZZ_CHECK((long)oa_tokens_count(q->model, out.data ? out.data : "", out.len) <= q->max_tokens);
        buf_free(&out);
    }
    if (q->n * (long)q->nprompts > 8)
        return; /* every choice is the same code again: keep each run fast */
    buf b = BUF_INIT;
    oa_cmpl_json(&b, q, id, 1700000000);
    FUZZ_CHECK(fuzz_json_valid(b.data, b.len));
    buf_clear(&b);
    oa_cmpl_sse(&b, q, id, 1700000000);
    fuzz_sse_check(&b);
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *body = fuzz_copy(data, size);
    oa_cmpl_req q;
    oa_err e;
    if (oa_cmpl_parse(&ctx, body, size, &q, &e)) {
        check_accepted(&q);
    } else {
        FUZZ_CHECK(e.status == 400 || e.status == 404 || e.status == 500);
        FUZZ_CHECK(e.type && memchr(e.message, '\0', sizeof e.message) && e.message[0]);
    }
    oa_cmpl_req_free(&q);
    free(body);
    return 0;
}
