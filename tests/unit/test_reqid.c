#include <string.h>

#include "check_main.h"
#include "reqid.h"

START_TEST(shape_and_uniqueness)
{
    static char ids[10000][REQID_LEN + 1];
    for (int i = 0; i < 10000; i++) {
        reqid_next(ids[i]);
        ck_assert_uint_eq(strlen(ids[i]), 36);
        ck_assert_int_eq(strncmp(ids[i], "req_", 4), 0);
        ck_assert_uint_eq(strspn(ids[i] + 4, "0123456789abcdef"), 32);
    }
    for (int i = 1; i < 10000; i++)
        ck_assert_str_ne(ids[i], ids[i - 1]);
    ck_assert_str_ne(ids[0], ids[9999]);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("reqid");
    TCase *t = tcase_create("core");
    tcase_add_test(t, shape_and_uniqueness);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
