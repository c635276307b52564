#include <math.h>
#include <stdint.h>
#include <string.h>
#include <xxhash.h>

#include "check_main.h"
#include "oa_vector.h"

#define D 1536

static float a[D], b[D];

static void vec(const char *model, const char *text, float *out, size_t dim)
{
    oa_vec_text(oa_vec_seed(model), text, strlen(text), out, dim);
}

static double dot(const float *x, const float *y, size_t n)
{
    double d = 0;
    for (size_t i = 0; i < n; i++)
        d += (double)x[i] * y[i];
    return d;
}

static double cosine(const char *x, const char *y)
{
    vec("text-embedding-3-small", x, a, D);
    vec("text-embedding-3-small", y, b, D);
    return dot(a, b, D);
}

START_TEST(unit_length)
{
    const char *texts[] = {"hello", "   ", "a", "The policy covers emergency care worldwide.", "\xc3\xa9t\xc3\xa9"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        vec("text-embedding-3-small", texts[i], a, D);
        ck_assert_msg(fabs(sqrt(dot(a, a, D)) - 1.0) < 1e-5, "norm of '%s'", texts[i]);
    }
}
END_TEST

START_TEST(deterministic_and_model_specific)
{
    vec("text-embedding-3-small", "hello world", a, D);
    vec("text-embedding-3-small", "hello world", b, D);
    ck_assert_int_eq(memcmp(a, b, sizeof a), 0);
    vec("text-embedding-3-large", "hello world", b, D);
    ck_assert(fabs(dot(a, b, D)) < 0.2);
}
END_TEST

/* Pinned bits: the same (model, text) must give the same vector on every
 * machine and in every release; a change here breaks users' stored vectors. */
START_TEST(golden_bits)
{
    vec("text-embedding-3-small", "hello world", a, D);
    uint32_t bits[4];
    memcpy(bits, a, sizeof bits);
    uint32_t want[4] = {0xbc3c040fu, 0x3c3c6f71u, 0x3d2faf90u, 0x3c28d7cdu};
    for (int i = 0; i < 4; i++)
        ck_assert_msg(bits[i] == want[i], "component %d: 0x%08x, want 0x%08x", i, bits[i], want[i]);
    ck_assert_uint_eq(XXH3_64bits(a, sizeof a), 0xe5a83d7beba64874ULL);
}
END_TEST

START_TEST(similar_texts_are_closer)
{
    double cat = cosine("The cat sat on the mat", "A cat sat on a mat");
    double unrelated = cosine("The cat sat on the mat", "Quarterly revenue grew by five percent");
    ck_assert_msg(cat > 0.6, "similar: %f", cat);
    ck_assert_msg(fabs(unrelated) < 0.2, "unrelated: %f", unrelated);
    double claim = cosine("How do I file a claim for a hospital stay?", "Submitting a claim after a hospital stay");
    double weather = cosine("How do I file a claim for a hospital stay?", "The weather in Paris is sunny today");
    ck_assert_msg(claim > weather + 0.3, "claim %f weather %f", claim, weather);
    ck_assert_msg(cosine("deductible", "deductable") > 0.2, "typos share trigrams");
}
END_TEST

START_TEST(shorter_vector_is_renormalised_prefix)
{
    float s[256];
    vec("text-embedding-3-small", "prefix property", a, D);
    vec("text-embedding-3-small", "prefix property", s, 256);
    double norm = sqrt(dot(a, a, 256));
    for (int i = 0; i < 256; i++)
        ck_assert(fabs(s[i] - a[i] / norm) < 1e-6);
    ck_assert(fabs(sqrt(dot(s, s, 256)) - 1.0) < 1e-5);
}
END_TEST

START_TEST(token_ids_give_unit_vectors)
{
    int64_t ids[] = {9906, 1917};
    uint64_t seed = oa_vec_seed("text-embedding-3-small");
    oa_vec_tokens(seed, ids, 2, a, D);
    oa_vec_tokens(seed, ids, 2, b, D);
    ck_assert_int_eq(memcmp(a, b, sizeof a), 0);
    ck_assert(fabs(sqrt(dot(a, a, D)) - 1.0) < 1e-5);
    int64_t other[] = {9906, 1918};
    oa_vec_tokens(seed, other, 2, b, D);
    ck_assert(dot(a, b, D) > 0.2 && dot(a, b, D) < 0.9);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("vector");
    TCase *t = tcase_create("core");
    tcase_add_test(t, unit_length);
    tcase_add_test(t, deterministic_and_model_specific);
    tcase_add_test(t, golden_bits);
    tcase_add_test(t, similar_texts_are_closer);
    tcase_add_test(t, shorter_vector_is_renormalised_prefix);
    tcase_add_test(t, token_ids_give_unit_vectors);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
