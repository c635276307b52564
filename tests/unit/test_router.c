#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "router.h"

static void h(srv_req *r, void *ctx)
{
    (void)r;
    (void)ctx;
}

static const srv_route routes[] = {
    {"GET", "/v1/models", h, NULL},
    {"GET", "/v1/models/{id}", h, NULL},
    {"POST", "/v1/embeddings", h, NULL},
    {"DELETE", "/jobs/{job}/files/{file}", h, NULL},
    {"GET", "/jobs/{job}/files/{file}", h, NULL},
};
#define N (sizeof routes / sizeof routes[0])

START_TEST(exact_and_params)
{
    router_match_t m;
    ck_assert_int_eq(router_match(routes, N, "GET", "/v1/models", &m), ROUTE_FOUND);
    ck_assert_ptr_eq(m.route, &routes[0]);
    ck_assert_int_eq(router_match(routes, N, "GET", "/v1/models/abc-1", &m), ROUTE_FOUND);
    ck_assert_ptr_eq(m.route, &routes[1]);
    ck_assert_str_eq(router_param_get(&m, "id"), "abc-1");
    ck_assert_ptr_null(router_param_get(&m, "other"));
    ck_assert_int_eq(router_match(routes, N, "GET", "/jobs/j1/files/f2", &m), ROUTE_FOUND);
    ck_assert_str_eq(router_param_get(&m, "job"), "j1");
    ck_assert_str_eq(router_param_get(&m, "file"), "f2");
}
END_TEST

START_TEST(not_found_cases)
{
    router_match_t m;
    ck_assert_int_eq(router_match(routes, N, "GET", "/v1/models/", &m), ROUTE_NOT_FOUND);
    ck_assert_int_eq(router_match(routes, N, "GET", "/v1/models/a/b", &m), ROUTE_NOT_FOUND);
    ck_assert_int_eq(router_match(routes, N, "GET", "/v1/model", &m), ROUTE_NOT_FOUND);
    ck_assert_int_eq(router_match(routes, N, "GET", "", &m), ROUTE_NOT_FOUND);
    ck_assert_int_eq(router_match(routes, N, "POST", "/v1/embeddingsx", &m), ROUTE_NOT_FOUND);
}
END_TEST

START_TEST(wrong_method_lists_allowed)
{
    router_match_t m;
    ck_assert_int_eq(router_match(routes, N, "GET", "/v1/embeddings", &m), ROUTE_BAD_METHOD);
    ck_assert_str_eq(m.allow, "POST");
    ck_assert_int_eq(router_match(routes, N, "PUT", "/jobs/a/files/b", &m), ROUTE_BAD_METHOD);
    ck_assert_str_eq(m.allow, "DELETE, GET, HEAD");
}
END_TEST

START_TEST(head_served_by_get)
{
    router_match_t m;
    ck_assert_int_eq(router_match(routes, N, "HEAD", "/v1/models", &m), ROUTE_FOUND);
}
END_TEST

START_TEST(overlong_param_refused)
{
    char path[600] = "/v1/models/";
    memset(path + strlen(path), 'x', 400);
    path[411] = '\0';
    router_match_t m;
    ck_assert_int_eq(router_match(routes, N, "GET", path, &m), ROUTE_NOT_FOUND);
}
END_TEST

/* The values share one buffer: two that fit together both come back
 * whole; two that do not fit together refuse the match. */
START_TEST(params_share_one_bounded_buffer)
{
    char path[600], job[200], file[200];
    memset(job, 'j', 150);
    job[150] = '\0';
    memset(file, 'f', 100);
    file[100] = '\0';
    snprintf(path, sizeof path, "/jobs/%s/files/%s", job, file);
    router_match_t m;
    ck_assert_int_eq(router_match(routes, N, "GET", path, &m), ROUTE_FOUND);
    ck_assert_str_eq(router_param_get(&m, "job"), job);
    ck_assert_str_eq(router_param_get(&m, "file"), file);
    memset(file, 'f', 120);
    file[120] = '\0';
    snprintf(path, sizeof path, "/jobs/%s/files/%s", job, file);
    ck_assert_int_eq(router_match(routes, N, "GET", path, &m), ROUTE_NOT_FOUND);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("router");
    TCase *t = tcase_create("core");
    tcase_add_test(t, exact_and_params);
    tcase_add_test(t, not_found_cases);
    tcase_add_test(t, wrong_method_lists_allowed);
    tcase_add_test(t, head_served_by_get);
    tcase_add_test(t, overlong_param_refused);
    tcase_add_test(t, params_share_one_bounded_buffer);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
