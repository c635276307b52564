/* The delivery modes over a real socket: what a client sees when a response
 * is reset, hung, emptied, cut, dripped or malformed. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "rawhttp.h"
#include "server.h"
#include "timer.h"

#define BODY_LEN 2000

static void with_mode(srv_req *r, void *ctx)
{
    buf *b = srv_resp_body(r);
    char *p = buf_reserve(b, BODY_LEN);
    memset(p, 'x', BODY_LEN);
    p[0] = '{';
    buf_advance(b, BODY_LEN);
    const unsigned long *mode = ctx;
    srv_resp_status(r, 201);
    srv_resp_deliver(r, (srv_delivery)mode[0], mode[1]);
}

static const unsigned long reset_m[] = {SRV_DELIVER_RESET, 0}, hang_m[] = {SRV_DELIVER_HANG, 600},
                           empty_m[] = {SRV_DELIVER_EMPTY, 0}, trunc_m[] = {SRV_DELIVER_TRUNCATE, 100},
                           half_m[] = {SRV_DELIVER_TRUNCATE, SRV_TRUNCATE_HALF}, drip_m[] = {SRV_DELIVER_DRIP, 4000},
                           bad_m[] = {SRV_DELIVER_MALFORMED, 0};

static const srv_route routes[] = {
    {"GET", "/reset", with_mode, (void *)reset_m},   {"GET", "/hang", with_mode, (void *)hang_m},
    {"GET", "/empty", with_mode, (void *)empty_m},   {"GET", "/truncate", with_mode, (void *)trunc_m},
    {"GET", "/half", with_mode, (void *)half_m},     {"GET", "/drip", with_mode, (void *)drip_m},
    {"GET", "/malformed", with_mode, (void *)bad_m},
};

static srv *s;
static char resp[8192];

static void start(void)
{
    srv_config cfg = {.service = "t", .host = "127.0.0.1", .threads = 1, .max_body = 1000,
                      .idle_timeout_s = 30, .routes = routes, .nroutes = sizeof routes / sizeof routes[0]};
    char err[100];
    s = srv_start(&cfg, err, sizeof err);
    ck_assert_msg(s != NULL, "%s", err);
}

static void stop(void)
{
    srv_stop(s, 1000);
}

/* Send GET path; read until close. */
static size_t get_all(const char *path, bool *reset)
{
    int fd = raw_connect(srv_port(s));
    char req[128];
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path);
    ck_assert(raw_send(fd, req, strlen(req)));
    size_t n = raw_read_all(fd, resp, sizeof resp, reset);
    close(fd);
    return n;
}

START_TEST(reset_sends_rst_and_nothing_else)
{
    bool reset;
    ck_assert_uint_eq(get_all("/reset", &reset), 0);
    ck_assert(reset);
}
END_TEST

START_TEST(hang_answers_nothing_then_closes)
{
    int fd = raw_connect(srv_port(s));
    const char *req = "GET /hang HTTP/1.1\r\nHost: x\r\n\r\n";
    raw_send(fd, req, strlen(req));
    struct pollfd p = {fd, POLLIN, 0};
    ck_assert_int_eq(poll(&p, 1, 300), 0); /* nothing for at least 0.3 s */
    bool reset;
    ck_assert_uint_eq(raw_read_all(fd, resp, sizeof resp, &reset), 0);
    close(fd);
}
END_TEST

static const char *body_of(const char *r)
{
    const char *b = strstr(r, "\r\n\r\n");
    return b ? b + 4 : NULL;
}

START_TEST(empty_sends_headers_only)
{
    bool reset;
    get_all("/empty", &reset);
    ck_assert_ptr_nonnull(strstr(resp, "HTTP/1.1 201"));
    ck_assert_ptr_nonnull(strcasestr(resp, "content-length: 2000"));
    ck_assert_uint_eq(strlen(body_of(resp)), 0);
}
END_TEST

START_TEST(truncate_cuts_the_body)
{
    bool reset;
    get_all("/truncate", &reset);
    ck_assert_ptr_nonnull(strcasestr(resp, "content-length: 2000"));
    ck_assert_uint_eq(strlen(body_of(resp)), 100);
    get_all("/half", &reset);
    ck_assert_uint_eq(strlen(body_of(resp)), BODY_LEN / 2);
}
END_TEST

START_TEST(drip_paces_the_whole_body)
{
    uint64_t t0 = timer_now_ms();
    bool reset;
    int fd = raw_connect(srv_port(s));
    const char *req = "GET /drip HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    raw_send(fd, req, strlen(req));
    raw_read_all(fd, resp, sizeof resp, &reset);
    close(fd);
    ck_assert_uint_eq(strlen(body_of(resp)), BODY_LEN);
    /* 2000 bytes at 4000 B/s cannot arrive in under half a second */
    ck_assert_uint_ge(timer_now_ms() - t0, 450);
}
END_TEST

START_TEST(malformed_is_200_with_half_a_body)
{
    char r[8192];
    ck_assert_int_eq(raw_request(srv_port(s), "GET /malformed HTTP/1.1\r\nHost: x\r\n\r\n", r, sizeof r), 200);
    ck_assert_uint_eq(strlen(raw_body(r)), BODY_LEN / 2);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("deliver");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 30);
    tcase_add_checked_fixture(t, start, stop);
    tcase_add_test(t, reset_sends_rst_and_nothing_else);
    tcase_add_test(t, hang_answers_nothing_then_closes);
    tcase_add_test(t, empty_sends_headers_only);
    tcase_add_test(t, truncate_cuts_the_body);
    tcase_add_test(t, drip_paces_the_whole_body);
    tcase_add_test(t, malformed_is_200_with_half_a_body);
    suite_add_tcase(su, t);
    return su;
}

CHECK_MAIN(suite)
