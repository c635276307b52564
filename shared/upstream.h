/* upstream: calls to the real API a recording mock stands in front of
 * (--upstream URL), on one thread with libcurl's multi interface, so a slow
 * upstream holds no libmicrohttpd thread: the handler defers its answer
 * (srv_resp_defer), the call's done function writes it and resumes.
 *
 *     upstream *u = upstream_start("https://api.openai.com", key, 120000);
 *     up_call *c = up_call_new("POST", "/v1/chat/completions");
 *     up_call_auth(c, r, u);                        // --upstream-key, or the client's
 *     up_call_body(c, "application/json", body, len);
 *     srv_resp_defer(r);
 *     upstream_send(u, c, r, done, ctx);            // done(ctx, &answer) on the thread
 *
 * The answer is buffered whole (bounded), then handed over (and passed
 * through as it comes with up_call_stream). A call tied to a request gives
 * up when its server stops (srv_stopping). */
#ifndef MW_UPSTREAM_H
#define MW_UPSTREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "server.h"

#define UPSTREAM_MAX_ANSWER ((size_t)256 << 20)

typedef struct upstream upstream;
typedef struct up_call up_call;

typedef struct up_answer {
    long status;          /* 0 when the call failed: error says why */
    const char *error;
    char content_type[128];
    buf body;             /* the handler may take it (buf_release) */
} up_answer;

/* done runs on the upstream thread, once. */
typedef void (*up_done_fn)(void *ctx, up_answer *a);

/* base: scheme://host[:port] with an optional path prefix the request
 * paths are appended to; key: NULL to pass the clients' own credentials. */
upstream *upstream_start(const char *base, const char *key, long timeout_ms);
void upstream_stop(upstream *u);
const char *upstream_base(const upstream *u);

up_call *up_call_new(const char *method, const char *path);
void up_call_free(up_call *c);
/* Credentials: the --upstream-key as a bearer key (and api-key), or else
 * the request's own Authorization, api-key and x-api-key headers. */
bool up_call_auth(up_call *c, const upstream *u, const srv_req *r);
bool up_call_header(up_call *c, const char *name, const char *value);
bool up_call_body(up_call *c, const char *content_type, const char *body, size_t len);
/* A multipart form instead of a body: fields, then one file part. */
bool up_call_field(up_call *c, const char *name, const char *value);
bool up_call_file(up_call *c, const char *field, const char *filename, const char *data, size_t len);
/* Pass the answer through as it comes: head (on the upstream thread, once,
 * at the first bytes, with a's status and content_type set) says whether
 * to; each piece then goes to piece as it arrives. The whole answer is
 * still kept and given to done. */
typedef bool (*up_head_fn)(void *ctx, const up_answer *a);
typedef void (*up_data_fn)(void *ctx, const char *data, size_t len);
void up_call_stream(up_call *c, up_head_fn head, up_data_fn piece);
/* Not before ms from now (polling a job). */
void up_call_after(up_call *c, unsigned ms);

/* Queue c (taken: freed after done). r, when not NULL, is the deferred
 * request the call works for: its server's stop ends the call (the request
 * itself is not kept). False (c freed, done not called) when out of memory. */
bool upstream_send(upstream *u, up_call *c, const srv_req *r, up_done_fn done, void *ctx);

#endif
