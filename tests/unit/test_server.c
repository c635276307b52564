/* The server core in-process: routing errors, body limits, keep-alive,
 * responses held on a timer without holding a thread, graceful stop. */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_main.h"
#include "rawhttp.h"
#include "server.h"
#include "timer.h"

static void fast(srv_req *r, void *ctx)
{
    (void)ctx;
    srv_resp_text(r, 200, "text/plain", "fast");
}

static void slow(srv_req *r, void *ctx)
{
    (void)ctx;
    srv_resp_text(r, 200, "text/plain", "slow");
    srv_resp_delay(r, 1000);
}

static void echo_len(srv_req *r, void *ctx)
{
    (void)ctx;
    size_t len;
    srv_req_body(r, &len);
    buf_printf(srv_resp_body(r), "{\"len\":%zu}", len);
}

static void api_error(srv_req *r, int status, const char *message)
{
    buf_printf(srv_resp_body(r), "{\"status\":%d,\"detail\":", status);
    buf_json_str(srv_resp_body(r), message, strlen(message));
    buf_puts(srv_resp_body(r), "}");
}

/* When the handler ran, and when the request began (monotonic ms). */
static _Atomic uint64_t built_at;


/* The plan's merge rules, exercised by a fault-like pre_dispatch hook: it
 * holds /plan for 300 ms and asks to cut its body after 5 bytes; the
 * handler paces 200 ms more and asks for a drip, which the fault's choice
 * overrides. */
static bool plan_fault(srv_req *r, void *ctx)
{
    (void)ctx;
    if (strcmp(srv_req_path(r), "/deferred-cut") == 0) {
        srv_fault_deliver(r, SRV_DELIVER_TRUNCATE, 3);
        return true;
    }
    if (strcmp(srv_req_path(r), "/plan") != 0)
        return true;
    srv_fault_delay(r, 300);
    srv_fault_deliver(r, SRV_DELIVER_TRUNCATE, 5);
    return true;
}

static void planned(srv_req *r, void *ctx)
{
    (void)ctx;
    built_at = timer_now_ms();
    srv_resp_text(r, 200, "text/plain", "0123456789");
    srv_resp_delay(r, 200);
    ck_assert(!srv_resp_deliver(r, SRV_DELIVER_DRIP, 1));
    ck_assert_int_eq(srv_resp_get_delivery(r), SRV_DELIVER_TRUNCATE);
}

/* A handler that answers later, from a thread of its own (as a call to an
 * upstream does): 300 ms of work, then 200 ms of its own pacing. */
static void *finish_later(void *arg)
{
    srv_req *r = arg;
    usleep(300 * 1000);
    srv_resp_text(r, 200, "text/plain", "later");
    srv_resp_delay(r, 200);
    srv_resp_finish(r);
    return NULL;
}

static void deferred(srv_req *r, void *ctx)
{
    (void)ctx;
    pthread_t t;
    srv_resp_defer(r);
    ck_assert_int_eq(pthread_create(&t, NULL, finish_later, r), 0);
    pthread_detach(t);
}

/* A fed body: two pieces 200 ms apart, sent as they come. */
static void *feed_later(void *arg)
{
    srv_req *r = arg;
    srv_feed *f = srv_resp_feed(r);
    ck_assert_ptr_nonnull(f);
    srv_resp_header(r, "content-type", "text/event-stream");
    srv_resp_finish(r); /* r is not ours any more: only the feed is */
    srv_feed_write(f, "first;", 6);
    usleep(200 * 1000);
    srv_feed_write(f, "second", 6);
    srv_feed_end(f, true);
    return NULL;
}

static void fed(srv_req *r, void *ctx)
{
    (void)ctx;
    pthread_t t;
    srv_resp_defer(r);
    ck_assert_int_eq(pthread_create(&t, NULL, feed_later, r), 0);
    pthread_detach(t);
}

static const srv_route routes[] = {
    {"GET", "/fed", fed, NULL},
    {"GET", "/deferred", deferred, NULL},
    {"GET", "/deferred-cut", deferred, NULL},
    {"GET", "/fast", fast, NULL},
    {"GET", "/slow", slow, NULL},
    {"POST", "/echo", echo_len, NULL},
    {"GET", "/plan", planned, NULL},
};

static srv *start(unsigned threads)
{
    srv_config cfg = {.service = "test", .host = "127.0.0.1", .port = 0, .threads = threads,
                      .max_body = 1000, .conn_limit = 2000, .idle_timeout_s = 30,
                      .routes = routes, .nroutes = sizeof routes / sizeof routes[0], .on_error = api_error,
                      .pre_dispatch = plan_fault};
    char err[200];
    srv *s = srv_start(&cfg, err, sizeof err);
    ck_assert_msg(s != NULL, "%s", err);
    return s;
}

/* A fault's delay holds before the handler runs (nothing is built while a
 * request is held) and adds to the handler's own pacing; the fault's
 * delivery wins over the handler's. */
START_TEST(fault_delay_holds_before_the_handler_and_adds_to_its_pacing)
{
    srv *s = start(2);
    char resp[4096];
    uint64_t t0 = timer_now_ms();
    int fd = raw_connect(srv_port(s));
    const char *req = "GET /plan HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    ck_assert_int_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
    bool reset = false;
    size_t n = raw_read_all(fd, resp, sizeof resp, &reset);
    close(fd);
    uint64_t done = timer_now_ms();
    ck_assert_uint_ge(built_at - t0, 300);  /* built after the fault's hold */
    ck_assert_uint_ge(done - t0, 500);      /* 300 + the handler's 200 */
    ck_assert_uint_lt(done - t0, 3000);
    ck_assert_uint_gt(n, 0);
    ck_assert_str_eq(raw_body(resp), "01234"); /* cut after 5 bytes: the fault's delivery */
    srv_stop(s, 1000);
}
END_TEST

START_TEST(routing_errors_use_api_format)
{
    srv *s = start(2);
    char resp[4096];
    ck_assert_int_eq(raw_request(srv_port(s), "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", resp, sizeof resp), 404);
    ck_assert_str_eq(raw_body(resp), "{\"status\":404,\"detail\":\"Invalid URL (GET /nope)\"}");
    ck_assert_ptr_nonnull(strcasestr(resp, "content-type: application/json"));
    ck_assert_int_eq(raw_request(srv_port(s), "DELETE /fast HTTP/1.1\r\nHost: x\r\n\r\n", resp, sizeof resp), 405);
    ck_assert_ptr_nonnull(strcasestr(resp, "\r\nallow: GET, HEAD\r\n"));
    ck_assert_ptr_nonnull(strcasestr(resp, "\r\nx-request-id: req_"));
    srv_stop(s, 1000);
}
END_TEST

START_TEST(body_limit_gives_413)
{
    srv *s = start(2);
    char resp[4096], req[4096];
    char body[2001];
    memset(body, 'a', 2000);
    body[2000] = '\0';
    snprintf(req, sizeof req, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 999\r\n\r\n%.999s", body);
    ck_assert_int_eq(raw_request(srv_port(s), req, resp, sizeof resp), 200);
    ck_assert_str_eq(raw_body(resp), "{\"len\":999}");
    snprintf(req, sizeof req, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n%s", body);
    ck_assert_int_eq(raw_request(srv_port(s), req, resp, sizeof resp), 413);
    ck_assert_ptr_nonnull(strstr(raw_body(resp), "\"status\":413"));
    /* chunked: no length up front, the limit is found while reading */
    snprintf(req, sizeof req,
             "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n%.1000s\r\n3e8\r\n%.1000s\r\n0\r\n\r\n",
             body, body);
    ck_assert_int_eq(raw_request(srv_port(s), req, resp, sizeof resp), 413);
    /* Expect: 100-continue: the 413 comes before any of the body is sent */
    ck_assert_int_eq(raw_request(srv_port(s),
                                 "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n",
                                 resp, sizeof resp),
                     413);
    srv_stop(s, 1000);
}
END_TEST

START_TEST(keep_alive_serves_several_requests)
{
    srv *s = start(2);
    int fd = raw_connect(srv_port(s));
    char resp[4096];
    for (int i = 0; i < 3; i++) {
        const char *req = "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n";
        ck_assert(raw_send(fd, req, strlen(req)));
        ck_assert_int_eq(raw_read_response(fd, resp, sizeof resp), 200);
        ck_assert_ptr_null(strcasestr(resp, "connection: close"));
        ck_assert_str_eq(raw_body(resp), "fast");
    }
    close(fd);
    srv_stop(s, 1000);
}
END_TEST

#define HELD 200

/* One worker thread, 200 held responses: if holding took a thread, the
 * fast request sent after them could not be answered before they end
 * (they are held 1 s; the fast one is sent 0.1 s after them). */
START_TEST(held_responses_hold_no_thread)
{
    srv *s = start(1);
    int fds[HELD];
    const char *slow_req = "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n";
    for (int i = 0; i < HELD; i++) {
        fds[i] = raw_connect(srv_port(s));
        ck_assert_int_ge(fds[i], 0);
        ck_assert(raw_send(fds[i], slow_req, strlen(slow_req)));
    }
    usleep(100 * 1000); /* let the server take them all in */
    char resp[4096];
    ck_assert_int_eq(raw_request(srv_port(s), "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n", resp, sizeof resp), 200);
    int answered_before_fast = 0;
    for (int i = 0; i < HELD; i++) {
        struct pollfd p = {fds[i], POLLIN, 0};
        answered_before_fast += poll(&p, 1, 0) > 0;
    }
    ck_assert_int_eq(answered_before_fast, 0);
    for (int i = 0; i < HELD; i++) {
        ck_assert_int_eq(raw_read_response(fds[i], resp, sizeof resp), 200);
        ck_assert_str_eq(raw_body(resp), "slow");
        close(fds[i]);
    }
    srv_stop(s, 1000);
}
END_TEST

/* A deferred answer holds no thread (one thread serves /fast meanwhile),
 * goes out once finished, after the pacing its finisher asked for, and as
 * a fault's delivery says. */
START_TEST(deferred_answers_hold_no_thread_and_keep_the_plan)
{
    srv *s = start(1);
    uint64_t t0 = timer_now_ms();
    int a = raw_connect(srv_port(s)), b = raw_connect(srv_port(s));
    const char *req = "GET /deferred HTTP/1.1\r\nHost: x\r\n\r\n";
    const char *cut = "GET /deferred-cut HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    ck_assert(raw_send(a, req, strlen(req)));
    ck_assert(raw_send(b, cut, strlen(cut)));
    usleep(50 * 1000);
    char resp[4096];
    ck_assert_int_eq(raw_request(srv_port(s), "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n", resp, sizeof resp), 200);
    ck_assert_uint_lt(timer_now_ms() - t0, 250);
    ck_assert_int_eq(raw_read_response(a, resp, sizeof resp), 200);
    ck_assert_uint_ge(timer_now_ms() - t0, 500);
    ck_assert_str_eq(raw_body(resp), "later");
    /* keep-alive: the connection serves its next request */
    ck_assert(raw_send(a, req, strlen(req)));
    ck_assert_int_eq(raw_read_response(a, resp, sizeof resp), 200);
    bool reset = false;
    raw_read_all(b, resp, sizeof resp, &reset);
    ck_assert_str_eq(raw_body(resp), "lat");
    close(a);
    close(b);
    srv_stop(s, 1000);
}
END_TEST

/* A fed body goes out chunked, its first piece before the second is written. */
START_TEST(fed_bodies_go_out_as_they_come)
{
    srv *s = start(1);
    int fd = raw_connect(srv_port(s));
    const char *req = "GET /fed HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    ck_assert(raw_send(fd, req, strlen(req)));
    char first[1024] = "";
    struct pollfd p = {fd, POLLIN, 0};
    ck_assert_int_eq(poll(&p, 1, 150), 1); /* the first piece, well before the second */
    ssize_t n = read(fd, first, sizeof first - 1);
    ck_assert_int_gt(n, 0);
    first[n] = '\0';
    char rest[1024];
    bool reset = false;
    raw_read_all(fd, rest, sizeof rest, &reset);
    close(fd);
    char all[2048];
    snprintf(all, sizeof all, "%s%s", first, rest);
    ck_assert_ptr_nonnull(strcasestr(all, "transfer-encoding: chunked"));
    ck_assert_ptr_nonnull(strstr(all, "6\r\nfirst;\r\n"));
    ck_assert_ptr_nonnull(strstr(all, "6\r\nsecond\r\n0\r\n\r\n"));
    ck_assert_ptr_null(strstr(first, "second"));
    srv_stop(s, 1000);
}
END_TEST

typedef struct {
    unsigned port;
    int status;
    char resp[4096];
} client_t;

static void *held_client(void *arg)
{
    client_t *c = arg;
    c->status = raw_request(c->port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n", c->resp, sizeof c->resp);
    return NULL;
}

/* A held request in flight when the stop begins still gets its answer. */
START_TEST(graceful_stop_finishes_in_flight)
{
    srv *s = start(2);
    client_t c = {srv_port(s), 0, ""};
    pthread_t t;
    pthread_create(&t, NULL, held_client, &c);
    while (srv_inflight(s) == 0)
        usleep(1000);
    srv_stop(s, 5000);
    pthread_join(t, NULL);
    ck_assert_int_eq(c.status, 200);
    ck_assert_str_eq(raw_body(c.resp), "slow");
}
END_TEST

/* A client that sends its request head a byte at a time (slowloris) is cut
 * off once the idle timeout has passed since its first byte, though it is
 * never idle that long: libmicrohttpd's own timeout restarts on every byte,
 * and used to let such a client hold its connection for ever. */
START_TEST(slow_request_head_is_cut_off)
{
    srv_config cfg = {.service = "test", .host = "127.0.0.1", .threads = 2, .max_body = 1000,
                      .idle_timeout_s = 1, .routes = routes, .nroutes = 3, .on_error = api_error};
    char err[200];
    srv *s = srv_start(&cfg, err, sizeof err);
    ck_assert_msg(s != NULL, "%s", err);
    int fd = raw_connect(srv_port(s));
    const char head[] = "GET /fast HTTP/1.1\r\nHost: x\r\nX-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    size_t sent = 0;
    bool closed = false;
    for (int i = 0; i < 40 && !closed; i++) { /* a byte every 100 ms: 4 s for the whole head */
        closed = !raw_send(fd, head + sent, 1);
        sent++;
        struct pollfd p = {fd, POLLIN, 0};
        char c;
        if (poll(&p, 1, 100) > 0)
            closed = recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
    }
    ck_assert_msg(closed, "the server still waited for the head after %zu bytes", sent);
    ck_assert_int_lt(sent, 25); /* cut at about 1 s, not at the end of the head */
    close(fd);
    srv_stop(s, 1000);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("server");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 30);
    tcase_add_test(t, routing_errors_use_api_format);
    tcase_add_test(t, fault_delay_holds_before_the_handler_and_adds_to_its_pacing);
    tcase_add_test(t, body_limit_gives_413);
    tcase_add_test(t, keep_alive_serves_several_requests);
    tcase_add_test(t, held_responses_hold_no_thread);
    tcase_add_test(t, deferred_answers_hold_no_thread_and_keep_the_plan);
    tcase_add_test(t, fed_bodies_go_out_as_they_come);
    tcase_add_test(t, graceful_stop_finishes_in_flight);
    tcase_add_test(t, slow_request_head_is_cut_off);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
