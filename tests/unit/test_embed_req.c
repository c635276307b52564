/* Validation of POST /v1/embeddings bodies: each case gets the real API's
 * status, message, type, param and code. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "oa_embed_req.h"

static oa_ctx ctx;

static void setup(void)
{
    char err[100];
    ck_assert(oa_ctx_models(&ctx, NULL, err, sizeof err));
}

typedef struct {
    const char *body;
    int status;
    const char *message; /* prefix */
    const char *param;   /* "" = null */
    const char *code;    /* NULL = null */
} bad_case;

static const bad_case bad[] = {
    {"", 400, "We could not parse the JSON body", "", NULL},
    {"{bad", 400, "We could not parse the JSON body", "", NULL},
    {"[1,2]", 400, "We could not parse the JSON body", "", NULL},
    /* cJSON stops after the first value: bytes after it were ignored and the request accepted */
    {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\"} trailing", 400, "We could not parse the JSON body", "",
     NULL},
    {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}}", 400, "We could not parse the JSON body", "", NULL},
    {"{\"input\":\"x\"}", 400, "you must provide a model parameter", "", NULL},
    {"{\"model\":\"text-embedding-3-small\"}", 400, "Missing required parameter: 'input'.", "input",
     "missing_required_parameter"},
    {"{\"model\":5,\"input\":\"x\"}", 400, "Invalid type for 'model': expected a string, but got an integer",
     "model", "invalid_type"},
    {"{\"model\":\"nope\",\"input\":\"x\"}", 404, "The model `nope` does not exist", "", "model_not_found"},
    {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"extra\":1}", 400,
     "Unrecognized request argument supplied: extra", "", NULL},
    {"{\"model\":\"text-embedding-3-small\",\"input\":\"\"}", 400, "input cannot be an empty string", "", NULL},
    {"{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"\"]}", 400, "input cannot be an empty string", "",
     NULL},
    {"{\"model\":\"text-embedding-3-small\",\"input\":[]}", 400, "Invalid 'input': empty array.", "input",
     "empty_array"},
    {"{\"model\":\"text-embedding-3-small\",\"input\":5}", 400, "'$.input' is invalid.", "", NULL},
    {"{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",1]}", 400, "'$.input' is invalid.", "", NULL},
    {"{\"model\":\"text-embedding-3-small\",\"input\":[1,-2]}", 400, "'$.input' is invalid.", "", NULL},
    {"{\"model\":\"text-embedding-3-small\",\"input\":[1.5]}", 400, "'$.input' is invalid.", "", NULL},
    {"{\"model\":\"text-embedding-3-small\",\"input\":[[1],[]]}", 400, "'$.input' is invalid.", "", NULL},
    {"{\"model\":\"text-embedding-3-small\",\"input\":[{\"a\":1}]}", 400, "'$.input' is invalid.", "", NULL},
    {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"encoding_format\":\"hex\"}", 400,
     "Invalid value: 'hex'. Supported values are: 'float' and 'base64'.", "encoding_format", "invalid_value"},
    {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":\"5\"}", 400,
     "Invalid type for 'dimensions': expected an integer, but got a string", "dimensions", "invalid_type"},
    {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":0}", 400,
     "Invalid 'dimensions': integer below minimum value.", "dimensions", "integer_below_min_value"},
    {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":1537}", 400,
     "Invalid value for 'dimensions' = 1537. Must be less than or equal to 1536.", "dimensions", "invalid_value"},
    {"{\"model\":\"text-embedding-ada-002\",\"input\":\"x\",\"dimensions\":8}", 400,
     "This model does not support specifying dimensions.", "", NULL},
    {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"user\":1}", 400,
     "Invalid type for 'user': expected a string", "user", "invalid_type"},
    {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":1e400}", 400,
     "Invalid type for 'dimensions'", "dimensions", "invalid_type"},
    /* 1e400 (infinity) was called "an integer", so the message read "expected an integer, but got an integer";
     * a huge integer is a value out of range, not a wrong type. */
    {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":-1e400}", 400,
     "Invalid type for 'dimensions': expected an integer, but got a decimal instead.", "dimensions", "invalid_type"},
    {"{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":100000000000000000000}", 400,
     "Invalid value for 'dimensions' = 100000000000000000000. Must be less than or equal to 1536.", "dimensions",
     "invalid_value"},
};

START_TEST(bad_bodies)
{
    const bad_case *c = &bad[_i];
    oa_embed_req q;
    oa_err e;
    ck_assert_msg(!oa_embed_parse(&ctx, c->body, strlen(c->body), &q, &e), "accepted: %s", c->body);
    ck_assert_int_eq(e.status, c->status);
    ck_assert_msg(strncmp(e.message, c->message, strlen(c->message)) == 0, "%s: got '%s'", c->body, e.message);
    ck_assert_str_eq(e.param, c->param);
    if (c->code)
        ck_assert_str_eq(e.code, c->code);
    else
        ck_assert_ptr_null(e.code);
    oa_embed_req_free(&q);
}
END_TEST

static oa_embed_req parse_ok(const char *body)
{
    oa_embed_req q;
    oa_err e;
    ck_assert_msg(oa_embed_parse(&ctx, body, strlen(body), &q, &e), "%s: %s", body, e.message);
    return q;
}

START_TEST(good_bodies)
{
    oa_embed_req q = parse_ok("{\"model\":\"text-embedding-3-small\",\"input\":\"hello world\"}");
    ck_assert_uint_eq(q.n, 1);
    ck_assert(q.single);
    ck_assert(!q.base64);
    ck_assert_uint_eq(q.dims, 1536);
    ck_assert_str_eq(q.inputs[0].text, "hello world");
    ck_assert_uint_eq(q.inputs[0].tokens, 2);
    oa_embed_req_free(&q);

    q = parse_ok("{\"model\":\"text-embedding-3-large\",\"input\":[\"a\",\"b\",\"   \"],\"encoding_format\":\"base64\","
                 "\"dimensions\":256,\"user\":\"u1\"}");
    ck_assert_uint_eq(q.n, 3);
    ck_assert(!q.single);
    ck_assert(q.base64);
    ck_assert_uint_eq(q.dims, 256);
    oa_embed_req_free(&q);

    q = parse_ok("{\"model\":\"text-embedding-3-small\",\"input\":[9906,1917]}");
    ck_assert_uint_eq(q.n, 1);
    ck_assert_uint_eq(q.inputs[0].nids, 2);
    ck_assert_int_eq(q.inputs[0].ids[1], 1917);
    ck_assert_uint_eq(q.inputs[0].tokens, 2);
    oa_embed_req_free(&q);

    q = parse_ok("{\"model\":\"text-embedding-3-small\",\"input\":[[1,2,3],[4]],\"encoding_format\":null}");
    ck_assert_uint_eq(q.n, 2);
    ck_assert_uint_eq(q.inputs[1].ids[0], 4);
    oa_embed_req_free(&q);
}
END_TEST

/* Build {"model":..,"input":[ "w w w ...", ... ]} with n inputs of k words. */
static char *big_body(size_t n, size_t words)
{
    buf b = BUF_INIT;
    buf_puts(&b, "{\"model\":\"text-embedding-3-small\",\"input\":[");
    for (size_t i = 0; i < n; i++) {
        buf_puts(&b, i ? ",\"" : "\"");
        for (size_t w = 0; w < words; w++)
            buf_puts(&b, "word ");
        buf_puts(&b, "\"");
    }
    buf_puts(&b, "]}");
    return buf_release(&b);
}

START_TEST(count_limits)
{
    oa_embed_req q;
    oa_err e;
    char *body = big_body(2048, 1);
    ck_assert(oa_embed_parse(&ctx, body, strlen(body), &q, &e));
    oa_embed_req_free(&q);
    free(body);

    body = big_body(2049, 1);
    ck_assert(!oa_embed_parse(&ctx, body, strlen(body), &q, &e));
    ck_assert_str_eq(e.message, "Invalid 'input': array length must be 2048 or less.");
    oa_embed_req_free(&q);
    free(body);
}
END_TEST

START_TEST(token_limits)
{
    oa_embed_req q;
    oa_err e;
    char *body = big_body(2, 9000); /* the second input is over 8192 tokens too */
    ck_assert(!oa_embed_parse(&ctx, body, strlen(body), &q, &e));
    ck_assert_str_eq(e.message, "Invalid 'input[0]': maximum input length is 8192 tokens.");
    ck_assert_str_eq(e.param, "input[0]");
    ck_assert_str_eq(e.code, "invalid_value");
    oa_embed_req_free(&q);
    free(body);

    body = big_body(1, 9000);
    memmove(body + 42, body + 43, strlen(body + 43) + 1); /* "input":[ "..." ] → "input": "..." ] */
    body[strlen(body) - 2] = '}';
    body[strlen(body) - 1] = '\0';
    ck_assert(!oa_embed_parse(&ctx, body, strlen(body), &q, &e));
    ck_assert_str_eq(e.message, "Invalid 'input': maximum context length is 8192 tokens.");
    ck_assert_str_eq(e.param, "");
    oa_embed_req_free(&q);
    free(body);

    body = big_body(40, 8000); /* about 320,000 tokens */
    ck_assert(!oa_embed_parse(&ctx, body, strlen(body), &q, &e));
    unsigned long requested = 0;
    ck_assert_int_eq(sscanf(e.message, "Requested %lu tokens, max 300000 tokens per request", &requested), 1);
    ck_assert_uint_ge(requested, 320000);
    ck_assert_uint_le(requested, 321000);
    ck_assert_ptr_nonnull(strstr(e.message, " tokens, max 300000 tokens per request"));
    ck_assert_str_eq(e.type, "max_tokens_per_request");
    ck_assert_str_eq(e.code, "max_tokens_per_request");
    oa_embed_req_free(&q);
    free(body);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("embed_req");
    TCase *t = tcase_create("core");
    tcase_add_unchecked_fixture(t, setup, NULL);
    tcase_add_loop_test(t, bad_bodies, 0, sizeof bad / sizeof bad[0]);
    tcase_add_test(t, good_bodies);
    tcase_add_test(t, count_limits);
    tcase_add_test(t, token_limits);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
