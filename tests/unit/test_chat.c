/* Chat completions: request checks with the real errors, deterministic
 * replies, JSON that fits a schema, max_tokens cuts. */
#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "oa_chat.h"
#include "oa_tool_policy.h"

static oa_ctx ctx;

static void setup(void)
{
    char err[100];
    ck_assert(oa_ctx_models(&ctx, NULL, err, sizeof err));
}

static bool parse(const char *body, oa_chat_req *q, oa_err *e)
{
    return oa_chat_parse(&ctx, body, strlen(body), q, e);
}

static void reply(const char *body, buf *out, const char **finish)
{
    oa_chat_req q;
    oa_err e;
    ck_assert_msg(parse(body, &q, &e), "%s", e.message);
    oa_chat_reply(&q, 0, out, finish);
    oa_chat_req_free(&q);
}

static const char *bad[][3] = {
    {"{\"model\":\"gpt-4o-mini\"}", "Missing required parameter: 'messages'.", "missing_required_parameter"},
    {"{\"model\":\"gpt-4o-mini\",\"messages\":[]}", "Invalid 'messages': empty array.", "empty_array"},
    {"{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"bot\",\"content\":\"x\"}]}", "Invalid value: 'bot'.", "invalid_value"},
    {"{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "The model `gpt-9` does not exist", "model_not_found"},
    {"{\"model\":\"text-embedding-3-small\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "The model `text-embedding-3-small` does not exist", "model_not_found"},
    {"{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}", "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead.", "integer_below_min_value"},
    {"{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":\"required\"}", "Invalid value for 'tool_choice'", "invalid_value"},
    {"{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":3}", "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.", "decimal_above_max_value"},
    {"{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", "Invalid 'stop': array too long.", "array_above_max_length"},
    {"{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":20000}", "max_tokens is too large: 20000. This model supports at most 16384 completion tokens, whereas you provided 20000.", "invalid_value"},
    {"{\"model\":\"o3\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":20}", "Unsupported parameter: 'max_tokens' is not supported with this model.", "unsupported_parameter"},
    {"{\"model\":\"gpt-5.1\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"reasoning_effort\":\"minimal\"}", "Unsupported value: 'reasoning_effort' does not support 'minimal' with this model. Supported values are: 'none', 'low', 'medium', and 'high'.", "unsupported_value"},
};

START_TEST(bad_requests)
{
    oa_chat_req q;
    oa_err e;
    ck_assert(!parse(bad[_i][0], &q, &e));
    ck_assert_msg(strncmp(e.message, bad[_i][1], strlen(bad[_i][1])) == 0, "%s", e.message);
    ck_assert_str_eq(e.code, bad[_i][2]);
    oa_chat_req_free(&q);
}
END_TEST

START_TEST(context_too_long)
{
    buf b = BUF_INIT;
    buf_puts(&b, "{\"model\":\"gpt-3.5-turbo\",\"messages\":[{\"role\":\"user\",\"content\":\"");
    for (int i = 0; i < 20000; i++)
        buf_puts(&b, "word ");
    buf_puts(&b, "\"}]}");
    oa_chat_req q;
    oa_err e;
    ck_assert(!parse(b.data, &q, &e));
    ck_assert_str_eq(e.code, "context_length_exceeded");
    ck_assert_ptr_nonnull(strstr(e.message, "maximum context length is 16385 tokens"));
    oa_chat_req_free(&q);
    buf_free(&b);
}
END_TEST

START_TEST(same_request_same_reply)
{
    const char *body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"What is covered?\"}]}";
    buf a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
    const char *fa, *fb, *fc;
    reply(body, &a, &fa);
    reply(body, &b, &fb);
    reply("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Something else\"}]}", &c, &fc);
    ck_assert_str_eq(a.data, b.data);
    ck_assert_str_ne(a.data, c.data);
    ck_assert_int_eq(strncmp(a.data, "Mock reply to: What is covered?", 31), 0);
    ck_assert_str_eq(fa, "stop");
    buf_free(&a);
    buf_free(&b);
    buf_free(&c);
}
END_TEST

START_TEST(max_tokens_cuts_with_length)
{
    buf a = BUF_INIT;
    const char *finish;
    reply("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_completion_tokens\":3}", &a, &finish);
    ck_assert_str_eq(finish, "length");
    ck_assert_str_eq(a.data, "Mock reply to"); /* exactly 3 o200k tokens: "Mock", " reply", " to" */
    buf_free(&a);
}
END_TEST

START_TEST(schema_reply_fits)
{
    buf a = BUF_INIT;
    const char *finish;
    reply("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":"
          "\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":{\"type\":\"object\",\"properties\":{\"title\":"
          "{\"type\":\"string\"},\"n\":{\"type\":\"integer\"},\"ok\":{\"type\":\"boolean\"},\"tags\":{\"type\":\"array\","
          "\"items\":{\"type\":\"string\"}},\"kind\":{\"enum\":[\"a\",\"b\"]}},\"required\":[\"title\",\"n\"]}}}}",
          &a, &finish);
    cJSON *j = cJSON_Parse(a.data);
    ck_assert_msg(j != NULL, "not JSON: %s", a.data);
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(j, "title")));
    ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(j, "n")));
    /* optional keys may be left out; present, they fit */
    const cJSON *ok = cJSON_GetObjectItem(j, "ok"), *tags = cJSON_GetObjectItem(j, "tags");
    const cJSON *kind = cJSON_GetObjectItem(j, "kind");
    ck_assert(!ok || cJSON_IsBool(ok));
    ck_assert(!tags || cJSON_IsArray(tags));
    ck_assert(!kind || !strcmp(kind->valuestring, "a") || !strcmp(kind->valuestring, "b"));
    cJSON_Delete(j);
    buf_free(&a);
}
END_TEST

/* response_format and strict tools: the real API's 400s, param and code. */
START_TEST(format_errors)
{
    static const char *const cases[][4] = {
        {"\"response_format\":{\"type\":\"json_object\"}",
         "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
         "messages", NULL},
        {"\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":{\"type\":\"object\"}}}",
         "Missing required parameter: 'response_format.json_schema.name'.", "response_format.json_schema.name",
         "missing_required_parameter"},
        {"\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"a.v4\",\"schema\":{}}}",
         "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches "
         "the pattern '^[a-zA-Z0-9_-]+$'.", "response_format.json_schema.name", "invalid_value"},
        {"\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"strict\":true,\"schema\":"
         "{\"type\":\"object\",\"properties\":{}}}}",
         "Invalid schema for response_format 's': In context=(), 'additionalProperties' is required to be supplied "
         "and to be false.", "response_format", NULL},
        {"\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}},{\"type\":\"function\",\"function\":"
         "{\"name\":\"g\",\"strict\":true,\"parameters\":{\"type\":\"object\",\"additionalProperties\":false,"
         "\"properties\":{\"x\":{}}}}}]",
         "Invalid schema for function 'g': In context=(), 'required' is required to be supplied and to be an array "
         "including every key in properties. Missing 'x'.", "tools[1].function.parameters", "invalid_function_parameters"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[900];
        snprintf(body, sizeof body, "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],%s}",
                 cases[i][0]);
        oa_chat_req q;
        oa_err e;
        ck_assert_msg(!parse(body, &q, &e), "accepted: %s", body);
        ck_assert_int_eq(e.status, 400);
        ck_assert_str_eq(e.message, cases[i][1]);
        ck_assert_str_eq(e.param, cases[i][2]);
        if (cases[i][3])
            ck_assert_str_eq(e.code, cases[i][3]);
        else
            ck_assert_ptr_null(e.code);
        oa_chat_req_free(&q);
    }
}
END_TEST

/* json_object follows an example object shown in a message. */
START_TEST(json_object_follows_example)
{
    buf a = BUF_INIT;
    const char *finish;
    reply("{\"model\":\"gpt-4o-mini\",\"response_format\":{\"type\":\"json_object\"},\"messages\":[{\"role\":"
          "\"system\",\"content\":\"Answer in JSON: {\\\"title\\\": \\\"x\\\", \\\"n\\\": 1}\"},{\"role\":\"user\","
          "\"content\":\"plans for Oslo\"}]}", &a, &finish);
    cJSON *j = cJSON_Parse(a.data);
    ck_assert_msg(cJSON_IsString(cJSON_GetObjectItem(j, "title")) && cJSON_IsNumber(cJSON_GetObjectItem(j, "n")), "%s",
                  a.data);
    ck_assert_int_eq(cJSON_GetArraySize(j), 2);
    cJSON_Delete(j);
    buf_free(&a);
}
END_TEST

START_TEST(forced_tool_call)
{
    buf a = BUF_INIT;
    const char *finish;
    oa_chat_req q;
    oa_err e;
    ck_assert(parse("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[{\"type\":\"function\","
                    "\"function\":{\"name\":\"lookup\",\"parameters\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\"}},"
                    "\"required\":[\"id\"]}}}],\"tool_choice\":\"required\"}",
                    &q, &e));
    oa_chat_reply(&q, 0, &a, &finish);
    ck_assert_str_eq(finish, "tool_calls");
    ck_assert_uint_eq(oa_tool_calls_count(&q), 1);
    buf_clear(&a);
    ck_assert_str_eq(oa_tool_call(&q, 0, 0, &a), "lookup");
    cJSON *j = cJSON_Parse(a.data);
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(j, "id")));
    cJSON_Delete(j);
    buf_free(&a);
    oa_chat_req_free(&q);
}
END_TEST

/* SSE: every event is "data: <json>\n\n", one content delta per word
 * that add up to the plain reply, finish, usage, then [DONE]. */
START_TEST(sse_framing)
{
    const char *body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me\"}],"
                       "\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    oa_chat_req q;
    oa_err e;
    ck_assert(parse(body, &q, &e));
    buf sse = BUF_INIT, plain = BUF_INIT, joined = BUF_INIT;
    size_t events = oa_chat_sse(&sse, &q, "chatcmpl-x", 1);
    const char *finish;
    oa_chat_reply(&q, 0, &plain, &finish);
    int n = 0;
    bool done = false, usage = false;
    for (char *ev = sse.data; *ev; n++) {
        char *end = strstr(ev, "\n\n");
        ck_assert_ptr_nonnull(end);
        ck_assert_int_eq(strncmp(ev, "data: ", 6), 0);
        *end = '\0';
        if (!strcmp(ev + 6, "[DONE]")) {
            done = true;
            ck_assert_str_eq(end + 2, "");
            break;
        }
        cJSON *c = cJSON_Parse(ev + 6);
        ck_assert_msg(c != NULL, "bad JSON: %s", ev + 6);
        ck_assert_str_eq(cJSON_GetObjectItem(c, "id")->valuestring, "chatcmpl-x");
        cJSON *choice = cJSON_GetArrayItem(cJSON_GetObjectItem(c, "choices"), 0);
        cJSON *content = cJSON_GetObjectItem(cJSON_GetObjectItem(choice, "delta"), "content");
        if (cJSON_IsString(content))
            buf_puts(&joined, content->valuestring);
        usage = usage || cJSON_IsObject(cJSON_GetObjectItem(c, "usage"));
        cJSON_Delete(c);
        ev = end + 2;
    }
    ck_assert(done);
    ck_assert(usage);
    ck_assert_str_eq(joined.data, plain.data);
    ck_assert_uint_eq((size_t)n, events + 3); /* role, one per word, finish, usage (then [DONE]) */
    buf_free(&sse);
    buf_free(&plain);
    buf_free(&joined);
    oa_chat_req_free(&q);
}
END_TEST

/* Reasoning tokens: none for chat models, more for each step of effort,
 * within max_completion_tokens with the visible text. */
static long reasoning(const char *model, const char *extra)
{
    char body[300];
    snprintf(body, sizeof body, "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"plan\"}]%s}", model, extra);
    oa_chat_req q;
    oa_err e;
    ck_assert_msg(parse(body, &q, &e), "%s", e.message);
    long r = q.reasoning_tokens;
    ck_assert(q.max_tokens == 0 || q.max_tokens + r <= 30);
    oa_chat_req_free(&q);
    return r;
}

START_TEST(reasoning_tokens_grow_with_effort)
{
    ck_assert_int_eq(reasoning("gpt-4o", ""), 0);
    ck_assert_int_eq(reasoning("gpt-5.1", ""), 0); /* effort none by default */
    long minimal = reasoning("gpt-5", ",\"reasoning_effort\":\"minimal\""), low = reasoning("gpt-5", ",\"reasoning_effort\":\"low\""),
         medium = reasoning("gpt-5", ""), high = reasoning("gpt-5", ",\"reasoning_effort\":\"high\"");
    ck_assert(0 < minimal && minimal < low && low < medium && medium < high);
    ck_assert_int_eq(reasoning("gpt-5", ",\"reasoning_effort\":\"high\""), high);
    /* all of the budget, and no text (oa_chat_reply answers "length") */
    ck_assert_int_eq(reasoning("gpt-5", ",\"reasoning_effort\":\"high\",\"max_completion_tokens\":30"), 30);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("chat");
    TCase *t = tcase_create("core");
    tcase_add_unchecked_fixture(t, setup, NULL);
    tcase_add_loop_test(t, bad_requests, 0, sizeof bad / sizeof bad[0]);
    tcase_add_test(t, format_errors);
    tcase_add_test(t, json_object_follows_example);
    tcase_add_test(t, context_too_long);
    tcase_add_test(t, same_request_same_reply);
    tcase_add_test(t, max_tokens_cuts_with_length);
    tcase_add_test(t, schema_reply_fits);
    tcase_add_test(t, forced_tool_call);
    tcase_add_test(t, sse_framing);
    tcase_add_test(t, reasoning_tokens_grow_with_effort);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
