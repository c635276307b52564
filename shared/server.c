/* The request lifecycle on libmicrohttpd, in named phases (see the state
 * in srv_internal.h): read the body (bounded), decide (fault rules),
 * hold a fault's delay, build (the handler), hold the handler's pacing,
 * send as the plan says, then record and log. */
#include "server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "srv_internal.h"
#include "strict.h"
#include "worker.h"

#define SRV_HANG_DEFAULT_MS (10u * 60u * 1000u) /* longer than any client timeout */

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
    r->plan.decided = true;
}

static unsigned route_flags(const srv_req *r)
{
    return r->routed == ROUTE_FOUND ? r->match.route->flags : 0;
}

/* A hang is a hold that ends in a closed socket: how long, when one is set. */
static unsigned hang_ms(const srv_req *r)
{
    if (r->plan.delivery != SRV_DELIVER_HANG)
        return 0;
    return r->plan.param ? (unsigned)r->plan.param : SRV_HANG_DEFAULT_MS;
}

/* Phase "decide": fault rules (never on control routes) pick the plan, or
 * write the whole answer. */
static void decide(srv_req *r)
{
    srv *s = r->server;
    r->state = REQ_DECIDED;
    if (r->body_too_large) {
        body_too_large(r);
        return;
    }
    if (!(route_flags(r) & SRV_ROUTE_CONTROL) && s->cfg.pre_dispatch && !s->cfg.pre_dispatch(r, s->cfg.pre_ctx))
        r->plan.decided = true;
    r->plan.fault_ms += hang_ms(r);
}

/* Phase "build": the handler, or the core's 404/405. */
static void build(srv_req *r)
{
    r->state = REQ_BUILT;
    if (r->plan.decided)
        return;
    char msg[600];
    switch (r->routed) {
    case ROUTE_FOUND:
        r->match.route->fn(r, r->match.route->ctx);
        if (!r->plan.fault_delivery)
            r->plan.pace_ms += hang_ms(r); /* a handler's own hang */
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

/* Phase "send": the answer as the plan says, or a dropped connection. */
static enum MHD_Result send_response(srv_req *r)
{
    srv *s = r->server;
    if (s->cfg.before_send)
        s->cfg.before_send(r, s->cfg.hook_ctx);
    size_t len = r->resp.len;
    struct MHD_Response *resp = deliver_response(r);
    r->state = REQ_SENT;
    record_request(s, r, resp ? r->status : 0, srv_req_elapsed_ms(r));
    if (!resp)
        return MHD_NO; /* closes the connection: a reset, a hang's end, or no memory */
    r->sent_bytes = len;
    add_headers(r, resp);
    enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static void resume_held(void *arg)
{
    srv_req *r = arg;
    MHD_resume_connection(r->conn);
}

/* Hold the request for ms without a thread: suspend the connection and let
 * the timer resume it (on_access then runs the next phase). False when
 * there is nothing to wait for, the server is stopping, or the timer cannot
 * take it (out of memory): the next phase then runs now. */
static bool hold(srv_req *r, unsigned ms)
{
    if (ms == 0 || srv_stopping(r->server))
        return false;
    MHD_suspend_connection(r->conn);
    if (timer_add(r->server->timers, timer_now_ms() + ms, resume_held, r))
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

/* Phase "read", first call: the head is in. Responding on a later call
 * keeps keep-alive (libmicrohttpd 0.9.75 closes a connection answered on
 * the first call); only a shutdown or an oversized body answers now. */
static enum MHD_Result begin(srv *s, struct MHD_Connection *conn, const char *url, const char *method,
                             const char *version, void **req_cls)
{
    conn_watch_head(s, conn, false);
    url = strict_origin_path(url);
    srv_req *r = req_new(conn, method, url, s->cfg.on_error);
    if (!r)
        return MHD_NO;
    r->server = s;
    atomic_fetch_add(&s->inflight, 1);
    *req_cls = r;
    r->routed = router_match(s->cfg.routes, s->cfg.nroutes, method, url, &r->match);
    r->streaming = r->routed == ROUTE_FOUND && r->match.route->body;
    const char *violation = strict_violation(conn, version);
    if (violation) {
        /* Nothing after this head can be trusted to be where it seems. */
        srv_resp_error(r, 400, violation);
        srv_resp_header(r, "connection", "close");
        r->plan.decided = true;
        return send_response(r);
    }
    if (srv_stopping(s)) {
        srv_resp_error(r, 503, "The server is shutting down.");
        return send_response(r); /* at once: the connection closes */
    }
    if (!declared_too_large(conn, body_limit(r)))
        return MHD_YES;
    r->body_too_large = true;
    if (!answer_early(conn, body_limit(r)))
        return MHD_YES; /* read and drop the body, then answer 413 */
    body_too_large(r);
    return send_response(r); /* the body is never read; the connection closes */
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_size, void **req_cls)
{
    srv_req *r = *req_cls;
    if (!r)
        return begin(cls, conn, url, method, version, req_cls);
    if (*upload_size) {
        take_upload(r, upload_data, upload_size);
        return MHD_YES;
    }
    if (r->state == REQ_READING) {
        decide(r);
        if (hold(r, r->plan.fault_ms))
            return MHD_YES;
    }
    if (r->state == REQ_DECIDED) {
        build(r);
        if (hold(r, r->plan.pace_ms))
            return MHD_YES;
    }
    return r->state == REQ_BUILT ? send_response(r) : MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    srv *s = cls;
    conn_watch_head(s, conn, true); /* a kept-alive connection's next head is due */
    srv_req *r = *req_cls;
    if (!r)
        return;
    int status = r->state == REQ_SENT && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? r->status : 0;
    double ms = srv_req_elapsed_ms(r);
    log_access a = {r->id, r->method, r->path, status, ms, r->sent_bytes};
    log_request(&a);
    record_request(s, r, status, ms);
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
        {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)conn_watch_notify, s},
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
    conn_watch_start(s);
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

bool srv_stopping(const srv *s)
{
    return atomic_load(&s->stopping);
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
