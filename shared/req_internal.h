/* The request record shared by server.c (lifecycle) and request.c (accessors).
 * Nothing outside shared/ includes this. */
#ifndef MW_REQ_INTERNAL_H
#define MW_REQ_INTERNAL_H

#include <microhttpd.h>
#include <stdint.h>

#include "buf.h"
#include "reqid.h"
#include "router.h"
#include "server.h"
#include "timer.h"

typedef enum { REQ_READING, REQ_HELD, REQ_SENT } req_state;

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
    buf body;
    router_match_t match;
    router_result routed;  /* matched on the first call, when the headers are in */
    bool streaming;        /* the route takes the body chunk by chunk */
    bool stream_stopped;   /* its body function asked for no more */
    size_t body_seen;      /* bytes of body received, streamed or not */
    void *app_state; /* srv_req_set_state */
    void (*app_state_free)(void *);
    /* response */
    int status;
    unsigned delay_ms;
    srv_delivery delivery;
    unsigned long delivery_param;
    bool has_content_type;
    buf headers; /* "name\0value\0" pairs, one allocation for all of them */
    buf resp;
    size_t sent_bytes;
    buf notes;           /* "name\0value\0" pairs: srv_req_note_set */
    bool recorded;       /* in the journal and metrics already */
    char fault_rule[24]; /* "" when no fault acted */
    char fault_kind[16];
};

uint64_t req_now_ns(void);

/* Server internals the delivery modes need (server.c). */
timer_q *srv_timers(srv *s);
bool srv_stopping(srv *s);

/* The libmicrohttpd response for a non-normal delivery mode, or NULL with
 * *close_now set when the connection is to be dropped instead (deliver.c). */
struct MHD_Response *deliver_response(srv_req *r, bool *close_now);

#endif
