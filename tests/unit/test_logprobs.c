/* Logprobs: an entry for every token of the text (the exact tokenizer),
 * the chosen token first among top_logprobs, deterministic, and the real
 * API's checks of logprobs / top_logprobs. */
#include <cJSON.h>
#include <math.h>
#include <string.h>

#include "check_main.h"
#include "oa_logprobs.h"
#include "oa_tokens.h"

static oa_ctx ctx;

static void setup(void)
{
    char err[100];
    ck_assert(oa_ctx_models(&ctx, NULL, err, sizeof err));
}

static const char *texts[] = {"Mock reply to: hello there. The plan covers this.", "café ☕ naïve 東京", "", "a"};

START_TEST(chat_entries_cover_every_token)
{
    const oa_model *m = oa_model_find(&ctx, "gpt-4o-mini");
    const char *text = texts[_i];
    oa_lp_tokens t;
    ck_assert(oa_lp_split(m, text, strlen(text), &t));
    ck_assert_uint_eq(t.n, oa_tokens_count(m, text, strlen(text)));
    buf a = BUF_INIT, b = BUF_INIT;
    oa_logprobs_chat(&a, 42, 3, text, &t, 0, t.n);
    oa_logprobs_chat(&b, 42, 3, text, &t, 0, t.n);
    ck_assert_str_eq(a.data, b.data);
    cJSON *j = cJSON_Parse(a.data);
    ck_assert_msg(j, "%s", a.data);
    const cJSON *content = cJSON_GetObjectItem(j, "content");
    ck_assert_int_eq(cJSON_GetArraySize(content), (int)t.n);
    buf joined = BUF_INIT;
    const cJSON *e;
    cJSON_ArrayForEach(e, content)
    {
        double lp = cJSON_GetObjectItem(e, "logprob")->valuedouble;
        ck_assert(lp <= 0);
        const cJSON *bytes = cJSON_GetObjectItem(e, "bytes"), *byte;
        cJSON_ArrayForEach(byte, bytes)
        {
            char c = (char)byte->valueint;
            buf_append(&joined, &c, 1);
        }
        const cJSON *top = cJSON_GetObjectItem(e, "top_logprobs");
        ck_assert_int_eq(cJSON_GetArraySize(top), 3);
        ck_assert_str_eq(cJSON_GetObjectItem(top->child, "token")->valuestring, cJSON_GetObjectItem(e, "token")->valuestring);
        double prev = 1, sum = 0;
        const cJSON *alt;
        cJSON_ArrayForEach(alt, top)
        {
            double l = cJSON_GetObjectItem(alt, "logprob")->valuedouble;
            ck_assert(l < prev);
            prev = l;
            sum += exp(l);
        }
        ck_assert(sum <= 1.0);
    }
    ck_assert_uint_eq(joined.len, strlen(text));
    ck_assert(joined.len == 0 || !memcmp(joined.data, text, joined.len));
    buf_free(&joined);
    cJSON_Delete(j);
    buf_free(&a);
    buf_free(&b);
    oa_lp_tokens_free(&t);
}
END_TEST

START_TEST(legacy_shape)
{
    const char *text = "Say this is a test";
    oa_lp_tokens t;
    ck_assert(oa_lp_split(oa_model_find(&ctx, "gpt-3.5-turbo"), text, strlen(text), &t));
    buf a = BUF_INIT;
    oa_logprobs_legacy(&a, 7, 2, text, &t, 0, t.n, 10, true);
    cJSON *j = cJSON_Parse(a.data);
    ck_assert_msg(j, "%s", a.data);
    int n = (int)t.n;
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "tokens")), n);
    const cJSON *lps = cJSON_GetObjectItem(j, "token_logprobs"), *tops = cJSON_GetObjectItem(j, "top_logprobs");
    ck_assert(cJSON_IsNull(cJSON_GetArrayItem(lps, 0)) && cJSON_IsNull(cJSON_GetArrayItem(tops, 0)));
    ck_assert(cJSON_GetArrayItem(lps, 1)->valuedouble < 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetArrayItem(tops, 1)), 2);
    const cJSON *off = cJSON_GetObjectItem(j, "text_offset");
    ck_assert_int_eq(cJSON_GetArrayItem(off, 0)->valueint, 10);
    ck_assert_int_eq(cJSON_GetArrayItem(off, 1)->valueint, 10 + (int)t.end[0]);
    cJSON_Delete(j);
    buf_free(&a);
    oa_lp_tokens_free(&t);
}
END_TEST

static const char *bad[][3] = {
    {"{\"top_logprobs\":2}", "top_logprobs", "The 'top_logprobs' parameter is only allowed when 'logprobs' is enabled."},
    {"{\"logprobs\":true,\"top_logprobs\":21}", "top_logprobs",
     "Invalid 'top_logprobs': integer above maximum value. Expected a value <= 20, but got 21 instead."},
    {"{\"logprobs\":true,\"top_logprobs\":-1}", "top_logprobs",
     "Invalid 'top_logprobs': integer below minimum value. Expected a value >= 0, but got -1 instead."},
    {"{\"logprobs\":\"yes\"}", "logprobs", "Invalid type for 'logprobs': expected a boolean, but got a string instead."},
};

START_TEST(read_checks)
{
    cJSON *root = cJSON_Parse(bad[_i][0]);
    bool lp;
    long top;
    oa_err e;
    ck_assert(!oa_logprobs_read(root, &lp, &top, &e));
    ck_assert_str_eq(e.param, bad[_i][1]);
    ck_assert_str_eq(e.message, bad[_i][2]);
    cJSON_Delete(root);
}
END_TEST

START_TEST(read_ok)
{
    cJSON *root = cJSON_Parse("{\"logprobs\":true,\"top_logprobs\":20}");
    bool lp;
    long top;
    oa_err e;
    ck_assert(oa_logprobs_read(root, &lp, &top, &e));
    ck_assert(lp);
    ck_assert_int_eq(top, 20);
    cJSON_Delete(root);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("logprobs");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_loop_test(t, chat_entries_cover_every_token, 0, sizeof texts / sizeof texts[0]);
    tcase_add_test(t, legacy_shape);
    tcase_add_loop_test(t, read_checks, 0, sizeof bad / sizeof bad[0]);
    tcase_add_test(t, read_ok);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
