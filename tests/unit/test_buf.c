#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check_main.h"

START_TEST(reserve_write_advance)
{
    buf b = BUF_INIT;
    char *p = buf_reserve(&b, 5);
    ck_assert_ptr_nonnull(p);
    memcpy(p, "hello", 5);
    buf_advance(&b, 5);
    ck_assert_uint_eq(b.len, 5);
    ck_assert_str_eq(b.data, "hello");
    ck_assert(buf_printf(&b, " %d", 42));
    ck_assert_str_eq(b.data, "hello 42");
    buf_free(&b);
    ck_assert_ptr_null(b.data);
}
END_TEST

START_TEST(grows_across_many_appends)
{
    buf b = BUF_INIT;
    for (int i = 0; i < 10000; i++)
        ck_assert(buf_append(&b, "abc", 3));
    ck_assert_uint_eq(b.len, 30000);
    ck_assert_uint_ge(b.cap, 30000);
    ck_assert_int_eq(memcmp(b.data + 29997, "abc", 3), 0);
    ck_assert_int_eq(b.data[b.len], '\0');
    buf_free(&b);
}
END_TEST

START_TEST(json_string_escapes)
{
    buf b = BUF_INIT;
    const char in[] = "a\"b\\c\n\x01\xc3\xa9";
    ck_assert(buf_json_str(&b, in, sizeof in - 1));
    ck_assert_str_eq(b.data, "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\"");
    buf_free(&b);
}
END_TEST

START_TEST(json_string_replaces_invalid_utf8)
{
    buf b = BUF_INIT;
    const char in[] = "x\xff\xc3(y\xed\xa0\x80";
    ck_assert(buf_json_str(&b, in, sizeof in - 1));
    ck_assert_str_eq(b.data, "\"x\\ufffd\\ufffd(y\\ufffd\\ufffd\\ufffd\"");
    buf_free(&b);
}
END_TEST

/* Long strings are escaped a block at a time: a character split by a block
 * edge and escapes on either side come out whole, and the buffer never
 * grows to the worst case of six bytes per input byte. */
START_TEST(json_string_escapes_across_blocks)
{
    enum { N = 3 * 4096 };
    char *in = malloc(N);
    memset(in, 'a', N);
    memcpy(in + 4095, "\xc3\xa9", 2); /* é across the first block edge */
    in[8191] = '"';
    in[8192] = '\x01';
    memcpy(in + N - 3, "\xe2\x82\xac", 3); /* the last character, multi-byte */
    buf b = BUF_INIT;
    ck_assert(buf_json_str(&b, in, N));
    ck_assert_uint_eq(b.len, 2 + N + 1 + 5); /* quotes, \" and \u0001 */
    ck_assert_int_eq(memcmp(b.data + 1 + 4095, "\xc3\xa9", 2), 0);
    ck_assert_int_eq(memcmp(b.data + 1 + 8191, "\\\"\\u0001", 8), 0);
    ck_assert_int_eq(memcmp(b.data + b.len - 4, "\xe2\x82\xac\"", 4), 0);
    ck_assert_uint_lt(b.cap, 6 * N); /* the old worst case reserved at once */
    buf_free(&b);
    free(in);
}
END_TEST

START_TEST(decimal_numbers)
{
    buf b = BUF_INIT;
    ck_assert(buf_put_u64(&b, 0) && buf_puts(&b, ",") && buf_put_u64(&b, 50) && buf_puts(&b, ",") &&
              buf_put_u64(&b, 18446744073709551615ULL));
    ck_assert_str_eq(b.data, "0,50,18446744073709551615");
    buf_free(&b);
}
END_TEST

START_TEST(release_hands_over_memory)
{
    buf b = BUF_INIT;
    buf_puts(&b, "keep");
    char *p = buf_release(&b);
    ck_assert_str_eq(p, "keep");
    ck_assert_uint_eq(b.len, 0);
    ck_assert_ptr_null(b.data);
    free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("buf");
    TCase *t = tcase_create("core");
    tcase_add_test(t, reserve_write_advance);
    tcase_add_test(t, grows_across_many_appends);
    tcase_add_test(t, json_string_escapes);
    tcase_add_test(t, json_string_replaces_invalid_utf8);
    tcase_add_test(t, json_string_escapes_across_blocks);
    tcase_add_test(t, decimal_numbers);
    tcase_add_test(t, release_hands_over_memory);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
