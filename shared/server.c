/* The request lifecycle on libmicrohttpd: read the body (bounded), route,
 * run the handler, optionally hold the response on a timer, send, log. */
#include "server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"
#include "req_internal.h"
#include "timer.h"
#include "worker.h"

#define SRV_HANG_DEFAULT_MS (10u * 60u * 1000u) /* longer than any client timeout */
#define SRV_SWEEP_MS 100u /* how often request heads are checked against their deadline */

/* One TCP connection, watched so that its request head (request line and
 * headers) arrives within the idle timeout. libmicrohttpd's own timeout
 * restarts with every byte received, so a client that sends its head a
 * byte at a time (slowloris) would hold the connection forever. */
typedef struct conn_watch {
    struct conn_watch *prev, *next;
    int fd;
    _Atomic uint64_t head_due_ms; /* 0 while a request is being served */
    bool cut;
} conn_watch;

struct srv {
    srv_config cfg;
    struct MHD_Daemon *daemon;
    timer_q *timers;
    atomic_size_t inflight;
    atomic_bool stopping; /* no new holds: held responses go out at once */
    unsigned port;
    pthread_mutex_t watch_lock; /* the list below, and cutting its sockets */
    conn_watch *watches;
};

timer_q *srv_timers(srv *s)
{
    return s->timers;
}

bool srv_stopping(srv *s)
{
    return atomic_load(&s->stopping);
}

static srv_req *req_new(srv *s, struct MHD_Connection *conn, const char *url, const char *method)
{
    srv_req *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->server = s;
    r->server_error_fn = s->cfg.on_error;
    r->conn = conn;
    r->method = method;
    r->path = url;
    r->start_ns = req_now_ns();
    r->status = 200;
    reqid_next(r->id);
    atomic_fetch_add(&s->inflight, 1);
    return r;
}

static void req_free(srv_req *r)
{
    if (r->app_state_free)
        r->app_state_free(r->app_state);
    buf_free(&r->body);
    buf_free(&r->headers);
    buf_free(&r->resp);
    buf_free(&r->notes);
    free(r);
}

/* A declared Content-Length above the limit is refused before reading. */
static bool declared_too_large(struct MHD_Connection *conn, size_t max)
{
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!cl)
        return false;
    char *end;
    unsigned long long n = strtoull(cl, &end, 10);
    return end != cl && n > max;
}

/* A client that sent "Expect: 100-continue" waits for our answer before
 * sending the body, so a 413 can go at once; others are already sending,
 * and would see a broken connection instead of the 413 unless the body is
 * read (and dropped) first. Only absurd sizes are cut off at once. */
static bool answer_early(struct MHD_Connection *conn, size_t limit)
{
    const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
    if (expect && strcasecmp(expect, "100-continue") == 0)
        return true;
    size_t absurd = limit > SIZE_MAX - ((size_t)1 << 30) ? SIZE_MAX : limit + ((size_t)1 << 30);
    return declared_too_large(conn, absurd);
}

static size_t body_limit(const srv_req *r)
{
    const srv_config *c = &r->server->cfg;
    return r->streaming && c->max_upload ? c->max_upload : c->max_body;
}

static void body_too_large(srv_req *r)
{
    char msg[160];
    snprintf(msg, sizeof msg, "Request body too large: the limit is %zu bytes.", body_limit(r));
    srv_resp_error(r, 413, msg);
}

static void dispatch(srv_req *r)
{
    srv *s = r->server;
    if (r->body_too_large) {
        body_too_large(r);
        return;
    }
    router_result found = r->routed; /* routed first, so a faulted request still counts under its route */
    if (s->cfg.pre_dispatch && !s->cfg.pre_dispatch(r, s->cfg.pre_ctx))
        return;
    char msg[600];
    switch (found) {
    case ROUTE_FOUND:
        r->match.route->fn(r, r->match.route->ctx);
        return;
    case ROUTE_BAD_METHOD:
        snprintf(msg, sizeof msg, "Invalid method for URL (%.32s %.500s)", r->method, r->path);
        srv_resp_error(r, 405, msg);
        srv_resp_header(r, "allow", r->match.allow);
        return;
    case ROUTE_NOT_FOUND:
        snprintf(msg, sizeof msg, "Invalid URL (%.32s %.500s)", r->method, r->path);
        srv_resp_error(r, 404, msg);
        return;
    }
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

/* A malformed answer: status 200 and the first half of the real body. */
static void make_malformed(srv_req *r)
{
    r->status = 200;
    if (r->resp.len > 1) {
        r->resp.len /= 2;
        r->resp.data[r->resp.len] = '\0';
    }
}

static void add_headers(srv_req *r, struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "x-request-id", r->id);
    if (!r->has_content_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
    for (size_t off = 0; off < r->headers.len;) {
        const char *name = r->headers.data + off;
        const char *value = name + strlen(name) + 1;
        MHD_add_response_header(resp, name, value);
        off = (size_t)(value + strlen(value) + 1 - r->headers.data);
    }
}

/* The response for r, or NULL with *close_now when the delivery mode drops
 * the connection instead of answering. */
static struct MHD_Response *build_response(srv_req *r, bool *close_now)
{
    *close_now = false;
    if (r->delivery == SRV_DELIVER_MALFORMED)
        make_malformed(r);
    size_t len = r->resp.len;
    bool plain = r->delivery == SRV_DELIVER_NORMAL || r->delivery == SRV_DELIVER_MALFORMED;
    struct MHD_Response *resp = plain ? plain_response(r) : deliver_response(r, close_now);
    if (!resp)
        return NULL;
    r->sent_bytes = len;
    add_headers(r, resp);
    return resp;
}

static void record(srv *s, srv_req *r, int status, double ms);

static enum MHD_Result send_response(srv_req *r)
{
    srv *s = r->server;
    if (s->cfg.before_send)
        s->cfg.before_send(r, s->cfg.hook_ctx);
    bool close_now;
    struct MHD_Response *resp = build_response(r, &close_now);
    r->state = REQ_SENT;
    record(s, r, resp ? r->status : 0, srv_req_elapsed_ms(r));
    if (!resp)
        return MHD_NO; /* closes the connection: a reset, a hang's end, or no memory */
    enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static void resume_held(void *arg)
{
    srv_req *r = arg;
    MHD_resume_connection(r->conn);
}

/* Suspend the connection and let the timer thread resume it; if the timer
 * cannot take it (out of memory) the response simply goes now. */
static bool hold(srv_req *r)
{
    if (srv_stopping(r->server))
        return false;
    r->state = REQ_HELD;
    MHD_suspend_connection(r->conn);
    if (timer_add(r->server->timers, timer_now_ms() + r->delay_ms, resume_held, r))
        return true;
    MHD_resume_connection(r->conn);
    return false;
}

static void take_upload(srv_req *r, const char *data, size_t *size)
{
    size_t max = body_limit(r);
    if (r->streaming) {
        r->body_seen += *size;
        if (r->body_seen > max)
            r->body_too_large = true;
        else if (!r->body_too_large && !r->stream_stopped)
            r->stream_stopped = !r->match.route->body(r, data, *size, r->match.route->ctx);
        *size = 0;
        return;
    }
    if (!r->body_too_large) {
        if (*size > max - r->body.len) {
            r->body_too_large = true;
            buf_free(&r->body);
        } else if (!buf_append(&r->body, data, *size)) {
            r->body_too_large = true; /* no memory for it: same answer */
            buf_free(&r->body);
        }
    }
    *size = 0;
}

static uint64_t head_deadline(const srv *s)
{
    return timer_now_ms() + (uint64_t)s->cfg.idle_timeout_s * 1000u;
}

/* The connection's next request head is due by its deadline (waiting), or
 * is in (a request is being served: no deadline). */
static void head_wait(struct MHD_Connection *conn, srv *s, bool waiting)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_watch *w = ci ? ci->socket_context : NULL;
    if (w)
        atomic_store(&w->head_due_ms, waiting ? head_deadline(s) : 0);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    srv *s = cls;
    conn_watch *w = *socket_context;
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        if (!w)
            return;
        pthread_mutex_lock(&s->watch_lock); /* libmicrohttpd closes the socket after this returns */
        if (w->prev)
            w->prev->next = w->next;
        else
            s->watches = w->next;
        if (w->next)
            w->next->prev = w->prev;
        pthread_mutex_unlock(&s->watch_lock);
        free(w);
        *socket_context = NULL;
        return;
    }
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (s->cfg.idle_timeout_s == 0 || !ci || !(w = calloc(1, sizeof *w)))
        return; /* unwatched: libmicrohttpd's own idle timeout still applies */
    w->fd = ci->connect_fd;
    atomic_init(&w->head_due_ms, head_deadline(s));
    pthread_mutex_lock(&s->watch_lock);
    w->next = s->watches;
    if (w->next)
        w->next->prev = w;
    s->watches = w;
    pthread_mutex_unlock(&s->watch_lock);
    *socket_context = w;
}

/* Cut connections whose request head is overdue. shutdown() makes the
 * connection's own thread read end-of-stream and close it; the lock keeps
 * the socket from being closed (and its number reused) meanwhile. */
static void sweep_heads(void *arg)
{
    srv *s = arg;
    uint64_t now = timer_now_ms();
    pthread_mutex_lock(&s->watch_lock);
    for (conn_watch *w = s->watches; w; w = w->next) {
        uint64_t due = atomic_load(&w->head_due_ms);
        if (!w->cut && due && now >= due) {
            w->cut = true;
            shutdown(w->fd, SHUT_RDWR);
            log_msg(LOG_DEBUG, "request head not complete within the idle timeout: connection closed");
        }
    }
    pthread_mutex_unlock(&s->watch_lock);
    if (!srv_stopping(s))
        timer_add(s->timers, now + SRV_SWEEP_MS, sweep_heads, s);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_size, void **req_cls)
{
    (void)version;
    srv *s = cls;
    srv_req *r = *req_cls;
    if (!r) {
        head_wait(conn, s, false);
        r = req_new(s, conn, url, method);
        if (!r)
            return MHD_NO;
        *req_cls = r;
        r->routed = router_match(s->cfg.routes, s->cfg.nroutes, method, url, &r->match);
        r->streaming = r->routed == ROUTE_FOUND && r->match.route->body;
        if (srv_stopping(s)) {
            srv_resp_error(r, 503, "The server is shutting down.");
            return send_response(r); /* at once: the connection closes */
        }
        if (!declared_too_large(conn, body_limit(r)))
            return MHD_YES; /* respond on a later call: keeps keep-alive */
        r->body_too_large = true;
        if (!answer_early(conn, body_limit(r)))
            return MHD_YES; /* read and drop the body, then answer 413 */
        body_too_large(r);
        return send_response(r); /* the body is never read; the connection closes */
    }
    if (*upload_size) {
        take_upload(r, upload_data, upload_size);
        return MHD_YES;
    }
    if (r->state == REQ_READING) {
        dispatch(r);
        if (r->delivery == SRV_DELIVER_HANG)
            r->delay_ms = r->delivery_param ? (unsigned)r->delivery_param : SRV_HANG_DEFAULT_MS;
        if (r->delay_ms && hold(r))
            return MHD_YES;
    }
    if (r->state == REQ_SENT)
        return MHD_YES;
    return send_response(r);
}

static enum MHD_Result append_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    buf *q = cls;
    buf_printf(q, "%s%s%s%s", q->len ? "&" : "", key, value ? "=" : "", value ? value : "");
    return MHD_YES;
}

/* Control, metrics and health calls would bury the requests tests look for. */
static bool journaled(const char *path)
{
    return strncmp(path, "/__control", 10) != 0 && strcmp(path, "/metrics") != 0 && strcmp(path, "/health") != 0;
}

/* Journal and metrics see the request as soon as its answer is decided,
 * before a byte is sent: a test that reads the journal right after its
 * response must find it there. */
static void record(srv *s, srv_req *r, int status, double ms)
{
    if (r->recorded)
        return;
    r->recorded = true;
    const char *rule = r->fault_rule[0] ? r->fault_rule : NULL;
    if (s->cfg.metrics) {
        metrics_in m = {r->match.route ? r->match.route->pattern : "unmatched", r->method, status, ms / 1000.0,
                        rule, r->fault_kind};
        metrics_record(s->cfg.metrics, &m);
    }
    if (!s->cfg.journal || !journaled(r->path))
        return;
    static const char *const names[JOURNAL_NHEADERS] = JOURNAL_HEADERS;
    buf query = BUF_INIT;
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, append_arg, &query);
    char fault[40];
    snprintf(fault, sizeof fault, "%s%s", strcmp(r->fault_rule, "header") ? "rule " : "", r->fault_rule);
    journal_in in = {r->id, r->method, r->path, query.data ? query.data : "", {NULL}, r->streaming ? r->body_seen : r->body.len, status, ms,
                     rule ? fault : NULL};
    for (int i = 0; i < JOURNAL_NHEADERS; i++)
        in.headers[i] = srv_req_header(r, names[i]);
    journal_record(s->cfg.journal, &in);
    buf_free(&query);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    srv *s = cls;
    head_wait(conn, s, true); /* a kept-alive connection's next head is due */
    srv_req *r = *req_cls;
    if (!r)
        return;
    int status = r->state == REQ_SENT && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? r->status : 0;
    double ms = srv_req_elapsed_ms(r);
    log_access a = {r->id, r->method, r->path, status, ms, r->sent_bytes};
    log_request(&a);
    record(s, r, status, ms);
    req_free(r);
    *req_cls = NULL;
    atomic_fetch_sub(&s->inflight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    /* Closes we asked for (resets, cut bodies) are not the operator's worry. */
    bool ours = strstr(msg, "Application reported") || strstr(msg, "application reported");
    log_msg(ours ? LOG_DEBUG : LOG_WARN, "libmicrohttpd: %s", msg);
}

/* Resolve host:port to one socket address (numeric or a name). */
static bool resolve(const char *host, unsigned port, struct sockaddr_storage *out, char *err, size_t errlen)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, errlen, "cannot resolve host '%s': %s", host, gai_strerror(rc));
        return false;
    }
    memset(out, 0, sizeof *out);
    memcpy(out, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (out->ss_family == AF_INET6)
        ((struct sockaddr_in6 *)out)->sin6_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in *)out)->sin_port = htons((uint16_t)port);
    return true;
}

static struct MHD_Daemon *start_daemon(srv *s, const struct sockaddr_storage *addr)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_ERROR_LOG;
    if (addr->ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* One thread polls by itself; a pool size is only given for two or more. */
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, NULL}, /* first, or MHD logs itself */
        {MHD_OPTION_SOCK_ADDR, 0, (void *)addr},
        {MHD_OPTION_CONNECTION_LIMIT, s->cfg.conn_limit, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, s->cfg.idle_timeout_s, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)(s->cfg.conn_memory ? s->cfg.conn_memory : 32768), NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s},
        {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, s},
        {s->cfg.threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, s->cfg.threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    sigset_t saved;
    thread_mask_all(&saved); /* libmicrohttpd's threads take no signal */
    struct MHD_Daemon *d = MHD_start_daemon(flags, 0, NULL, NULL, on_access, s, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    thread_unmask(&saved);
    return d;
}

srv *srv_start(const srv_config *cfg, char *err, size_t errlen)
{
    struct sockaddr_storage addr;
    if (!resolve(cfg->host, cfg->port, &addr, err, errlen))
        return NULL;
    srv *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->cfg = *cfg;
    if (s->cfg.conn_limit == 0)
        s->cfg.conn_limit = 4096;
    atomic_init(&s->inflight, 0);
    atomic_init(&s->stopping, false);
    pthread_mutex_init(&s->watch_lock, NULL);
    s->timers = timer_start();
    s->daemon = s->timers ? start_daemon(s, &addr) : NULL;
    if (!s->daemon) {
        snprintf(err, errlen, "cannot listen on %s:%u (address in use or not available)", cfg->host, cfg->port);
        timer_stop(s->timers);
        pthread_mutex_destroy(&s->watch_lock);
        free(s);
        return NULL;
    }
    if (s->cfg.idle_timeout_s)
        timer_add(s->timers, timer_now_ms() + SRV_SWEEP_MS, sweep_heads, s);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    return s;
}

unsigned srv_port(const srv *s)
{
    return s->port;
}

size_t srv_inflight(srv *s)
{
    return atomic_load(&s->inflight);
}

static void wait_idle(srv *s, uint64_t deadline_ms)
{
    while (atomic_load(&s->inflight) > 0 && timer_now_ms() < deadline_ms) {
        struct timespec ts = {0, 5 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

void srv_stop(srv *s, unsigned grace_ms)
{
    if (!s)
        return;
    /* No MHD_quiesce_daemon: with a thread pool on epoll, libmicrohttpd
     * 0.9.75 can abort there ("Failed to remove listen FD from epoll set").
     * The listener stays open instead and new requests get a 503. */
    atomic_store(&s->stopping, true);
    /* Held responses go out now rather than vanish (libmicrohttpd must not
     * be stopped with suspended connections); the rest get the grace time. */
    timer_fire_all(s->timers);
    wait_idle(s, timer_now_ms() + grace_ms);
    timer_fire_all(s->timers);
    wait_idle(s, timer_now_ms() + 1000);
    MHD_stop_daemon(s->daemon);
    timer_stop(s->timers);
    pthread_mutex_destroy(&s->watch_lock);
    free(s);
}
