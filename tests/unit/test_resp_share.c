/* Answers that share bytes by reference (srv_resp_share): what a client
 * reads is the buffer and the pieces in order, through every delivery, and
 * each piece's owner is released exactly once, whatever became of the answer. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "rawhttp.h"
#include "server.h"
#include "timer.h"

static atomic_int released;
static int owners[SRV_RESP_SHARE_MAX + 1];

static void release_one(void *owner)
{
    int *o = owner;
    (*o)++; /* a second release of the same piece shows as 2 */
    atomic_fetch_add(&released, 1);
}

/* "A" BBBB "C" DD "E": two shared pieces between three copied runs. */
static void build(srv_req *r)
{
    buf *b = srv_resp_body(r);
    buf_puts(b, "A");
    ck_assert(srv_resp_share(r, "BBBB", 4, release_one, &owners[0]));
    buf_puts(b, "C");
    ck_assert(srv_resp_share(r, "DD", 2, release_one, &owners[1]));
    buf_puts(b, "E");
}

static void plain(srv_req *r, void *ctx)
{
    (void)ctx;
    build(r);
}

static void cut(srv_req *r, void *ctx)
{
    (void)ctx;
    build(r);
    srv_resp_deliver(r, SRV_DELIVER_TRUNCATE, 3);
}

static void replaced(srv_req *r, void *ctx)
{
    (void)ctx;
    build(r);
    srv_resp_error(r, 418, "teapot");
}

static void reset(srv_req *r, void *ctx)
{
    (void)ctx;
    build(r);
    srv_resp_deliver(r, SRV_DELIVER_RESET, 0);
}

static void restarted(srv_req *r, void *ctx)
{
    (void)ctx;
    build(r);
    buf_puts(srv_resp_restart(r, 202), "x");
    ck_assert(srv_resp_share(r, "yy", 2, release_one, &owners[2]));
}

static void too_many(srv_req *r, void *ctx)
{
    (void)ctx;
    for (int i = 0; i < SRV_RESP_SHARE_MAX; i++)
        ck_assert(srv_resp_share(r, "p", 1, release_one, &owners[i]));
    ck_assert(!srv_resp_share(r, "q", 1, release_one, &owners[SRV_RESP_SHARE_MAX]));
}

static const srv_route routes[] = {
    {"GET", "/plain", plain, NULL}, {"GET", "/cut", cut, NULL},         {"GET", "/replaced", replaced, NULL},
    {"GET", "/reset", reset, NULL}, {"GET", "/restarted", restarted, NULL}, {"GET", "/many", too_many, NULL},
};

static srv *s;
static char resp[16384];

static void start(void)
{
    srv_config cfg = {.service = "t", .host = "127.0.0.1", .threads = 1, .max_body = 1000,
                      .idle_timeout_s = 30, .routes = routes, .nroutes = sizeof routes / sizeof routes[0]};
    char err[100];
    memset(owners, 0, sizeof owners);
    atomic_store(&released, 0);
    s = srv_start(&cfg, err, sizeof err);
    ck_assert_msg(s != NULL, "%s", err);
}

static void stop(void)
{
    srv_stop(s, 1000);
}

static const char *get(const char *path)
{
    int fd = raw_connect(srv_port(s));
    char req[128];
    snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path);
    ck_assert(raw_send(fd, req, strlen(req)));
    bool was_reset;
    raw_read_all(fd, resp, sizeof resp, &was_reset);
    close(fd);
    const char *body = strstr(resp, "\r\n\r\n");
    return body ? body + 4 : "";
}

/* libmicrohttpd frees a response just after the last byte went out. */
static void wait_released(int n)
{
    uint64_t until = timer_now_ms() + 2000;
    while (atomic_load(&released) < n && timer_now_ms() < until)
        usleep(1000);
    ck_assert_int_eq(atomic_load(&released), n);
}

START_TEST(pieces_go_out_in_place_then_are_released_once)
{
    ck_assert_str_eq(get("/plain"), "ABBBBCDDE");
    ck_assert_ptr_nonnull(strcasestr(resp, "content-length: 9"));
    wait_released(2);
    ck_assert_int_eq(owners[0], 1);
    ck_assert_int_eq(owners[1], 1);
}
END_TEST

START_TEST(a_cut_delivery_reads_the_pieces_too)
{
    ck_assert_str_eq(get("/cut"), "ABB");
    ck_assert_ptr_nonnull(strcasestr(resp, "content-length: 9"));
    wait_released(2);
}
END_TEST

START_TEST(a_replaced_or_dropped_answer_releases_its_pieces)
{
    ck_assert_ptr_nonnull(strstr(get("/replaced"), "teapot"));
    ck_assert_ptr_null(strstr(resp, "BBBB"));
    wait_released(2);
    ck_assert_str_eq(get("/reset"), "");
    wait_released(4);
    ck_assert_int_eq(owners[0], 2);
    ck_assert_int_eq(owners[1], 2);
}
END_TEST

START_TEST(a_restarted_answer_drops_the_pieces_before)
{
    ck_assert_str_eq(get("/restarted"), "xyy");
    ck_assert_ptr_nonnull(strstr(resp, "HTTP/1.1 202"));
    wait_released(3);
    ck_assert_int_eq(owners[0], 1);
    ck_assert_int_eq(owners[2], 1);
}
END_TEST

START_TEST(a_full_answer_refuses_one_piece_more)
{
    char want[SRV_RESP_SHARE_MAX + 1];
    memset(want, 'p', SRV_RESP_SHARE_MAX);
    want[SRV_RESP_SHARE_MAX] = '\0';
    ck_assert_str_eq(get("/many"), want);
    wait_released(SRV_RESP_SHARE_MAX);
    ck_assert_int_eq(owners[SRV_RESP_SHARE_MAX], 0); /* refused: still the caller's */
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("resp_share");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 30);
    tcase_add_checked_fixture(t, start, stop);
    tcase_add_test(t, pieces_go_out_in_place_then_are_released_once);
    tcase_add_test(t, a_cut_delivery_reads_the_pieces_too);
    tcase_add_test(t, a_replaced_or_dropped_answer_releases_its_pieces);
    tcase_add_test(t, a_restarted_answer_drops_the_pieces_before);
    tcase_add_test(t, a_full_answer_refuses_one_piece_more);
    suite_add_tcase(su, t);
    return su;
}

CHECK_MAIN(suite)
