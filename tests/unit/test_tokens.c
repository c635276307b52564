/* Token counts are exact, in the model's own encoding (oa_tokens over
 * oa_bpe): the figures below are js-tiktoken's. */
#include <string.h>

#include "check_main.h"
#include "oa_ctx.h"
#include "oa_tokens.h"

static const oa_model cl100k = {.id = "gpt-3.5-turbo", .context = 16385, .enc = OA_BPE_CL100K};
static const oa_model o200k = {.id = "gpt-4o", .context = 128000, .enc = OA_BPE_O200K};

static size_t count(const oa_model *m, const char *s)
{
    return oa_tokens_count(m, s, strlen(s));
}

START_TEST(counts_are_tiktokens)
{
    ck_assert_uint_eq(count(&cl100k, "hello world"), 2);
    ck_assert_uint_eq(count(&o200k, "hello world"), 2);
    ck_assert_uint_eq(count(&cl100k, "The quick brown fox."), 5);
    ck_assert_uint_eq(count(NULL, "The quick brown fox."), 5); /* no model: cl100k_base */
    ck_assert_uint_eq(count(&cl100k, ""), 0);
    /* the two encodings part ways on CJK: cl100k 4, o200k 2 */
    ck_assert_uint_eq(count(&cl100k, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), 4);
    ck_assert_uint_eq(count(&o200k, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), 2);
}
END_TEST

START_TEST(cut_after_exactly_n_tokens)
{
    const char *s = "The quick brown fox jumps over the lazy dog.";
    size_t at = oa_tokens_cut(&o200k, s, strlen(s), 3);
    ck_assert_uint_eq(at, strlen("The quick brown"));
    ck_assert_uint_eq(oa_tokens_count(&o200k, s, at), 3);
    ck_assert_uint_eq(oa_tokens_cut(&o200k, s, strlen(s), 100), strlen(s));
    ck_assert_uint_eq(oa_tokens_cut(&o200k, s, strlen(s), 0), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tokens");
    TCase *t = tcase_create("core");
    tcase_add_test(t, counts_are_tiktokens);
    tcase_add_test(t, cut_after_exactly_n_tokens);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
