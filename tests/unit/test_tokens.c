#include <string.h>

#include "check_main.h"
#include "oa_tokens.h"

static size_t est(const char *s)
{
    return oa_tokens_estimate(s, strlen(s));
}

/* Reference counts are cl100k_base's (js-tiktoken); the estimate must stay
 * close on each kind of piece the pre-tokenizer makes. */
START_TEST(common_english_words_are_one_token)
{
    ck_assert_uint_eq(est("The quick brown fox jumps over the lazy dog."), 10);
    ck_assert_uint_eq(est("hello"), 1);
    ck_assert_uint_eq(est("hello world"), 2);
}
END_TEST

START_TEST(digits_group_by_three)
{
    ck_assert_uint_eq(est("2025"), 2);      /* "202" "5" */
    ck_assert_uint_eq(est("123456789"), 3); /* "123" "456" "789" */
}
END_TEST

START_TEST(empty_and_whitespace)
{
    ck_assert_uint_eq(est(""), 0);
    ck_assert_uint_ge(est("   "), 1);
    ck_assert_uint_ge(est("\n\n"), 1);
}
END_TEST

START_TEST(shouting_and_long_words_cost_more)
{
    ck_assert_uint_gt(est("ALDERWICK"), est("alderwick"));
    ck_assert_uint_gt(est("antidisestablishmentarianism"), 2);
    /* each non-Latin code point costs about a token: "日本語" is 3 in cl100k */
    ck_assert_uint_eq(est("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), 3);
}
END_TEST

START_TEST(grows_linearly_with_text)
{
    const char *s = "Members may appeal any denied claim within 180 days.";
    size_t one = est(s);
    char big[54 * 100 + 1] = "";
    for (int i = 0; i < 100; i++) {
        strcat(big, i ? " " : "");
        strcat(big, s);
    }
    size_t hundred = est(big);
    ck_assert_uint_ge(hundred, one * 95);
    ck_assert_uint_le(hundred, one * 105);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tokens");
    TCase *t = tcase_create("core");
    tcase_add_test(t, common_english_words_are_one_token);
    tcase_add_test(t, digits_group_by_three);
    tcase_add_test(t, empty_and_whitespace);
    tcase_add_test(t, shouting_and_long_words_cost_more);
    tcase_add_test(t, grows_linearly_with_text);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
