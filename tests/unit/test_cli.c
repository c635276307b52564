#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "cli.h"

static const cli_about about = {"prog", "1.0", "test"};

typedef struct {
    const char *host;
    long port;
    size_t body;
    bool flag;
    double rate;
    cli_list keys;
} opts_t;

static cli_result parse(opts_t *o, int argc, char **argv)
{
    const cli_opt opts[] = {
        {"host", "T_HOST", CLI_STR, &o->host, "h", 0, 0},
        {"port", "T_PORT", CLI_INT, &o->port, "p", 0, 65535},
        {"max-body", "T_BODY", CLI_SIZE, &o->body, "b", 0, 0},
        {"flag", "T_FLAG", CLI_BOOL, &o->flag, "f", 0, 0},
        {"rate", "T_RATE", CLI_DOUBLE, &o->rate, "r", 0, 1},
        {"key", "T_KEYS", CLI_LIST, &o->keys, "k", 0, 0},
    };
    return cli_parse(opts, sizeof opts / sizeof opts[0], argc, argv, &about);
}

static void clear_env(void)
{
    unsetenv("T_HOST");
    unsetenv("T_PORT");
    unsetenv("T_BODY");
    unsetenv("T_FLAG");
    unsetenv("T_RATE");
    unsetenv("T_KEYS");
}

START_TEST(flags_parse)
{
    clear_env();
    opts_t o = {"127.0.0.1", 8002, 10, false, 0, {0}};
    char *argv[] = {"prog", "--port", "0", "--host=0.0.0.0", "--max-body", "2m", "--flag", "--rate", "0.5",
                    "--key", "a", "--key=b"};
    ck_assert_int_eq(parse(&o, 12, argv), CLI_OK);
    ck_assert_int_eq(o.port, 0);
    ck_assert_str_eq(o.host, "0.0.0.0");
    ck_assert_uint_eq(o.body, 2u << 20);
    ck_assert(o.flag);
    ck_assert(o.rate == 0.5);
    ck_assert_uint_eq(o.keys.n, 2);
    ck_assert_str_eq(o.keys.items[1], "b");
    cli_list_free(&o.keys);
}
END_TEST

START_TEST(env_then_flags_win)
{
    clear_env();
    setenv("T_PORT", "9000", 1);
    setenv("T_KEYS", "x,y,z", 1);
    setenv("T_FLAG", "true", 1);
    opts_t o = {"127.0.0.1", 8002, 10, false, 0, {0}};
    char *argv1[] = {"prog"};
    ck_assert_int_eq(parse(&o, 1, argv1), CLI_OK);
    ck_assert_int_eq(o.port, 9000);
    ck_assert_uint_eq(o.keys.n, 3);
    ck_assert(o.flag);
    char *argv2[] = {"prog", "--port", "1234", "--key", "only"};
    ck_assert_int_eq(parse(&o, 5, argv2), CLI_OK);
    ck_assert_int_eq(o.port, 1234);
    ck_assert_uint_eq(o.keys.n, 1);
    ck_assert_str_eq(o.keys.items[0], "only");
    cli_list_free(&o.keys);
    clear_env();
}
END_TEST

START_TEST(bad_values_rejected)
{
    clear_env();
    opts_t o = {"127.0.0.1", 8002, 10, false, 0, {0}};
    char *a1[] = {"prog", "--port", "70000"};
    ck_assert_int_eq(parse(&o, 3, a1), CLI_ERROR);
    char *a2[] = {"prog", "--port", "12x"};
    ck_assert_int_eq(parse(&o, 3, a2), CLI_ERROR);
    char *a3[] = {"prog", "--nope"};
    ck_assert_int_eq(parse(&o, 2, a3), CLI_ERROR);
    char *a4[] = {"prog", "--rate", "2"};
    ck_assert_int_eq(parse(&o, 3, a4), CLI_ERROR);
    char *a5[] = {"prog", "--max-body", "-1"};
    ck_assert_int_eq(parse(&o, 3, a5), CLI_ERROR);
    char *a6[] = {"prog", "--port"};
    ck_assert_int_eq(parse(&o, 2, a6), CLI_ERROR);
    setenv("T_PORT", "abc", 1);
    char *a7[] = {"prog"};
    ck_assert_int_eq(parse(&o, 1, a7), CLI_ERROR);
    ck_assert_int_eq(o.port, 8002);
    clear_env();
    cli_list_free(&o.keys);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cli");
    TCase *t = tcase_create("core");
    tcase_add_test(t, flags_parse);
    tcase_add_test(t, env_then_flags_win);
    tcase_add_test(t, bad_values_rejected);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
