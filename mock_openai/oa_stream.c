/* Stream faults and pacing, shared by every streamed answer (oa_stream.h). */
#include "oa_stream.h"

#include <stdlib.h>
#include <string.h>

/* Where the nth event ("data: ...\n\n") of the stream ends. */
static size_t event_end(const buf *b, long n)
{
    size_t at = 0;
    for (long k = 0; k < n; k++) {
        const char *e = strstr(b->data + at, "\n\n");
        if (!e)
            return b->len;
        at = (size_t)(e + 2 - b->data);
    }
    return at;
}

void oa_stream_fault(srv_req *r, buf *b, void (*filtered)(buf *b, const void *arg), const void *arg)
{
    const char *kind = srv_req_note(r, "kind"), *after = srv_req_note(r, "after_chunks");
    if (!kind || !b->data)
        return;
    size_t at = event_end(b, after ? strtol(after, NULL, 10) : 3);
    if (!strcmp(kind, "stream_cut")) {
        srv_resp_deliver(r, SRV_DELIVER_TRUNCATE, at ? at : 1);
    } else if (!strcmp(kind, "stream_error")) {
        b->len = at;
        buf_puts(b, "data: {\"error\":{\"message\":\"The server had an error while processing your request. Sorry "
                    "about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n");
    } else if (!strcmp(kind, "content_filter") && filtered) {
        b->len = at;
        filtered(b, arg);
    }
}

/* A cut stream, or a fault's own delivery, wins over the pace. */
void oa_stream_pace(srv_req *r, const oa_ctx *c, size_t bytes, size_t events)
{
    if (c->tokens_per_s > 0 && events > 0 && srv_resp_get_delivery(r) == SRV_DELIVER_NORMAL) {
        unsigned long rate = (unsigned long)((double)bytes * (double)c->tokens_per_s / (double)events);
        srv_resp_deliver(r, SRV_DELIVER_DRIP, rate ? rate : 1);
    }
}

void oa_stream_answer(srv_req *r, const oa_ctx *c, bool stream, const oa_answer *a)
{
    buf *b = srv_resp_body(r);
    /* --ttft-ms: the model's time to its first token, streamed or not */
    srv_resp_delay(r, (unsigned)c->ttft_ms);
    if (!stream) {
        a->json(b, a->out);
        return;
    }
    srv_resp_header(r, "content-type", "text/event-stream; charset=utf-8");
    srv_resp_header(r, "cache-control", "no-cache");
    size_t events = a->sse(b, a->out);
    oa_stream_fault(r, b, a->filtered, a->out);
    oa_stream_pace(r, c, b->len, events);
}
