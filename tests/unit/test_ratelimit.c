/* Go duration formatting for the x-ratelimit-reset-* headers and 429s. */
#include <string.h>

#include "check_main.h"
#include "oa_ratelimit.h"

static const struct {
    double s;
    const char *want;
} cases[] = {
    {0, "0s"},        {0.006, "6ms"},     {0.644, "644ms"},      {1, "1s"},          {1.5, "1.5s"},
    {20, "20s"},      {59.943, "59.943s"}, {360, "6m0s"},       {432, "7m12s"},     {252.172, "4m12.172s"},
    {3723.5, "1h2m3.5s"}, {-3, "0s"},     {0.0001, "1ms"},
};

START_TEST(go_durations)
{
    char out[32];
    oa_go_duration(cases[_i].s, out, sizeof out);
    ck_assert_str_eq(out, cases[_i].want);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("ratelimit");
    TCase *t = tcase_create("core");
    tcase_add_loop_test(t, go_durations, 0, sizeof cases / sizeof cases[0]);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
