/* oa_stream: what chat and Responses streams share: the stream fault kinds
 * of this server (stream_cut, stream_error, and any other kind the caller
 * ends itself) and --tokens-per-s pacing. Both streams are server-sent
 * events separated by a blank line, so "after_chunks" counts the same. */
#ifndef OA_STREAM_H
#define OA_STREAM_H

#include <stddef.h>

#include "buf.h"
#include "oa_ctx.h"
#include "server.h"

/* Writes the end of a faulted stream (kind is the rule's kind: stream_error,
 * content_filter, ...) after the buffer was cut where the fault strikes. */
typedef void (*oa_stream_end_fn)(buf *b, const char *kind, void *ctx);

/* Apply the request's stream fault, if any, to the whole stream in b:
 * stream_cut drops the connection after after_chunks events (3 by
 * default); any other kind cuts b there and lets end write the rest. */
void oa_stream_fault(srv_req *r, buf *b, oa_stream_end_fn end, void *ctx);

/* --tokens-per-s: drip bytes at events per second, unless the answer
 * already goes another way (a cut stream; a fault's delivery wins). */
void oa_stream_pace(srv_req *r, const oa_ctx *c, size_t bytes, size_t events);

#endif
