/* The request lifecycle on libmicrohttpd, in named phases (see the state
 * in srv_internal.h): read the body (bounded), decide (fault rules),
 * hold a fault's delay, build (the handler), hold the handler's pacing,
 * send as the plan says, then record and log. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <sys/resource.h>
#include <sys/socket.h>
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
#define SRV_BODY_PROGRESS 4096u /* body bytes that earn another --idle-timeout */
#define SRV_GONE_CHECK_MS 1000u /* how often a held request's client is looked for */

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
    conn_watch_head(s, r->conn, false); /* whole: nothing more is due from the client */
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
        if (r->deferred)
            return; /* another thread owns the answer now: see answer_deferred */
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
    size_t len = resp_share_len(r);
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

/* Has the client closed its end (or lost it)? A peek, so nothing it sent
 * (a pipelined request) is taken from libmicrohttpd. */
static bool peer_gone(const srv_req *r)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    char c;
    ssize_t n = ci ? recv(ci->connect_fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) : 1;
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* A held request's timer: resume it when its hold ends or the server stops,
 * or early when its client has gone (a hang nobody waits for must not keep
 * its connection); otherwise look again a second later. */
static void hold_tick(void *arg)
{
    srv_req *r = arg;
    uint64_t now = timer_now_ms();
    if (now < r->hold_until && !srv_stopping(r->server) && !(r->client_gone = peer_gone(r))) {
        uint64_t next = now + SRV_GONE_CHECK_MS < r->hold_until ? now + SRV_GONE_CHECK_MS : r->hold_until;
        if (timer_add(r->server->timers, next, hold_tick, r))
            return;
    }
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
    uint64_t now = timer_now_ms();
    r->hold_until = now + ms;
    MHD_suspend_connection(r->conn);
    if (timer_add(r->server->timers, ms > SRV_GONE_CHECK_MS ? now + SRV_GONE_CHECK_MS : r->hold_until, hold_tick, r))
        return true;
    MHD_resume_connection(r->conn);
    return false;
}

/* The client left during a hold: nothing to send, the connection goes. */
static enum MHD_Result client_gone(srv_req *r)
{
    r->state = REQ_SENT;
    record_request(r->server, r, 0, srv_req_elapsed_ms(r));
    return MHD_NO;
}

/* A body must keep coming: each SRV_BODY_PROGRESS bytes re-arm its
 * deadline (--idle-timeout), so a client that sends a byte now and then
 * (slowloris on the body) is cut off like one that does it on the head. */
static void body_progress(srv_req *r, size_t n)
{
    r->body_progress += n;
    if (r->body_progress >= SRV_BODY_PROGRESS) {
        r->body_progress = 0;
        conn_watch_head(r->server, r->conn, true);
    }
}

static void take_upload(srv_req *r, const char *data, size_t *size)
{
    size_t max = body_limit(r);
    body_progress(r, *size);
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
    /* The body, if any, is due now, as the head was: re-armed as it comes
     * (take_upload), cleared once the request is whole (decide). */
    conn_watch_head(s, conn, true);
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
    if (atomic_load(&s->connections) > s->cfg.conn_limit &&
        !(route_flags(r) & (SRV_ROUTE_CONTROL | SRV_ROUTE_UNJOURNALED))) {
        srv_resp_error(r, 503, "The server is at its connection limit (--max-connections); try again later.");
        srv_resp_header(r, "connection", "close");
        r->plan.decided = true;
        return send_response(r);
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
    if (r->client_gone)
        return client_gone(r);
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
        if (r->deferred) {
            r->deferred = false;
            r->state = REQ_DEFERRED; /* srv_resp_finish resumes the connection */
            return MHD_YES;
        }
        if (hold(r, r->plan.pace_ms))
            return MHD_YES;
    } else if (r->state == REQ_DEFERRED) {
        r->state = REQ_BUILT;
        if (!r->plan.fault_delivery)
            r->plan.pace_ms += hang_ms(r);
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

/* Is msg the same as the last one, within a second? Counted, then told
 * once: out of descriptors, libmicrohttpd repeats itself at hundreds of MB
 * of log a second. */
static bool repeated(srv *s, const char *msg)
{
    uint64_t now = timer_now_ms();
    pthread_mutex_lock(&s->log_lock);
    bool again = strncmp(msg, s->last_log, sizeof s->last_log - 1) == 0 && now - s->last_log_ms < 1000;
    unsigned long told = again ? 0 : s->repeats;
    if (again) {
        s->repeats++;
    } else {
        snprintf(s->last_log, sizeof s->last_log, "%.*s", (int)sizeof s->last_log - 1, msg);
        s->repeats = 0;
        s->last_log_ms = now;
    }
    pthread_mutex_unlock(&s->log_lock);
    if (told)
        log_msg(LOG_WARN, "libmicrohttpd: (the message before came %lu more times in a second)", told);
    return again;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    /* Closes we asked for (resets, cut bodies) are not the operator's worry. */
    bool ours = strstr(msg, "Application reported") || strstr(msg, "application reported");
    if (!ours && cls && repeated(cls, msg))
        return;
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
        {MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, s}, /* first, or MHD logs itself */
        {MHD_OPTION_SOCK_ADDR, 0, (void *)addr},
        {MHD_OPTION_CONNECTION_LIMIT, s->cfg.conn_limit + SRV_CONTROL_RESERVE, NULL},
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

/* Descriptors for the connections (and the reserve), plus some for
 * everything else: raise the soft limit as far as allowed, then fit the
 * connection limit to it. Out of descriptors, libmicrohttpd would spin. */
static void fit_descriptors(srv_config *cfg)
{
    const rlim_t other = 64;
    rlim_t want = (rlim_t)cfg->conn_limit + SRV_CONTROL_RESERVE + other;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return;
    rlim_t old = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        rl.rlim_cur = old;
    if (rl.rlim_cur >= want)
        return;
    unsigned fit = rl.rlim_cur > other + SRV_CONTROL_RESERVE + 16 ? (unsigned)(rl.rlim_cur - other - SRV_CONTROL_RESERVE) : 16;
    log_msg(LOG_WARN, "--max-connections %u does not fit the open-file limit (%llu): using %u", cfg->conn_limit,
            (unsigned long long)rl.rlim_cur, fit);
    cfg->conn_limit = fit;
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
    fit_descriptors(&s->cfg);
    atomic_init(&s->inflight, 0);
    atomic_init(&s->connections, 0);
    pthread_mutex_init(&s->log_lock, NULL);
    atomic_init(&s->stopping, false);
    pthread_mutex_init(&s->watch_lock, NULL);
    s->timers = timer_start();
    s->daemon = s->timers ? start_daemon(s, &addr) : NULL;
    if (!s->daemon) {
        snprintf(err, errlen, "cannot listen on %s:%u (address in use or not available)", cfg->host, cfg->port);
        timer_stop(s->timers);
        pthread_mutex_destroy(&s->watch_lock);
        pthread_mutex_destroy(&s->log_lock);
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
    pthread_mutex_destroy(&s->log_lock);
    free(s);
}
