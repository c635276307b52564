/* POST /v1/chat/completions bodies: the fuzz input is the request body, read
 * by oa_chat_parse (oa_chat_req.c), then answered as the handler would:
 * oa_chat_reply per choice, the whole chat.completion JSON and the SSE
 * stream (oa_chat_reply.c, oa_chat.c), schema-shaped JSON included.
 *
 * Beyond "no crash, no leak": an accepted request names a chat model, has
 * n in 1..128, max_tokens in 0..1e6 and prompt tokens within the model's
 * context; a reply's finish reason is stop, length or tool_calls; a reply
 * cut for length fits max_tokens; JSON replies (json_object, json_schema,
 * each tool call's arguments) and the whole answer are valid JSON; every SSE
 * event is "data: <JSON>" and the stream ends with [DONE]. A refused body
 * gets a 400 or 404 with a message. */
#include <string.h>

#include "fuzz_common.h"
#include "oa_chat.h"
#include "oa_tokens.h"
#include "oa_tool_policy.h"

static oa_ctx ctx;
static const char id[] = "chatcmpl-00112233445566778899aabb";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[128];
    FUZZ_CHECK(oa_ctx_models(&ctx, NULL, err, sizeof err));
    return 0;
}

static void check_reply(const oa_chat_req *q, long i)
{
    buf out = BUF_INIT;
    const char *finish = NULL;
    oa_chat_reply(q, i, &out, &finish);
    FUZZ_CHECK(finish && (!strcmp(finish, "stop") || !strcmp(finish, "length") || !strcmp(finish, "tool_calls")));
    for (size_t k = 0; k < oa_tool_calls_count(q); k++) { /* each call's arguments */
        buf args = BUF_INIT;
        FUZZ_CHECK(oa_tool_call(q, i, k, &args));
        FUZZ_CHECK(fuzz_json_valid(args.data, args.len));
        buf_free(&args);
    }
    if (!oa_tool_calls_count(q) && (q->schema || q->json_object))
        FUZZ_CHECK(fuzz_json_valid(out.data, out.len));
    if (!strcmp(finish, "length"))
        FUZZ_CHECK((long)oa_tokens_count(q->model, out.data ? out.data : "", out.len) <= q->max_tokens);
    buf_free(&out);
}

static void check_accepted(const oa_chat_req *q)
{
    FUZZ_CHECK(q->model && q->model->context > 0 && q->model->dims == 0);
    FUZZ_CHECK(q->n >= 1 && q->n <= 128);
    FUZZ_CHECK(q->max_tokens >= 0 && q->max_tokens <= 1000000);
    FUZZ_CHECK((long)q->prompt_tokens <= q->model->context);
    FUZZ_CHECK(q->last_user);
    for (long i = 0; i < q->n && i < 3; i++)
        check_reply(q, i);
    if (q->n > 8)
        return; /* every choice is the same code again: keep each run fast */
    buf b = BUF_INIT;
    oa_chat_json(&b, q, id, 1700000000);
    FUZZ_CHECK(fuzz_json_valid(b.data, b.len));
    buf_clear(&b);
    oa_chat_sse(&b, q, id, 1700000000);
    fuzz_sse_check(&b);
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *body = fuzz_copy(data, size);
    oa_chat_req q;
    oa_err e;
    if (oa_chat_parse(&ctx, body, size, &q, &e)) {
        check_accepted(&q);
    } else {
        FUZZ_CHECK(e.status == 400 || e.status == 404);
        FUZZ_CHECK(e.type && memchr(e.message, '\0', sizeof e.message) && e.message[0]);
    }
    oa_chat_req_free(&q);
    free(body);
    return 0;
}
