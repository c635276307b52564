/* Stream faults and pacing, shared by chat completions and Responses. */
#include "oa_stream.h"

#include <stdlib.h>
#include <string.h>

/* Where the nth event ("...\n\n") of the stream ends. */
static size_t event_end(const buf *b, long n)
{
    size_t at = 0;
    for (long k = 0; k < n && b->data; k++) {
        const char *e = strstr(b->data + at, "\n\n");
        if (!e)
            return b->len;
        at = (size_t)(e + 2 - b->data);
    }
    return at;
}

void oa_stream_fault(srv_req *r, buf *b, oa_stream_end_fn end, void *ctx)
{
    const char *kind = srv_req_note(r, "kind"), *after = srv_req_note(r, "after_chunks");
    if (!kind)
        return;
    size_t at = event_end(b, after ? strtol(after, NULL, 10) : 3);
    if (!strcmp(kind, "stream_cut")) {
        srv_resp_deliver(r, SRV_DELIVER_TRUNCATE, at ? at : 1);
    } else {
        b->len = at;
        if (b->data)
            b->data[at] = '\0';
        end(b, kind, ctx);
    }
}

void oa_stream_pace(srv_req *r, const oa_ctx *c, size_t bytes, size_t events)
{
    if (c->tokens_per_s > 0 && events > 0 && srv_resp_get_delivery(r) == SRV_DELIVER_NORMAL) {
        unsigned long rate = (unsigned long)((double)bytes * (double)c->tokens_per_s / (double)events);
        srv_resp_deliver(r, SRV_DELIVER_DRIP, rate ? rate : 1);
    }
}
