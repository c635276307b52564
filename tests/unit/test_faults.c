/* Fault rules: parsing with errors that name the field, the header form,
 * and the trigger logic (times, after, every, seeded probability, expiry). */
#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "faults_internal.h"

static faults_rule *parse(const char *json, char *err)
{
    cJSON *j = cJSON_Parse(json);
    ck_assert_ptr_nonnull(j);
    faults_rule *r = faults_rule_from_json(j, NULL, err, 300);
    cJSON_Delete(j);
    return r;
}

START_TEST(parses_every_field)
{
    char err[300] = "";
    faults_rule *r = parse("{\"path\":\"/v1/*\",\"method\":\"POST\",\"model\":\"m\",\"match_headers\":{\"x-test-id\":\"t42\"},"
                           "\"status\":429,\"body\":{\"a\":1},\"headers\":{\"retry-after\":\"2\"},\"delay_ms\":5,"
                           "\"jitter_ms\":3,\"times\":2,\"after\":1,\"every\":2,\"probability\":0.5,\"seed\":7,"
                           "\"duration_ms\":1000}",
                           err);
    ck_assert_msg(r != NULL, "%s", err);
    ck_assert_str_eq(r->path, "/v1/*");
    ck_assert_str_eq(r->match_headers[0].name, "x-test-id");
    ck_assert_str_eq(r->body, "{\"a\":1}");
    ck_assert_int_eq(r->status, 429);
    ck_assert_int_eq(r->times, 2);
    ck_assert_int_eq(r->seed, 7);
    ck_assert(r->probability == 0.5);
    faults_rule_free(r);
    r = parse("{\"kind\":\"drip\",\"drip_bytes_per_s\":100}", err);
    ck_assert_int_eq(r->kind, SRV_DELIVER_DRIP);
    ck_assert_int_eq(r->kind_param, 100);
    faults_rule_free(r);
    r = parse("{\"kind\":\"truncate\",\"truncate_bytes\":0}", err); /* zero bytes, not half */
    ck_assert_int_eq(r->kind_param, 0);
    faults_rule_free(r);
    r = parse("{\"kind\":\"truncate\"}", err);
    ck_assert_uint_eq((unsigned long)r->kind_param, SRV_TRUNCATE_HALF);
    faults_rule_free(r);
}
END_TEST

static const char *bad[][2] = {
    {"{\"statsu\":429}", "unknown field 'statsu'"},
    {"{\"status\":1000}", "invalid 'status': must be an integer from 200 to 599"},
    /* a 1xx status is an interim answer: clients wait on for the real one */
    {"{\"status\":100}", "invalid 'status': must be an integer from 200 to 599"},
    {"{\"status\":\"429\"}", "invalid 'status'"},
    {"{\"status\":500,\"probability\":2}", "invalid 'probability': must be a number from 0 to 1"},
    {"{\"kind\":\"boom\"}", "invalid 'kind'"},
    {"{\"path\":\"/x\"}", "a rule needs an action"},
    {"{\"status\":500,\"times\":0}", "invalid 'times'"},
    {"{\"status\":500,\"headers\":{\"a\":1}}", "invalid 'headers'"},
    {"{\"status\":500,\"headers\":{\"a\":\"x\\r\\ny\"}}", "invalid 'headers'"},
    {"{\"status\":500,\"drip_bytes_per_s\":5}", "'drip_bytes_per_s' needs \"kind\": \"drip\""},
    /* a parameter of another kind used to set this kind's: a 5 ms hang */
    {"{\"kind\":\"hang\",\"drip_bytes_per_s\":5}", "'drip_bytes_per_s' needs \"kind\": \"drip\""},
    {"{\"kind\":\"truncate\",\"hang_ms\":5}", "'hang_ms' needs \"kind\": \"hang\""},
    {"{\"kind\":\"drip\",\"truncate_bytes\":5}", "'truncate_bytes' needs \"kind\": \"truncate\""},
    {"{\"status\":500,\"path\":\"\"}", "invalid 'path'"},
    {"[1]", "a fault rule must be a JSON object"},
    /* Found by tests/fuzz: a repeated field leaked its first value, and a
     * second header list was written past the first one's storage. */
    {"{\"status\":500,\"path\":\"/a\",\"path\":\"/b\"}", "field 'path' is given more than once"},
    {"{\"status\":500,\"headers\":{\"a\":\"1\"},\"headers\":{\"b\":\"2\",\"c\":\"3\"}}",
     "field 'headers' is given more than once"},
};

START_TEST(rejects_with_field_named)
{
    char err[300] = "";
    ck_assert_ptr_null(parse(bad[_i][0], err));
    ck_assert_msg(strstr(err, bad[_i][1]) != NULL, "%s: got '%s'", bad[_i][0], err);
}
END_TEST

static bool colour_check(const char *v, char *err, size_t n)
{
    if (strcmp(v, "red") == 0 || strcmp(v, "blue") == 0)
        return true;
    snprintf(err, n, "expected red or blue");
    return false;
}

START_TEST(server_fields)
{
    const faults_extensions ext = {{{"colour", colour_check}}, 1, {"sparkle"}, 1};
    char err[300];
    faults_rule *r = faults_rule_from_header("colour=red", &ext, err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    ck_assert_uint_eq(r->nextras, 1);
    ck_assert_str_eq(r->extras[0].value, "red");
    faults_rule_free(r);
    ck_assert_ptr_null(faults_rule_from_header("colour=green", &ext, err, sizeof err));
    ck_assert_str_eq(err, "invalid 'colour': expected red or blue");
    r = faults_rule_from_header("kind=sparkle", &ext, err, sizeof err); /* a server's own kind */
    ck_assert_msg(r != NULL, "%s", err);
    ck_assert_str_eq(r->extras[0].name, "kind");
    ck_assert_str_eq(r->extras[0].value, "sparkle");
    faults_rule_free(r);
    ck_assert_ptr_null(faults_rule_from_header("kind=glitter", &ext, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "(or one of this server's own)"));
    ck_assert_ptr_null(faults_rule_from_header("colour=red", NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "unknown field 'colour'"));
}
END_TEST

START_TEST(header_form)
{
    char err[300];
    faults_rule *r = faults_rule_from_header("delay_ms=800; status=429;kind=truncate", NULL, err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    ck_assert_int_eq(r->delay_ms, 800);
    ck_assert_int_eq(r->status, 429);
    ck_assert_int_eq(r->kind, SRV_DELIVER_TRUNCATE);
    faults_rule_free(r);
    ck_assert_ptr_null(faults_rule_from_header("status=abc", NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "invalid 'status'"));
    ck_assert_ptr_null(faults_rule_from_header("status", NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "expected key=value"));
    ck_assert_ptr_null(faults_rule_from_header("status=500;status=503", NULL, err, sizeof err));
    ck_assert_str_eq(err, "field 'status' is given more than once");
}
END_TEST

/* The pattern of firings over n matching requests, as a 0/1 string. */
static void pattern(const char *json, int n, char *out)
{
    faults *f = faults_new();
    char err[300];
    unsigned long id;
    size_t count;
    cJSON *j = cJSON_Parse(json);
    ck_assert(faults_add_parsed(f, j, &id, &count, err, sizeof err));
    cJSON_Delete(j);
    for (int i = 0; i < n; i++)
        out[i] = faults_rule_fires(f->rules[0], 1000) ? '1' : '0';
    out[n] = '\0';
    faults_free(f);
}

START_TEST(triggers)
{
    char p[32];
    pattern("{\"status\":500,\"times\":2}", 5, p);
    ck_assert_str_eq(p, "11000");
    pattern("{\"status\":500,\"after\":2,\"times\":2}", 6, p);
    ck_assert_str_eq(p, "001100");
    pattern("{\"status\":500,\"every\":3}", 9, p);
    ck_assert_str_eq(p, "001001001");
    pattern("{\"status\":500,\"after\":1,\"every\":2}", 7, p);
    ck_assert_str_eq(p, "0010101");
}
END_TEST

START_TEST(seeded_probability_repeats)
{
    char a[31], b[31], c[31];
    pattern("{\"status\":500,\"probability\":0.5,\"seed\":42}", 30, a);
    pattern("{\"status\":500,\"probability\":0.5,\"seed\":42}", 30, b);
    pattern("{\"status\":500,\"probability\":0.5,\"seed\":43}", 30, c);
    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);
    int ones = 0;
    for (int i = 0; i < 30; i++)
        ones += a[i] == '1';
    ck_assert_int_gt(ones, 5);
    ck_assert_int_lt(ones, 25);
    pattern("{\"status\":500,\"probability\":0}", 20, a);
    ck_assert_str_eq(a, "00000000000000000000");
}
END_TEST

START_TEST(duration_expires)
{
    faults_rule *r = faults_rule_from_header("status=500;duration_ms=100", NULL, (char[300]){0}, 300);
    r->created_ms = 1000;
    ck_assert(faults_rule_fires(r, 1050));
    ck_assert(!faults_rule_fires(r, 1100));
    ck_assert_int_eq(faults_rule_remaining(r), -1);
    faults_rule_free(r);
}
END_TEST

START_TEST(store_all_or_nothing_and_describe)
{
    faults *f = faults_new();
    char err[300];
    const char *bad_pair = "[{\"status\":500},{\"kind\":\"x\"}]";
    ck_assert(!faults_add_json(f, bad_pair, strlen(bad_pair), err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "rule 1: invalid 'kind'"));
    ck_assert_uint_eq(f->n, 0);
    /* The same parser as POST /__control/faults: bytes after the rules are refused. */
    const char *trailing = "[{\"status\":500}] x";
    ck_assert(!faults_add_json(f, trailing, strlen(trailing), err, sizeof err));
    ck_assert_str_eq(err, "invalid JSON");
    ck_assert_uint_eq(f->n, 0);
    const char *good = "[{\"status\":500,\"times\":3},{\"delay_ms\":5}]";
    ck_assert(faults_add_json(f, good, strlen(good), err, sizeof err));
    ck_assert_uint_eq(f->n, 2);
    buf b = BUF_INIT;
    ck_assert(faults_describe(f, 1, &b));
    ck_assert_str_eq(b.data, "{\"status\":500,\"times\":3,\"id\":1,\"hits\":0,\"remaining\":3}");
    ck_assert(faults_remove(f, 1));
    ck_assert(!faults_remove(f, 1));
    ck_assert(!faults_describe(f, 1, &b));
    buf_free(&b);
    faults_free(f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("faults");
    TCase *t = tcase_create("core");
    tcase_add_test(t, parses_every_field);
    tcase_add_loop_test(t, rejects_with_field_named, 0, sizeof bad / sizeof bad[0]);
    tcase_add_test(t, header_form);
    tcase_add_test(t, server_fields);
    tcase_add_test(t, triggers);
    tcase_add_test(t, seeded_probability_repeats);
    tcase_add_test(t, duration_expires);
    tcase_add_test(t, store_all_or_nothing_and_describe);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
