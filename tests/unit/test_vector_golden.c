/* Golden hashes over many vectors: every (model, text or token ids, dims)
 * below must keep its exact bits across optimisations of oa_vector.c. The
 * inputs are generated (splitmix64), so the test covers odd dims (1, 15, 17,
 * random ones up to 3072), empty, long, non-ASCII and random-byte texts
 * without a data file; one XXH3 over all the floats pins them. The hashes
 * were computed with the scalar oa_vector.c of commit 6eb7c33. */
#include <stdint.h>
#include <string.h>
#include <xxhash.h>

#include "check_main.h"
#include "oa_vector.h"
#include "rng.h"

#define CASES 3000
#define GOLDEN_TEXT 0x3ba7ad2fc3d6fae8ULL
#define GOLDEN_TOKENS 0xa1669ff407ed3866ULL

static const char *const words[] = {"the",  "quick", "brown", "fox",     "jumps",    "over",      "lazy",
                                    "dog",  "A",     "cat",   "sat",     "on",       "mat",       "Qu\xc3\xa9" "bec",
                                    "x",    "ab",    "42",    "hospital", "deductible", "EMERGENCY", "\xff\xfe",
                                    "antidisestablishmentarianismantidisestablishmentarianismantidisestablishment"};
static const char *const seps[] = {" ", "  ", ", ", ".", "\n", "-", "\t", ""};
#define NWORDS (sizeof words / sizeof words[0])

/* A text of up to 23 words and separators; 1 in 50 is random bytes instead. */
static size_t make_text(uint64_t *st, char *text, size_t cap)
{
    uint64_t r = rng_next(st);
    size_t len = 0;
    for (uint64_t k = 0; k < r % 24; k++) {
        uint64_t q = rng_next(st);
        const char *w = words[q % NWORDS], *s = seps[(q >> 8) % 8];
        size_t wl = strlen(w), sl = strlen(s);
        if (len + wl + sl > cap)
            break;
        memcpy(text + len, w, wl);
        memcpy(text + len + wl, s, sl);
        len += wl + sl;
    }
    if ((r >> 40) % 50 == 0) {
        for (size_t k = 0; k < len; k++)
            text[k] = (char)rng_next(st);
    }
    return len;
}

static size_t pick_dim(uint64_t r)
{
    static const size_t dims[] = {1536, 3072, 256, 1, 15, 16, 17, 0};
    size_t d = dims[r % 8];
    return d ? d : 1 + (size_t)((r >> 8) % OA_VEC_MAX_DIM);
}

static uint64_t model_seed(uint64_t r)
{
    static const char *const models[] = {"text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"};
    return oa_vec_seed(models[r % 3]);
}

START_TEST(text_vectors_keep_their_bits)
{
    static float v[OA_VEC_MAX_DIM];
    char text[1024];
    uint64_t st = 12345;
    XXH3_state_t *h = XXH3_createState();
    ck_assert_ptr_nonnull(h);
    XXH3_64bits_reset(h);
    for (int i = 0; i < CASES; i++) {
        size_t len = make_text(&st, text, sizeof text);
        uint64_t r = rng_next(&st);
        size_t dim = pick_dim(r);
        oa_vec_text(model_seed(r >> 32), text, len, v, dim);
        XXH3_64bits_update(h, v, dim * sizeof *v);
    }
    uint64_t got = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    ck_assert_msg(got == GOLDEN_TEXT, "text vectors hash 0x%016llx", (unsigned long long)got);
}
END_TEST

START_TEST(token_vectors_keep_their_bits)
{
    static float v[OA_VEC_MAX_DIM];
    int64_t ids[40];
    uint64_t st = 67890;
    XXH3_state_t *h = XXH3_createState();
    ck_assert_ptr_nonnull(h);
    XXH3_64bits_reset(h);
    for (int i = 0; i < CASES; i++) {
        uint64_t r = rng_next(&st);
        size_t n = (size_t)(r % 40);
        for (size_t k = 0; k < n; k++)
            ids[k] = (int64_t)(rng_next(&st) % 200000);
        size_t dim = pick_dim(r >> 8);
        oa_vec_tokens(model_seed(r >> 40), ids, n, v, dim);
        XXH3_64bits_update(h, v, dim * sizeof *v);
    }
    uint64_t got = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    ck_assert_msg(got == GOLDEN_TOKENS, "token vectors hash 0x%016llx", (unsigned long long)got);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("vector_golden");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, text_vectors_keep_their_bits);
    tcase_add_test(t, token_vectors_keep_their_bits);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
