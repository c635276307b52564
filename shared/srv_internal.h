/* The server's and the request's records, shared by the files of the core
 * (server.c: lifecycle; request.c: accessors; deliver.c: delivery modes;
 * conn_watch.c: request-head deadlines; record.c: journal and metrics).
 * Nothing outside shared/ includes this, except the fuzz harnesses, which
 * build requests with req_new the way the server does. */
#ifndef MW_SRV_INTERNAL_H
#define MW_SRV_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "buf.h"
#include "reqid.h"
#include "router.h"
#include "server.h"
#include "timer.h"

typedef struct conn_watch conn_watch;

struct srv {
    srv_config cfg;
    struct MHD_Daemon *daemon;
    timer_q *timers;
    atomic_size_t inflight;
    atomic_bool stopping; /* no new holds: held responses go out at once */
    unsigned port;
    pthread_mutex_t watch_lock; /* the list below, and cutting its sockets */
    conn_watch *watches;
    atomic_size_t connections;  /* open now: past cfg.conn_limit only control and health are served */
    pthread_mutex_t log_lock;   /* the repeat count below */
    char last_log[160];         /* libmicrohttpd's last message, and how often it came again */
    unsigned long repeats;
    uint64_t last_log_ms;
};

/* Connections libmicrohttpd takes beyond --max-connections, so that
 * /health and /__control stay reachable when the limit is reached (by
 * held requests, say): the rest get a 503 at once. */
#define SRV_CONTROL_RESERVE 16u

/* Where a request stands. The phases of on_access, in order:
 *   read    the head is in, the body arrives (REQ_READING)
 *   decide  fault rules pick the plan; a fault's delay holds here (REQ_DECIDED)
 *   build   the handler writes the answer; its own pacing holds here (REQ_BUILT);
 *           a handler that answers later (srv_resp_defer) waits in REQ_DEFERRED
 *   send    the answer goes out as the plan says (REQ_SENT) */
typedef enum { REQ_READING, REQ_DECIDED, REQ_DEFERRED, REQ_BUILT, REQ_SENT } req_state;

/* The response plan: how and when the answer goes out. Merge rules:
 * a fault's delay holds before the handler runs (so a held request costs
 * its connection and little more) and adds to the handler's own pacing,
 * which holds after it; a delivery mode set by a fault wins over the
 * handler's; a handler can only add pacing or pick a mode no fault set. */
typedef struct srv_plan {
    unsigned fault_ms;      /* a fault's delay, and a hang's length */
    unsigned pace_ms;       /* the handler's own (time to first token) */
    srv_delivery delivery;  /* how the bytes go out */
    unsigned long param;    /* its parameter (see srv_delivery) */
    bool fault_delivery;    /* the delivery came from a fault */
    bool decided;           /* a fault (or the core) wrote the answer: no handler */
} srv_plan;

struct srv_req {
    srv *server;
    srv_error_fn server_error_fn; /* the API's error format, from the config */
    struct MHD_Connection *conn;
    char id[REQID_LEN + 1];
    const char *method; /* owned by libmicrohttpd for the request's life */
    const char *path;
    uint64_t start_ns;
    req_state state;
    bool body_too_large;
    bool client_gone;      /* the client left while the request was held */
    bool deferred;         /* the handler called srv_resp_defer (the MHD thread's own flag) */
    struct srv_feed *feed; /* srv_resp_feed: the body comes while it is sent (deliver_feed.c) */
    uint64_t hold_until;   /* the end of the current hold (timer_now_ms) */
    buf body;
    router_match_t match;
    router_result routed;  /* matched on the first call, when the headers are in */
    bool streaming;        /* the route takes the body chunk by chunk */
    bool stream_stopped;   /* its body function asked for no more */
    size_t body_seen;      /* bytes of body received, streamed or not */
    size_t body_progress;  /* since the body's deadline was last re-armed */
    void *app_state; /* srv_req_set_state */
    void (*app_state_free)(void *);
    /* response */
    int status;
    srv_plan plan;
    bool has_content_type;
    buf headers; /* "name\0value\0" pairs, one allocation for all of them */
    buf resp;
    struct resp_share *shares; /* srv_resp_share's pieces, in body order (resp_share.c) */
    size_t nshares;
    size_t sent_bytes;
    buf notes;           /* "name\0value\0" pairs: srv_req_note_set */
    bool recorded;       /* in the journal and metrics already */
    char fault_rule[24]; /* "" when no fault acted */
    char fault_kind[16];
};

uint64_t req_now_ns(void);

/* srv_stopping (server.h): holds are then skipped and drips unpaced. */

/* A request record for conn (NULL in the fuzz harnesses, which fake the
 * lookups), answering errors through on_error (NULL: {"error": msg}).
 * req_free releases it and everything it owns. */
srv_req *req_new(struct MHD_Connection *conn, const char *method, const char *path, srv_error_fn on_error);
void req_free(srv_req *r);

/* The libmicrohttpd response the plan's delivery mode makes of r's answer,
 * or NULL when the connection is to be dropped instead (a reset, the end
 * of a hang, or no memory). deliver.c. */
struct MHD_Response *deliver_response(srv_req *r);

/* The chunked response of a fed body (takes r->feed), and dropping a feed
 * that was never sent (deliver_feed.c). */
struct MHD_Response *feed_response(srv_req *r);
void feed_release(void *f);

/* Request-head deadlines (conn_watch.c): the connection notification
 * callback, "a head is due" / "a request is being served", and the sweep
 * the server arms on its timer once at start. */
void conn_watch_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode code);
void conn_watch_head(srv *s, struct MHD_Connection *conn, bool waiting);
void conn_watch_start(srv *s);

/* Pieces shared into the answer by srv_resp_share (resp_share.c):
 *   resp_share_len     the body's whole length, pieces included
 *   resp_share_flatten copy the pieces into r->resp (the delivery modes that
 *                      cut or pace a body read one buffer); false on OOM
 *   resp_share_drop    release the pieces unsent (a replaced answer, a
 *                      request freed)
 *   resp_share_response the normal delivery with no copy: one vector of the
 *                      buffer's runs and the pieces, freed by libmicrohttpd */
size_t resp_share_len(const srv_req *r);
bool resp_share_flatten(srv_req *r);
void resp_share_drop(srv_req *r);
struct MHD_Response *resp_share_response(srv_req *r);

/* Journal and metrics for a request whose answer is decided (record.c);
 * once per request. */
void record_request(srv *s, srv_req *r, int status, double ms);

#endif
