/* The request journal: bounded, filtered, newest last, valid JSON. */
#include <cJSON.h>
#include <string.h>

#include "check_main.h"
#include "journal.h"

static void add(journal *j, const char *method, const char *path, int status, const char *retry)
{
    journal_in in = {"req_x", method, path, "", {NULL, retry, NULL, NULL, NULL}, 10, status, 1.5, NULL};
    journal_record(j, &in);
}

static cJSON *query(journal *j, journal_filter f)
{
    buf b = BUF_INIT;
    journal_write_json(j, &f, &b);
    cJSON *root = cJSON_Parse(b.data);
    ck_assert_msg(root != NULL, "not JSON: %s", b.data);
    buf_free(&b);
    return cJSON_GetObjectItem(root, "requests") ? root : NULL;
}

static int count(cJSON *root)
{
    return cJSON_GetArraySize(cJSON_GetObjectItem(root, "requests"));
}

static const char *field(cJSON *root, int i, const char *name)
{
    return cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root, "requests"), i), name)->valuestring;
}

START_TEST(bounded_ring_keeps_newest)
{
    journal *j = journal_new(3);
    add(j, "GET", "/a", 200, NULL);
    add(j, "GET", "/b", 200, NULL);
    add(j, "GET", "/c", 200, NULL);
    add(j, "GET", "/d", 200, NULL);
    cJSON *r = query(j, (journal_filter){0});
    ck_assert_int_eq(count(r), 3);
    ck_assert_str_eq(field(r, 0, "path"), "/b");
    ck_assert_str_eq(field(r, 2, "path"), "/d");
    cJSON_Delete(r);
    journal_clear(j, NULL);
    r = query(j, (journal_filter){0});
    ck_assert_int_eq(count(r), 0);
    cJSON_Delete(r);
    journal_free(j);
}
END_TEST

static void add_for(journal *j, const char *path, const char *test)
{
    journal_in in = {"req_t", "GET", path, "", {NULL, NULL, test, NULL, NULL}, 0, 200, 1.0, NULL};
    journal_record(j, &in);
}

/* One test's entries go, the others stay in order, on a ring that has
 * wrapped; and the ring keeps working after. */
START_TEST(clear_one_test_on_a_wrapped_ring)
{
    journal *j = journal_new(4);
    const char *who[] = {"t1", "t2", "t1", "t2", "t1", "t2"};
    const char *paths[] = {"/0", "/1", "/2", "/3", "/4", "/5"};
    for (int i = 0; i < 6; i++)
        add_for(j, paths[i], who[i]); /* keeps /2 /3 /4 /5 */
    journal_clear(j, "t1");
    cJSON *r = query(j, (journal_filter){0});
    ck_assert_int_eq(count(r), 2);
    ck_assert_str_eq(field(r, 0, "path"), "/3");
    ck_assert_str_eq(field(r, 1, "path"), "/5");
    ck_assert_str_eq(field(r, 1, "test_id"), "t2");
    cJSON_Delete(r);
    for (int i = 0; i < 3; i++)
        add_for(j, paths[i], "t3");
    r = query(j, (journal_filter){.test_id = "t3"});
    ck_assert_int_eq(count(r), 3);
    cJSON_Delete(r);
    r = query(j, (journal_filter){0});
    ck_assert_int_eq(count(r), 4); /* bounded still: /5 and t3's three */
    ck_assert_str_eq(field(r, 0, "path"), "/5");
    cJSON_Delete(r);
    journal_free(j);
}
END_TEST

START_TEST(filters_and_limit)
{
    journal *j = journal_new(100);
    add(j, "POST", "/v1/embeddings", 429, "0");
    add(j, "GET", "/v1/models", 200, NULL);
    add(j, "POST", "/v1/embeddings", 429, "1");
    add(j, "POST", "/v1/embeddings", 200, "2");
    cJSON *r = query(j, (journal_filter){"/v1/embeddings", NULL, 0, 0});
    ck_assert_int_eq(count(r), 3);
    cJSON *h = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "requests"), 2), "headers");
    ck_assert_str_eq(cJSON_GetObjectItem(h, "x-stainless-retry-count")->valuestring, "2");
    cJSON_Delete(r);
    r = query(j, (journal_filter){"/v1/*", "post", 429, 0});
    ck_assert_int_eq(count(r), 2);
    cJSON_Delete(r);
    r = query(j, (journal_filter){NULL, NULL, 0, 2});
    ck_assert_int_eq(count(r), 2);
    ck_assert_str_eq(field(r, 0, "method"), "POST");
    ck_assert_str_eq(field(r, 1, "path"), "/v1/embeddings");
    cJSON_Delete(r);
    r = query(j, (journal_filter){"/nothing", NULL, 0, 0});
    ck_assert_int_eq(count(r), 0);
    cJSON_Delete(r);
    journal_free(j);
}
END_TEST

START_TEST(strings_are_escaped)
{
    journal *j = journal_new(2);
    journal_in in = {"req_y", "GET", "/a\"b\\c", "q=\x01", {"ua\n", NULL, NULL, NULL, NULL}, 0, 0, 0, "rule 2"};
    journal_record(j, &in);
    cJSON *r = query(j, (journal_filter){0});
    ck_assert_str_eq(field(r, 0, "path"), "/a\"b\\c");
    ck_assert_str_eq(field(r, 0, "fault"), "rule 2");
    cJSON_Delete(r);
    journal_free(j);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("journal");
    TCase *t = tcase_create("core");
    tcase_add_test(t, bounded_ring_keeps_newest);
    tcase_add_test(t, clear_one_test_on_a_wrapped_ring);
    tcase_add_test(t, filters_and_limit);
    tcase_add_test(t, strings_are_escaped);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
