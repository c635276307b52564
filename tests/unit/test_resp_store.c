/* The stored responses: bounded (the oldest goes), a TTL, cleared whole
 * or per test, items found by id, a background response's status by the
 * clock, and safe under concurrent writers and readers (TSan in CI). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "oa_resp_store.h"
#include "timer.h"

/* A finished response "id" with one output item "<id>_out" and one input
 * item "<id>_in". */
static oa_resp_rec *rec(const char *id, const char *test_id)
{
    oa_resp_rec *r = calloc(1, sizeof *r);
    char buf[128];
    snprintf(r->id, sizeof r->id, "%s", id);
    r->created_ms = r->done_ms = timer_now_ms();
    r->test_id = test_id ? strdup(test_id) : NULL;
    snprintf(buf, sizeof buf, "{\"id\":\"%s\",\"status\":\"completed\",\"output\":[{\"id\":\"%s_out\",\"type\":\"message\"}],"
                              "\"usage\":{\"total_tokens\":3}}", id, id);
    r->response = cJSON_Parse(buf);
    snprintf(buf, sizeof buf, "[{\"id\":\"%s_in\",\"type\":\"message\"}]", id);
    r->input = cJSON_Parse(buf);
    r->history = cJSON_CreateArray();
    return r;
}

static void noop(oa_resp_rec *r, void *ctx)
{
    (void)r;
    ++*(int *)ctx;
}

static bool has(oa_resp_store *s, const char *id)
{
    int n = 0;
    return oa_resp_store_with(s, id, false, noop, &n) && n == 1;
}

START_TEST(full_store_drops_the_oldest)
{
    oa_resp_store *s = oa_resp_store_new(2, 60000);
    oa_resp_store_add(s, rec("a", NULL));
    oa_resp_store_add(s, rec("b", NULL));
    oa_resp_store_add(s, rec("c", NULL));
    ck_assert(!has(s, "a"));
    ck_assert(has(s, "b") && has(s, "c"));
    ck_assert(oa_resp_store_remove(s, "b", false));
    ck_assert(!oa_resp_store_remove(s, "b", false));
    ck_assert(!has(s, "b"));
    oa_resp_store_free(s);
}
END_TEST

START_TEST(past_its_ttl_a_response_is_gone)
{
    oa_resp_store *s = oa_resp_store_new(10, 30);
    oa_resp_store_add(s, rec("a", NULL));
    ck_assert(has(s, "a"));
    usleep(60 * 1000);
    ck_assert(!has(s, "a"));
    ck_assert_ptr_null(oa_resp_store_item(s, "a_out"));
    oa_resp_store_free(s);
}
END_TEST

START_TEST(clear_whole_or_per_test)
{
    oa_resp_store *s = oa_resp_store_new(10, 60000);
    oa_resp_store_add(s, rec("a", "t1"));
    oa_resp_store_add(s, rec("b", "t2"));
    oa_resp_store_add(s, rec("c", NULL));
    oa_resp_store_clear(s, "t1");
    ck_assert(!has(s, "a"));
    ck_assert(has(s, "b") && has(s, "c"));
    oa_resp_store_clear(s, NULL);
    ck_assert(!has(s, "b") && !has(s, "c"));
    oa_resp_store_free(s);
}
END_TEST

START_TEST(items_found_by_id_in_inputs_and_outputs)
{
    oa_resp_store *s = oa_resp_store_new(10, 60000);
    oa_resp_store_add(s, rec("a", NULL));
    cJSON *out = oa_resp_store_item(s, "a_out"), *in = oa_resp_store_item(s, "a_in");
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(in);
    ck_assert_str_eq(cJSON_GetObjectItem(out, "id")->valuestring, "a_out");
    ck_assert_ptr_null(oa_resp_store_item(s, "a"));
    cJSON_Delete(out);
    cJSON_Delete(in);
    oa_resp_store_free(s);
}
END_TEST

/* A response continuing prev, whose own history is "<id>_in", "<id>_out". */
static oa_resp_rec *turn(const char *id, const char *prev)
{
    oa_resp_rec *r = rec(id, NULL);
    char buf[128];
    snprintf(r->prev, sizeof r->prev, "%s", prev ? prev : "");
    cJSON_Delete(r->history);
    snprintf(buf, sizeof buf, "[{\"id\":\"%s_in\"},{\"id\":\"%s_out\"}]", id, id);
    r->history = cJSON_Parse(buf);
    return r;
}

static void ids_are(cJSON *items, const char *want)
{
    char got[256] = "";
    for (const cJSON *it = items ? items->child : NULL; it; it = it->next) {
        strcat(got, got[0] ? " " : "");
        strcat(got, cJSON_GetObjectItem(it, "id")->valuestring);
    }
    ck_assert_str_eq(got, want);
    cJSON_Delete(items);
}

START_TEST(history_follows_the_chain_oldest_first)
{
    oa_resp_store *s = oa_resp_store_new(3, 60000);
    oa_resp_store_add(s, turn("a", NULL));
    oa_resp_store_add(s, turn("b", "a"));
    oa_resp_store_add(s, turn("c", "b"));
    ids_are(oa_resp_store_history(s, "c"), "a_in a_out b_in b_out c_in c_out");
    ids_are(oa_resp_store_history(s, "b"), "a_in a_out b_in b_out");
    ck_assert_ptr_null(oa_resp_store_history(s, "nope"));
    oa_resp_store_add(s, turn("d", "c")); /* a is evicted: the chain starts at b */
    ids_are(oa_resp_store_history(s, "d"), "b_in b_out c_in c_out d_in d_out");
    oa_resp_store_free(s);
}
END_TEST

START_TEST(background_status_follows_the_clock)
{
    oa_resp_rec *r = rec("a", NULL);
    r->background = true;
    r->created_ms = 1000;
    r->done_ms = 1300;
    ck_assert_str_eq(oa_resp_rec_status(r, 1050), "queued");
    ck_assert_str_eq(oa_resp_rec_status(r, 1150), "in_progress");
    ck_assert_str_eq(oa_resp_rec_status(r, 1300), "completed");
    cJSON *v = oa_resp_rec_view(r, 1150);
    ck_assert_str_eq(cJSON_GetObjectItem(v, "status")->valuestring, "in_progress");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(v, "output")), 0);
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(v, "usage")));
    cJSON_Delete(v);
    v = oa_resp_rec_view(r, 2000);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(v, "output")), 1);
    cJSON_Delete(v);
    r->done_ms = UINT64_MAX; /* stuck */
    ck_assert_str_eq(oa_resp_rec_status(r, 1000000), "in_progress");
    r->cancelled = true;
    ck_assert_str_eq(oa_resp_rec_status(r, 1000000), "cancelled");
    oa_resp_rec_free(r);
}
END_TEST

static void *writer(void *arg)
{
    oa_resp_store *s = arg;
    for (int i = 0; i < 500; i++) {
        char id[32];
        snprintf(id, sizeof id, "r%lu_%d", (unsigned long)pthread_self() % 1000, i);
        oa_resp_store_add(s, rec(id, NULL));
        cJSON_Delete(oa_resp_store_item(s, "r_missing"));
        int n = 0;
        oa_resp_store_with(s, id, false, noop, &n);
        if (i % 7 == 0)
            oa_resp_store_remove(s, id, false);
    }
    return NULL;
}

START_TEST(concurrent_writers_and_readers)
{
    oa_resp_store *s = oa_resp_store_new(64, 60000);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, writer, s), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    oa_resp_store_free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("resp_store");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, full_store_drops_the_oldest);
    tcase_add_test(tc, past_its_ttl_a_response_is_gone);
    tcase_add_test(tc, clear_whole_or_per_test);
    tcase_add_test(tc, items_found_by_id_in_inputs_and_outputs);
    tcase_add_test(tc, history_follows_the_chain_oldest_first);
    tcase_add_test(tc, background_status_follows_the_clock);
    tcase_add_test(tc, concurrent_writers_and_readers);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(suite)
