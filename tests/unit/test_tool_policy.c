/* The tool policy: which tools a chat reply calls, turn by turn, so that
 * agent loops end; --replies tool calls act once; call ids. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "oa_chat.h"
#include "oa_tool_policy.h"

static oa_ctx ctx;

static void setup(void)
{
    char err[100];
    ck_assert(oa_ctx_models(&ctx, NULL, err, sizeof err));
}

#define TOOLS                                                                                                     \
    "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Current weather "    \
    "for a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"             \
    "\"required\":[\"city\"]}}},{\"type\":\"function\",\"function\":{\"name\":\"lookupLocalTime\",\"parameters\":" \
    "{\"type\":\"object\",\"properties\":{}}}},{\"type\":\"function\",\"function\":{\"name\":\"extract-1\","       \
    "\"description\":\"Final answer\",\"parameters\":{\"type\":\"object\",\"properties\":{\"summary\":{\"type\":"  \
    "\"string\"}},\"required\":[\"summary\"]}}}]"

static void parse(const char *body, oa_chat_req *q)
{
    oa_err e;
    ck_assert_msg(oa_chat_parse(&ctx, body, strlen(body), q, &e), "%s", e.message);
}

/* The names of the calls, comma-separated. */
static void names(const oa_chat_req *q, char *out, size_t n)
{
    out[0] = '\0';
    for (size_t k = 0; k < oa_tool_calls_count(q); k++) {
        buf args = BUF_INIT;
        const char *name = oa_tool_call(q, 0, k, &args);
        snprintf(out + strlen(out), n - strlen(out), "%s%s", k ? "," : "", name);
        buf_free(&args);
    }
}

static const char *cases[][2] = {
    /* auto: the tools the last user message talks about (camelCase cut) */
    {"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"}]," TOOLS "}",
     "get_weather"},
    {"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather and local time in Paris\"}]," TOOLS "}",
     "get_weather,lookupLocalTime"},
    {"{\"model\":\"gpt-4o\",\"parallel_tool_calls\":false,\"messages\":[{\"role\":\"user\",\"content\":\"Weather and local "
     "time in Paris\"}]," TOOLS "}",
     "get_weather"},
    {"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a joke\"}]," TOOLS "}", ""},
    /* none: never */
    {"{\"model\":\"gpt-4o\",\"tool_choice\":\"none\",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}]," TOOLS "}",
     ""},
    /* after a tool result, auto calls the final-answer tool not yet called
     * (LangChain's toolStrategy), then answers in text */
    {"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"},{\"role\":"
     "\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":"
     "\"get_weather\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"18C and sunny\"}]," TOOLS "}",
     "extract-1"},
    {"{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"},{\"role\":"
     "\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":"
     "\"extract-1\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"done\"}]," TOOLS "}",
     ""},
    /* required: one tool not yet called, one the user talks about first,
     * then one that gives the final answer */
    {"{\"model\":\"gpt-4o\",\"tool_choice\":\"required\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the "
     "weather?\"}]," TOOLS "}",
     "get_weather"},
    {"{\"model\":\"gpt-4o\",\"tool_choice\":\"required\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in "
     "Paris?\"},{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":"
     "{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"18C\"}]," TOOLS "}",
     "extract-1"},
    /* named: that one */
    {"{\"model\":\"gpt-4o\",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"extract-1\"}},\"messages\":[{"
     "\"role\":\"user\",\"content\":\"weather\"}]," TOOLS "}",
     "extract-1"},
};

START_TEST(decides_calls)
{
    oa_chat_req q;
    char got[200];
    parse(cases[_i][0], &q);
    names(&q, got, sizeof got);
    ck_assert_str_eq(got, cases[_i][1]);
    buf text = BUF_INIT;
    const char *finish;
    oa_chat_reply(&q, 0, &text, &finish);
    ck_assert_str_eq(finish, *cases[_i][1] ? "tool_calls" : "stop");
    buf_free(&text);
    oa_chat_req_free(&q);
}
END_TEST

/* required walks the tools not yet called: the final-answer tool last. */
START_TEST(required_ends_with_the_uncalled_tool)
{
    oa_chat_req q;
    char got[200];
    parse("{\"model\":\"gpt-4o\",\"tool_choice\":\"required\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":"
          "\"assistant\",\"tool_calls\":[{\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
          "\"arguments\":\"{}\"}},{\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"lookupLocalTime\",\"arguments\":"
          "\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":\"a\",\"content\":\"x\"},{\"role\":\"tool\",\"tool_call_id\":\"b\","
          "\"content\":\"y\"}]," TOOLS "}",
          &q);
    names(&q, got, sizeof got);
    ck_assert_str_eq(got, "extract-1");
    buf args = BUF_INIT;
    oa_tool_call(&q, 0, 0, &args);
    cJSON *j = cJSON_Parse(args.data);
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(j, "summary")));
    cJSON_Delete(j);
    buf_free(&args);
    oa_chat_req_free(&q);
}
END_TEST

START_TEST(answer_quotes_tool_results)
{
    oa_chat_req q;
    /* no final-answer tool offered: after the result, text */
    parse("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the weather in Paris?\"},"
          "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
          "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"tool_call_id\":"
          "\"call_1\",\"content\":\"18C and sunny\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":"
          "\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]}",
          &q);
    ck_assert_uint_eq(oa_tool_calls_count(&q), 0);
    buf text = BUF_INIT;
    const char *finish;
    oa_chat_reply(&q, 0, &text, &finish);
    ck_assert_msg(strstr(text.data, "18C and sunny"), "%s", text.data);
    buf_free(&text);
    oa_chat_req_free(&q);
}
END_TEST

START_TEST(call_ids_unique_and_stable)
{
    oa_chat_req a, b, c;
    parse(cases[1][0], &a);
    parse(cases[1][0], &b);
    parse(cases[0][0], &c);
    char ia0[32], ia1[32], ib0[32], ic0[32];
    oa_tool_call_id(&a, 0, 0, ia0);
    oa_tool_call_id(&a, 0, 1, ia1);
    oa_tool_call_id(&b, 0, 0, ib0);
    oa_tool_call_id(&c, 0, 0, ic0);
    ck_assert_uint_eq(strlen(ia0), 29);
    ck_assert(!strncmp(ia0, "call_", 5));
    ck_assert_str_ne(ia0, ia1);
    ck_assert_str_eq(ia0, ib0);
    ck_assert_str_ne(ia0, ic0);
    oa_chat_req_free(&a);
    oa_chat_req_free(&b);
    oa_chat_req_free(&c);
}
END_TEST

START_TEST(bad_tool_choice)
{
    oa_chat_req q;
    oa_err e;
    const char *body = "{\"model\":\"gpt-4o\",\"tool_choice\":\"always\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]," TOOLS "}";
    ck_assert(!oa_chat_parse(&ctx, body, strlen(body), &q, &e));
    ck_assert_str_eq(e.param, "tool_choice");
    ck_assert_str_eq(e.code, "invalid_value");
    oa_chat_req_free(&q);
}
END_TEST

/* A --replies tool call fires on its turn, not after its tool answered. */
START_TEST(scripted_call_acts_once)
{
    char path[] = "/tmp/tools-replies-XXXXXX", err[200];
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    const char *rules = "[{\"match\":\"weather\",\"tool_call\":{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}}]";
    ck_assert(write(fd, rules, strlen(rules)) == (ssize_t)strlen(rules));
    close(fd);
    oa_replies *r = oa_replies_load(path, err, sizeof err);
    unlink(path);
    ck_assert_msg(r, "%s", err);
    oa_chat_req q;
    parse(cases[0][0], &q);
    oa_replies_apply(r, &q);
    ck_assert_str_eq(q.scripted_tool, "get_weather");
    oa_chat_req_free(&q);
    parse(cases[5][0], &q); /* the same question, answered by the tool */
    oa_replies_apply(r, &q);
    ck_assert_ptr_null(q.scripted_tool);
    char got[200];
    names(&q, got, sizeof got);
    ck_assert_str_eq(got, "extract-1"); /* the policy's final answer, not get_weather again */
    oa_chat_req_free(&q);
    parse(cases[4][0], &q); /* tool_choice none */
    oa_replies_apply(r, &q);
    ck_assert_ptr_null(q.scripted_tool);
    oa_chat_req_free(&q);
    oa_replies_free(r);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tool_policy");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_loop_test(t, decides_calls, 0, sizeof cases / sizeof cases[0]);
    tcase_add_test(t, required_ends_with_the_uncalled_tool);
    tcase_add_test(t, answer_quotes_tool_results);
    tcase_add_test(t, call_ids_unique_and_stable);
    tcase_add_test(t, bad_tool_choice);
    tcase_add_test(t, scripted_call_acts_once);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
