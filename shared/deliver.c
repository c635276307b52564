/* How an answer goes over the wire: normally, or failing the way networks
 * and servers fail (cut, empty, dripped and malformed bodies, resets and
 * hangs), all behind deliver_response(). Dripping is paced like h2o's
 * throttle filter: a reader releases bytes as a budget allows, and when the
 * budget is spent it suspends the connection and arms a timer to resume it,
 * so a slow response holds no thread. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "srv_internal.h"

#define DRIP_MIN_WAIT_MS 10

typedef struct reader {
    char *data;
    size_t len;
    size_t limit;       /* bytes sent before the connection is cut */
    unsigned long rate; /* bytes per second; 0 = unpaced */
    uint64_t start_ms;
    srv *server;
    struct MHD_Connection *conn;
} reader;

static void free_reader(void *cls)
{
    reader *rd = cls;
    free(rd->data);
    free(rd);
}

static void resume_conn(void *arg)
{
    MHD_resume_connection(arg);
}

/* Bytes the drip budget allows by now, counted from the start. */
static size_t drip_allowed(const reader *rd, uint64_t now)
{
    uint64_t allowed = (now - rd->start_ms) * rd->rate / 1000 + 1;
    return allowed < rd->len ? (size_t)allowed : rd->len;
}

/* Budget spent: sleep on the timer until the next byte is due. */
static ssize_t drip_wait(reader *rd, uint64_t pos, uint64_t now)
{
    uint64_t due = rd->start_ms + (pos * 1000) / rd->rate;
    uint64_t wait = due > now + DRIP_MIN_WAIT_MS ? due - now : DRIP_MIN_WAIT_MS;
    MHD_suspend_connection(rd->conn);
    if (!timer_add(rd->server->timers, now + wait, resume_conn, rd->conn))
        MHD_resume_connection(rd->conn);
    return 0;
}

static ssize_t read_body(void *cls, uint64_t pos, char *out, size_t max)
{
    reader *rd = cls;
    if (pos >= rd->limit)
        return rd->limit < rd->len ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
    size_t end = rd->limit;
    if (rd->rate && !srv_stopping(rd->server)) {
        uint64_t now = timer_now_ms();
        size_t allowed = drip_allowed(rd, now);
        if (allowed <= pos)
            return drip_wait(rd, pos, now);
        end = allowed < end ? allowed : end;
    }
    size_t n = end - (size_t)pos < max ? end - (size_t)pos : max;
    memcpy(out, rd->data + pos, n);
    return (ssize_t)n;
}

/* Reset the TCP connection now. libmicrohttpd half-closes (FIN) before it
 * closes, which a client reads as a clean end; connect() to AF_UNSPEC makes
 * Linux abort the connection with an RST first, and leaves the descriptor
 * for libmicrohttpd to close. SO_LINGER 0 makes that close abortive too, on
 * systems without the connect() behaviour. */
static void reset_now(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci)
        return;
    struct linger lg = {1, 0};
    setsockopt(ci->connect_fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    struct sockaddr unspec = {.sa_family = AF_UNSPEC};
    if (connect(ci->connect_fd, &unspec, sizeof unspec) != 0) {
        /* not supported here: the abortive close still resets */
    }
}

static struct MHD_Response *reader_response(srv_req *r, size_t limit, unsigned long rate)
{
    reader *rd = calloc(1, sizeof *rd);
    if (!rd)
        return NULL;
    rd->len = r->resp.len;
    rd->data = buf_release(&r->resp);
    rd->limit = limit < rd->len ? limit : rd->len;
    rd->rate = rate;
    rd->start_ms = timer_now_ms();
    rd->server = r->server;
    rd->conn = r->conn;
    struct MHD_Response *resp =
        MHD_create_response_from_callback(rd->len, rate ? 512 : 4096, read_body, rd, free_reader);
    if (!resp)
        free_reader(rd);
    return resp;
}

/* The body as libmicrohttpd takes it: the buffer itself, freed by it. */
static struct MHD_Response *plain_response(srv_req *r)
{
    if (r->resp.len == 0)
        return MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(r->resp.len, r->resp.data, free);
    if (resp)
        buf_release(&r->resp);
    return resp;
}

/* A malformed answer: status 200 and the first half of the real body; the
 * declared length is right, the JSON is not. */
static struct MHD_Response *malformed_response(srv_req *r)
{
    r->status = 200;
    if (r->resp.len > 1) {
        r->resp.len /= 2;
        r->resp.data[r->resp.len] = '\0';
    }
    return plain_response(r);
}

struct MHD_Response *deliver_response(srv_req *r)
{
    if (r->plan.delivery == SRV_DELIVER_NORMAL && r->nshares)
        return resp_share_response(r);
    if (!resp_share_flatten(r))
        return NULL;
    size_t len = r->resp.len;
    unsigned long param = r->plan.param;
    if (r->feed)
        return feed_response(r);
    switch (r->plan.delivery) {
    case SRV_DELIVER_NORMAL:
        return plain_response(r);
    case SRV_DELIVER_MALFORMED:
        return malformed_response(r);
    case SRV_DELIVER_RESET:
        reset_now(r->conn);
        return NULL;
    case SRV_DELIVER_HANG:
        return NULL; /* the hang was the hold before this; now the close */
    case SRV_DELIVER_EMPTY:
        return reader_response(r, 0, 0);
    case SRV_DELIVER_TRUNCATE:
        return reader_response(r, param == SRV_TRUNCATE_HALF ? len / 2 : param, 0);
    case SRV_DELIVER_DRIP:
        return reader_response(r, len, param ? param : 1);
    }
    return NULL;
}
