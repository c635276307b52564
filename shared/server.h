/* server: the HTTP core both mocks stand on (libmicrohttpd underneath).
 *
 * A server is a route table plus a few hooks. Handlers run once the whole
 * request body is in (bounded by max_body: larger bodies get 413 through the
 * server's own error format), fill in a response, and may ask for it to be
 * held back with srv_resp_delay(): the connection is suspended and a timer
 * resumes it, so a held response costs no thread.
 *
 *     static const srv_route routes[] = {{"GET", "/health", health, NULL}};
 *     srv_config cfg = {.service = "mock-x", .host = "127.0.0.1", .port = 0,
 *                       .threads = 2, .max_body = 1 << 20,
 *                       .routes = routes, .nroutes = 1, .on_error = my_error};
 *     srv *s = srv_start(&cfg, err, sizeof err);
 *     printf("%u\n", srv_port(s));
 *     srv_stop(s, 5000);   // stop accepting, let in-flight requests finish
 */
#ifndef MW_SERVER_H
#define MW_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "journal.h"
#include "metrics.h"
#include "router.h"

typedef struct srv srv;

/* Write the API's own error body for a status the core decided on
 * (404 unknown path, 405 wrong method, 413 body too large, 500 OOM).
 * `message` is a complete human sentence. */
typedef void (*srv_error_fn)(srv_req *r, int status, const char *message);

/* Called once the request body is in, before routing. Return false when
 * the hook has already decided the response (the handler is then skipped).
 * This is where fault injection stands. */
typedef bool (*srv_pre_fn)(srv_req *r, void *ctx);

/* Called on every response just before it is sent (after the handler, after
 * any core error): the place for headers every response carries. */
typedef void (*srv_hook_fn)(srv_req *r, void *ctx);

typedef struct srv_config {
    const char *service;     /* names the server in logs */
    const char *host;        /* numeric IPv4/IPv6 address or a host name */
    unsigned port;           /* 0 picks a free port: see srv_port() */
    unsigned threads;        /* worker threads polling connections */
    size_t max_body;         /* request bodies above this get 413 */
    size_t max_upload;       /* the same for streamed bodies (routes with .body); 0 = max_body */
    unsigned conn_limit;     /* concurrent connections accepted */
    unsigned idle_timeout_s; /* idle keep-alive connections closed after this */
    size_t conn_memory;      /* per-connection buffer: bounds the request head */
    const srv_route *routes;
    size_t nroutes;
    srv_error_fn on_error;
    srv_hook_fn before_send;
    void *hook_ctx;
    srv_pre_fn pre_dispatch;
    void *pre_ctx;
    journal *journal; /* every answered request is recorded here (optional) */
    metrics *metrics; /* and counted here (optional) */
} srv_config;

srv *srv_start(const srv_config *cfg, char *err, size_t errlen);
unsigned srv_port(const srv *s);

/* Requests accepted whose response has not finished. */
size_t srv_inflight(srv *s);

/* Graceful stop: new requests get 503, held responses are released, then
 * up to grace_ms for in-flight requests to finish; then the threads stop and
 * everything is freed. */
void srv_stop(srv *s, unsigned grace_ms);

/* Per-request state a streaming route keeps between its body chunks and its
 * handler; free_fn runs when the request ends. */
void srv_req_set_state(srv_req *r, void *state, void (*free_fn)(void *));
void *srv_req_state(const srv_req *r);

/* Request accessors; strings live as long as the request. */
const char *srv_req_method(const srv_req *r);
const char *srv_req_path(const srv_req *r);
const char *srv_req_header(const srv_req *r, const char *name); /* case-insensitive */
const char *srv_req_query(const srv_req *r, const char *name);
const char *srv_req_param(const srv_req *r, const char *name);  /* from "{name}" */
/* Every value of a repeated query parameter (?a=1&a=2), in order. */
void srv_req_query_each(const srv_req *r, const char *name, void (*fn)(const char *value, void *ctx), void *ctx);
const char *srv_req_body(const srv_req *r, size_t *len);
/* The token of "Authorization: Bearer TOKEN" (scheme in any case, spaces or
 * tabs around the token; what follows the token is not part of it), not
 * NUL-terminated: *len bytes. NULL (and *len 0) when there is none. The one
 * reading of the key for authentication, rate limits and control tokens. */
const char *srv_req_bearer(const srv_req *r, size_t *len);

/* A key as the real APIs show it in messages: its start and end only,
 * "sk-abc***xyz" (shorter keys: a third of it, then "***"). */
void srv_mask_key(const char *key, size_t len, char *out, size_t cap);
const char *srv_req_id(const srv_req *r);
double srv_req_elapsed_ms(const srv_req *r);

/* Response builders. Status defaults to 200, content-type to JSON. */
void srv_resp_status(srv_req *r, int status);
int srv_resp_get_status(const srv_req *r);
bool srv_resp_header(srv_req *r, const char *name, const char *value);
/* A response header set so far (the last one of that name), or NULL. */
const char *srv_resp_header_get(const srv_req *r, const char *name);
buf *srv_resp_body(srv_req *r);
/* Start the answer again with this status: the body written and the pieces
 * shared so far are dropped (an error replacing a half-built answer).
 * Returns the empty body to write into. */
buf *srv_resp_restart(srv_req *r, int status);
/* Append data[0..len) to the answer by reference instead of by copy, at the
 * body's current end (writes to srv_resp_body() go after it): bytes many
 * answers share (a cached encoding) then cost each answer nothing while it
 * waits for a slow reader. The bytes must stay unchanged until
 * release(owner), which runs exactly once, when the answer has gone out or
 * been replaced (srv_resp_restart, srv_resp_text, srv_resp_error; clearing
 * the body by hand does not drop them). False, with owner still the
 * caller's, when out of memory or when the answer already shares
 * SRV_RESP_SHARE_MAX pieces: copy the bytes instead.
 *
 *     if (!srv_resp_share(r, e->bytes, e->len, entry_unref, e)) { copy; entry_unref(e); }
 */
#define SRV_RESP_SHARE_MAX 64
bool srv_resp_share(srv_req *r, const char *data, size_t len, void (*release)(void *), void *owner);
bool srv_resp_text(srv_req *r, int status, const char *content_type, const char *text);
void srv_resp_error(srv_req *r, int status, const char *message);

/* The handler's own pacing (a model's time to first token): the built
 * answer is held back ms more milliseconds, without holding a thread, after
 * any delay a fault put before the handler. Calls add up. */
void srv_resp_delay(srv_req *r, unsigned ms);

/* A handler whose answer comes later, from another thread (a call to an
 * upstream server): srv_resp_defer suspends the connection, holding no
 * thread, and the handler returns; the thread that owns the work writes
 * the answer with the builders above, then calls srv_resp_finish once. The
 * answer then goes out as the plan says: a fault's delivery, the handler's
 * pacing. Between the two calls only that thread may touch r (read the
 * request's headers before deferring). A request waiting so counts against
 * --max-connections like a held one; deferred work must end when
 * srv_stopping turns true, for srv_stop waits for it. */
void srv_resp_defer(srv_req *r);
void srv_resp_finish(srv_req *r);
srv *srv_req_server(const srv_req *r);
/* Has srv_stop begun? */
bool srv_stopping(const srv *s);

/* A deferred answer whose body comes in pieces while it is sent (an
 * upstream's event stream passed through as it arrives): call
 * srv_resp_feed before srv_resp_finish, then srv_feed_write as pieces come
 * and srv_feed_end once, all from the thread that deferred. The body goes
 * out chunked. The request may be gone as soon as srv_resp_finish returns:
 * only the feed may be used after it (srv_feed_end frees it). NULL (and the
 * answer is built whole, as usual) when a fault chose how the answer goes,
 * or out of memory. */
typedef struct srv_feed srv_feed;
srv_feed *srv_resp_feed(srv_req *r);
bool srv_feed_write(srv_feed *f, const char *data, size_t len);
/* complete false: the body ends cut (the client sees the transfer fail). */
void srv_feed_end(srv_feed *f, bool complete);

/* How the response goes over the wire; each mode is a way real servers and
 * networks fail, as fault injection needs them (param in brackets):
 *   SRV_DELIVER_RESET     no response: the TCP connection is reset (RST)
 *   SRV_DELIVER_HANG      no response for [ms], then the connection closes
 *   SRV_DELIVER_EMPTY     headers (with the full Content-Length), then close
 *   SRV_DELIVER_TRUNCATE  headers and the first [bytes] of the body
 *                         (SRV_TRUNCATE_HALF: half of it), then close
 *   SRV_DELIVER_DRIP      the whole response at [bytes per second], paced
 *                         by the timer, holding no thread
 *   SRV_DELIVER_MALFORMED status 200 with the first half of the body: the
 *                         declared length is right, the JSON is not */
#define SRV_TRUNCATE_HALF ((unsigned long)-1)

typedef enum {
    SRV_DELIVER_NORMAL,
    SRV_DELIVER_RESET,
    SRV_DELIVER_HANG,
    SRV_DELIVER_EMPTY,
    SRV_DELIVER_TRUNCATE,
    SRV_DELIVER_DRIP,
    SRV_DELIVER_MALFORMED,
} srv_delivery;

/* The handler's choice of delivery (a stream paced by dripping); false,
 * and nothing changes, when a fault already chose one: a fault wins. */
bool srv_resp_deliver(srv_req *r, srv_delivery how, unsigned long param);
srv_delivery srv_resp_get_delivery(const srv_req *r);

/* For fault injection, from a pre_dispatch hook: a delay held before the
 * handler runs (so a held request costs little more than its connection;
 * it adds to the handler's own pacing), and a delivery mode the handler
 * cannot change. A hang is held for its param (ms, 0 = ten minutes) and
 * then the connection closes. */
void srv_fault_delay(srv_req *r, unsigned ms);
void srv_fault_deliver(srv_req *r, srv_delivery how, unsigned long param);

/* Note that a fault acted on this request (journal and metrics show it):
 * rule is "3" for rule 3 or "header" for x-mock-fault; kind is what it did. */
void srv_req_mark_fault(srv_req *r, const char *rule, const char *kind);
/* Did a fault act on this request? */
bool srv_req_faulted(const srv_req *r);

/* Notes one module leaves for another on a request (a fault rule's
 * server-specific fields for the handler, e.g. "job_status"). */
bool srv_req_note_set(srv_req *r, const char *name, const char *value);
const char *srv_req_note(const srv_req *r, const char *name); /* NULL if absent */

/* GET /metrics: the Prometheus text of the metrics given as ctx. */
void srv_metrics_handler(srv_req *r, void *metrics);

#endif
