/* oa_stream: what every streamed answer of this server shares, chat and
 * legacy completions alike: the stream fault kinds and --tokens-per-s. */
#ifndef OA_STREAM_H
#define OA_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "oa_ctx.h"
#include "server.h"

/* The rule kinds acting on a whole stream b ("data: ...\n\n" events):
 * stream_cut drops the connection after after_chunks events (default 3);
 * stream_error sends an error event there and ends without [DONE];
 * content_filter cuts there and lets filtered(b, arg) write the end. */
void oa_stream_fault(srv_req *r, buf *b, void (*filtered)(buf *b, const void *arg), const void *arg);

/* --tokens-per-s: drip the stream at that many content events a second,
 * unless the answer already goes another way. */
void oa_stream_pace(srv_req *r, const oa_ctx *c, size_t bytes, size_t events);

/* How a chat-like answer (chat, legacy completions) writes itself. */
typedef struct oa_answer {
    void *out;                               /* the writer's own state */
    size_t (*sse)(buf *b, void *out);        /* the events; returns the content events */
    void (*json)(buf *b, void *out);         /* the one object */
    void (*filtered)(buf *b, const void *out); /* a content-filtered stream's end */
} oa_answer;

/* The answer into r: held back --ttft-ms (a fault's delay comes on top),
 * then the stream (event-stream headers, the stream faults, --tokens-per-s)
 * or the JSON object. */
void oa_stream_answer(srv_req *r, const oa_ctx *c, bool stream, const oa_answer *a);

#endif
