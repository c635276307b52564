#include <string.h>

#include "base64.h"
#include "check_main.h"

static void check_encoding(const char *in, const char *want)
{
    char out[64];
    size_t n = base64_encode(out, in, strlen(in));
    out[n] = '\0';
    ck_assert_str_eq(out, want);
    ck_assert_uint_eq(n, BASE64_LEN(strlen(in)));
}

START_TEST(rfc4648_vectors)
{
    check_encoding("", "");
    check_encoding("f", "Zg==");
    check_encoding("fo", "Zm8=");
    check_encoding("foo", "Zm9v");
    check_encoding("foob", "Zm9vYg==");
    check_encoding("fooba", "Zm9vYmE=");
    check_encoding("foobar", "Zm9vYmFy");
}
END_TEST

/* 1.0f is 00 00 80 3f little-endian; -2.0f is 00 00 00 c0. */
START_TEST(floats_little_endian)
{
    float v[] = {1.0f, -2.0f, 0.5f, 1.0f};
    char out[64], want[64];
    unsigned char bytes[] = {0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 0, 0, 0, 0x3f, 0, 0, 0x80, 0x3f};
    for (size_t count = 1; count <= 4; count++) {
        size_t n = base64_encode_f32le(out, v, count);
        size_t m = base64_encode(want, bytes, count * 4);
        ck_assert_uint_eq(n, m);
        ck_assert_int_eq(memcmp(out, want, n), 0);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("base64");
    TCase *t = tcase_create("core");
    tcase_add_test(t, rfc4648_vectors);
    tcase_add_test(t, floats_little_endian);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
