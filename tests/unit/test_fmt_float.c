#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "check_main.h"
#include "fmt_float.h"

static float roundtrip(float v, char *text)
{
    size_t n = fmt_f32(text, v);
    ck_assert_uint_le(n, FMT_F32_MAX - 1);
    text[n] = '\0';
    return strtof(text, NULL);
}

START_TEST(known_values)
{
    char s[FMT_F32_MAX + 1];
    s[fmt_f32(s, 0.5f)] = '\0';
    ck_assert_str_eq(s, "0.5");
    s[fmt_f32(s, -0.25f)] = '\0';
    ck_assert_str_eq(s, "-0.25");
    s[fmt_f32(s, 1.0f)] = '\0';
    ck_assert_str_eq(s, "1.0");
    s[fmt_f32(s, 0.0f)] = '\0';
    ck_assert_str_eq(s, "0.0");
    s[fmt_f32(s, 1e-7f)] = '\0';
    ck_assert_str_eq(s, "1.00000001e-7"); /* 1e-7f is not 1e-7: 9 digits show it */
    s[fmt_f32(s, 123.5f)] = '\0';
    ck_assert_str_eq(s, "123.5");
    s[fmt_f32(s, NAN)] = '\0';
    ck_assert_str_eq(s, "0.0");
}
END_TEST

/* Every float in unit-vector range must come back bit-identical. */
START_TEST(roundtrips_random_unit_range)
{
    uint64_t x = 88172645463325252ULL;
    char s[FMT_F32_MAX + 1];
    for (int i = 0; i < 300000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        float v = (float)((double)(x >> 11) / 9007199254740992.0 * 2.0 - 1.0);
        if (i % 3 == 0)
            v *= 1e-4f; /* small components, as in long vectors */
        float back = roundtrip(v, s);
        ck_assert_msg(memcmp(&back, &v, 4) == 0, "%.9g printed as %s", (double)v, s);
    }
}
END_TEST

/* Walk the bit patterns of every binade from 1e-9 to 1e9 with a stride. */
START_TEST(roundtrips_bit_patterns)
{
    char s[FMT_F32_MAX + 1];
    for (uint32_t u = 0x30800000u; u < 0x4e6e6b28u; u += 7919) {
        float v;
        memcpy(&v, &u, 4);
        float back = roundtrip(v, s);
        ck_assert_msg(back == v, "%.9g printed as %s", (double)v, s);
        back = roundtrip(-v, s);
        ck_assert_msg(back == -v, "%.9g printed as %s", (double)-v, s);
    }
}
END_TEST

START_TEST(output_is_json_number)
{
    char s[FMT_F32_MAX + 1];
    float vals[] = {3e-6f, 0.000012f, 5e9f, -7.25e-12f, 0.1f};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        s[fmt_f32(s, vals[i])] = '\0';
        ck_assert_msg(strspn(s, "-+0123456789.e") == strlen(s), "not a JSON number: %s", s);
        ck_assert_msg(s[0] != '.' && strstr(s, "-.") == NULL, "leading dot in %s", s);
        ck_assert_msg(strstr(s, "e-0") == NULL && strchr(s, 'E') == NULL, "odd exponent: %s", s);
    }
}
END_TEST

/* The text itself is pinned, not only its round trip: one XXH3 over the
 * output for every 65521st bit pattern (NaN, infinities, denormals, the
 * sprintf ranges) and every 101st float of either sign from 1e-9 to 1e9
 * (the hand-written paths). Computed with fmt_f32 of commit 6eb7c33; the
 * faster digit writer after it was also compared with that one over all
 * 2^32 floats, with no difference. */
START_TEST(output_is_pinned)
{
    char s[FMT_F32_MAX];
    XXH3_state_t *h = XXH3_createState();
    ck_assert_ptr_nonnull(h);
    XXH3_64bits_reset(h);
    for (uint64_t u = 0; u <= UINT32_MAX; u += 65521) {
        uint32_t bits = (uint32_t)u;
        float v;
        memcpy(&v, &bits, 4);
        XXH3_64bits_update(h, s, fmt_f32(s, v));
    }
    for (uint32_t u = 0x30800000u; u < 0x4e6e6b28u; u += 101) {
        float v;
        memcpy(&v, &u, 4);
        XXH3_64bits_update(h, s, fmt_f32(s, v));
        XXH3_64bits_update(h, s, fmt_f32(s, -v));
    }
    uint64_t got = XXH3_64bits_digest(h);
    XXH3_freeState(h);
    ck_assert_msg(got == 0x3a9cfad4971eda3aULL, "output hash 0x%016llx", (unsigned long long)got);
}
END_TEST

/* The list writer prints each float exactly as fmt_f32 does, with commas. */
START_TEST(list_matches_single)
{
    static float v[3000];
    static char list[3000 * (FMT_F32_MAX + 1)], one[3000 * (FMT_F32_MAX + 1)];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < 3000; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        memcpy(&v[i], &x, 4); /* any bits: NaN, denormals, huge */
        if (i % 2)
            v[i] = (float)(int32_t)x / 2147483648.0f; /* and unit-range values */
    }
    for (size_t n = 0; n <= 3000; n += n < 20 ? 1 : 997) {
        size_t len = fmt_f32_list(list, v, n), k = 0;
        for (size_t i = 0; i < n; i++) {
            if (i)
                one[k++] = ',';
            k += fmt_f32(one + k, v[i]);
        }
        ck_assert_uint_eq(len, k);
        ck_assert_int_eq(memcmp(list, one, k), 0);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fmt_float");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, known_values);
    tcase_add_test(t, roundtrips_random_unit_range);
    tcase_add_test(t, roundtrips_bit_patterns);
    tcase_add_test(t, output_is_json_number);
    tcase_add_test(t, output_is_pinned);
    tcase_add_test(t, list_matches_single);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
