/* Streamed uploads: a route with a body function gets the body in chunks
 * (bounded by max_upload, not max_body) and reads the form as it comes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "multipart.h"
#include "rawhttp.h"

typedef struct form {
    srv_multipart *mp;
    char names[256];
    char filename[64];
    size_t file_bytes;
    unsigned long file_sum;
    int chunks;
} form;

static void form_free(void *p)
{
    form *f = p;
    srv_multipart_free(f->mp);
    free(f);
}

static bool on_part(void *ctx, const srv_part *p)
{
    form *f = ctx;
    if (p->offset == 0 && strlen(f->names) + strlen(p->name) + 2 < sizeof f->names) {
        strcat(f->names, p->name);
        strcat(f->names, ",");
    }
    if (p->filename) {
        snprintf(f->filename, sizeof f->filename, "%s", p->filename);
        f->file_bytes += p->len;
        for (size_t i = 0; i < p->len; i++)
            f->file_sum += (unsigned char)p->data[i];
    }
    return true;
}

static bool upload_body(srv_req *r, const char *data, size_t len, void *ctx)
{
    (void)ctx;
    form *f = srv_req_state(r);
    if (!f) {
        f = calloc(1, sizeof *f);
        f->mp = srv_multipart_new(r, on_part, f);
        srv_req_set_state(r, f, form_free);
    }
    f->chunks++;
    return f->mp && srv_multipart_feed(f->mp, data, len);
}

static void upload(srv_req *r, void *ctx)
{
    (void)ctx;
    form *f = srv_req_state(r);
    if (!f || !f->mp || !srv_multipart_finish(f->mp)) {
        srv_resp_error(r, 400, "bad form");
        return;
    }
    buf_printf(srv_resp_body(r), "{\"names\":\"%s\",\"filename\":\"%s\",\"bytes\":%zu,\"sum\":%lu,\"chunked\":%s}",
               f->names, f->filename, f->file_bytes, f->file_sum, f->chunks > 1 ? "true" : "false");
}

static const srv_route routes[] = {{"POST", "/upload", upload, NULL, upload_body}};
static srv *s;

static void start(void)
{
    srv_config cfg = {.service = "t", .host = "127.0.0.1", .threads = 2, .max_body = 1000,
                      .max_upload = 3u << 20, .idle_timeout_s = 30, .routes = routes, .nroutes = 1};
    char err[100];
    s = srv_start(&cfg, err, sizeof err);
    ck_assert_msg(s != NULL, "%s", err);
}

static void stop(void)
{
    srv_stop(s, 1000);
}

/* A multipart body: fields lang=en (twice), note, and a file of n bytes. */
static char *make_body(size_t n, size_t *len, bool cut)
{
    buf b = BUF_INIT;
    buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nen\r\n"
                 "--XyZ\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nfr\r\n"
                 "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"doc.txt\"\r\n"
                 "Content-Type: text/plain\r\n\r\n");
    char *p = buf_reserve(&b, n);
    for (size_t i = 0; i < n; i++)
        p[i] = (char)('a' + i % 26);
    buf_advance(&b, n);
    if (!cut)
        buf_puts(&b, "\r\n--XyZ--\r\n");
    *len = b.len;
    return buf_release(&b);
}

static int post(const char *body, size_t len, char *resp, size_t cap)
{
    char head[256];
    snprintf(head, sizeof head,
             "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n", len);
    int fd = raw_connect(srv_port(s));
    raw_send(fd, head, strlen(head));
    raw_send(fd, body, len);
    int st = raw_read_response(fd, resp, cap);
    close(fd);
    return st;
}

START_TEST(streams_a_large_file)
{
    size_t len, n = 2u << 20;
    char *body = make_body(n, &len, false);
    unsigned long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (unsigned char)('a' + i % 26);
    char resp[4096], want[256];
    ck_assert_int_eq(post(body, len, resp, sizeof resp), 200);
    snprintf(want, sizeof want,
             "{\"names\":\"language,language,file,\",\"filename\":\"doc.txt\",\"bytes\":%zu,\"sum\":%lu,\"chunked\":true}",
             n, sum);
    ck_assert_str_eq(raw_body(resp), want);
    free(body);
}
END_TEST

START_TEST(upload_limit_is_413)
{
    size_t len;
    char *body = make_body(4u << 20, &len, false);
    char resp[4096];
    ck_assert_int_eq(post(body, len, resp, sizeof resp), 413);
    free(body);
}
END_TEST

START_TEST(cut_form_is_detected)
{
    size_t len;
    char *body = make_body(5000, &len, true);
    char resp[4096];
    ck_assert_int_eq(post(body, len, resp, sizeof resp), 400);
    free(body);
}
END_TEST

/* A part with no Content-Disposition has no name: a 400, not a crash in the
 * callback (libmicrohttpd hands it over with a NULL key). */
START_TEST(nameless_part_is_malformed)
{
    const char body[] = "--XyZ\r\n\r\nhello\r\n--XyZ--\r\n";
    char resp[4096];
    ck_assert_int_eq(post(body, sizeof body - 1, resp, sizeof resp), 400);
    ck_assert_int_eq(post(body, sizeof body - 1, resp, sizeof resp), 400); /* still up */
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("multipart");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 30);
    tcase_add_checked_fixture(t, start, stop);
    tcase_add_test(t, streams_a_large_file);
    tcase_add_test(t, upload_limit_is_413);
    tcase_add_test(t, cut_form_is_detected);
    tcase_add_test(t, nameless_part_is_malformed);
    suite_add_tcase(su, t);
    return su;
}

CHECK_MAIN(suite)
