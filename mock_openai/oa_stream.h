/* oa_stream: what every streamed answer of this server shares, chat and
 * legacy completions alike: the stream fault kinds and --tokens-per-s. */
#ifndef OA_STREAM_H
#define OA_STREAM_H

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

#endif
