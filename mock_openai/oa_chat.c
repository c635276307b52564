/* POST /v1/chat/completions: one JSON answer, or server-sent events paced
 * by --ttft-ms and --tokens-per-s on the timer (no thread is held). */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oa_chat.h"
#include "oa_azure.h"
#include "oa_handlers.h"
#include "oa_logprobs.h"
#include "oa_ratelimit.h"
#include "oa_stream.h"
#include "oa_tokens.h"
#include "oa_tool_policy.h"

typedef struct chat_out {
    const oa_chat_req *q;
    char id[40];
    long created;
    size_t completion_tokens;
    bool azure; /* Azure's content filter annotations too */
} chat_out;

static void usage(buf *b, const chat_out *o)
{
    buf_printf(b, "\"usage\":{\"prompt_tokens\":%zu,\"completion_tokens\":%zu,\"total_tokens\":%zu}",
               o->q->prompt_tokens, o->completion_tokens, o->q->prompt_tokens + o->completion_tokens);
}

/* A choice's logprobs: null unless asked for a text reply. */
static void logprobs(buf *b, const chat_out *o, long i, const buf *reply)
{
    oa_lp_tokens toks;
    if (!o->q->logprobs || oa_tool_calls_count(o->q) ||
        !oa_lp_split(o->q->model, reply->data ? reply->data : "", reply->len, &toks)) {
        buf_puts(b, "null");
        return;
    }
    oa_logprobs_chat(b, o->q->seed + (uint64_t)i, o->q->top_logprobs, reply->data, &toks, 0, toks.n);
    oa_lp_tokens_free(&toks);
}

static void write_json(buf *b, chat_out *o)
{
    buf_printf(b, "{\"id\":\"%s\",\"object\":\"chat.completion\",\"created\":%ld,\"model\":", o->id, o->created);
    buf_json_str(b, o->q->model->id, strlen(o->q->model->id));
    buf_puts(b, ",\"choices\":[");
    for (long i = 0; i < o->q->n; i++) {
        buf reply = BUF_INIT;
        const char *finish;
        oa_chat_reply(o->q, i, &reply, &finish);
        o->completion_tokens += oa_tokens_count(o->q->model, reply.data ? reply.data : "", reply.len);
        buf_printf(b, "%s{\"index\":%ld,\"message\":{\"role\":\"assistant\",\"content\":", i ? "," : "", i);
        if (oa_tool_calls_count(o->q)) {
            buf_puts(b, "null,\"refusal\":null,\"annotations\":[],");
            o->completion_tokens += oa_tool_calls_json(b, o->q, i);
        } else {
            buf_json_str(b, reply.data ? reply.data : "", reply.len);
            buf_puts(b, ",\"refusal\":null,\"annotations\":[]");
        }
        buf_puts(b, "},\"logprobs\":");
        logprobs(b, o, i, &reply);
        buf_printf(b, ",\"finish_reason\":\"%s\"", finish);
        if (o->azure) {
            buf_puts(b, ",\"content_filter_results\":");
            oa_azure_filter_results(b, false);
        }
        buf_puts(b, "}");
        buf_free(&reply);
    }
    buf_puts(b, "],");
    if (o->azure) {
        oa_azure_prompt_filter(b);
        buf_puts(b, ",");
    }
    usage(b, o);
    buf_puts(b, ",\"service_tier\":\"default\",\"system_fingerprint\":null}");
}

/* One "data: {chunk}\n\n" event; delta is the JSON of the delta object,
 * logprobs that of its logprobs (NULL: null). */
static void chunk_lp(buf *b, const chat_out *o, long i, const char *delta, const char *finish, const char *logprobs)
{
    buf_printf(b, "data: {\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":%ld,\"model\":", o->id, o->created);
    buf_json_str(b, o->q->model->id, strlen(o->q->model->id));
    buf_printf(b, ",\"service_tier\":\"default\",\"system_fingerprint\":null,\"choices\":[{\"index\":%ld,\"delta\":%s,"
                  "\"logprobs\":%s,\"finish_reason\":",
               i, delta, logprobs ? logprobs : "null");
    buf_puts(b, finish ? "\"" : "null");
    if (finish)
        buf_printf(b, "%s\"", finish);
    if (o->azure) { /* Azure rates each piece of text; the role and finish events carry {} */
        buf_puts(b, ",\"content_filter_results\":");
        if (strncmp(delta, "{\"content\":", 11) == 0)
            oa_azure_filter_results(b, false);
        else
            buf_puts(b, "{}");
    }
    buf_puts(b, "}]");
    buf_puts(b, o->q->include_usage ? ",\"usage\":null}\n\n" : "}\n\n");
}

static void chunk(buf *b, const chat_out *o, long i, const char *delta, const char *finish)
{
    chunk_lp(b, o, i, delta, finish, NULL);
}

/* Content deltas a word at a time (with its leading space), each with
 * the logprobs of the tokens starting in it when asked. */
static size_t content_chunks(buf *b, const chat_out *o, long i, const buf *text)
{
    size_t count = 0, tok = 0;
    oa_lp_tokens toks = {0, NULL};
    bool lp = o->q->logprobs && oa_lp_split(o->q->model, text->data ? text->data : "", text->len, &toks);
    for (size_t p = 0; p < text->len;) {
        size_t q = p + 1;
        while (q < text->len && text->data[q] != ' ')
            q++;
        buf delta = BUF_INIT, probs = BUF_INIT;
        buf_puts(&delta, "{\"content\":");
        buf_json_str(&delta, text->data + p, q - p);
        buf_puts(&delta, "}");
        size_t from = tok;
        while (lp && tok < toks.n && oa_lp_start(&toks, tok) < q)
            tok++;
        if (lp)
            oa_logprobs_chat(&probs, o->q->seed + (uint64_t)i, o->q->top_logprobs, text->data, &toks, from, tok);
        chunk_lp(b, o, i, delta.data, NULL, probs.data);
        buf_free(&delta);
        buf_free(&probs);
        count++;
        p = q;
    }
    oa_lp_tokens_free(&toks);
    return count;
}

static size_t write_stream(buf *b, chat_out *o)
{
    size_t events = 0;
    if (o->azure) { /* Azure's first event: the prompt's filter results, no choice */
        buf_puts(b, "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",");
        oa_azure_prompt_filter(b);
        buf_puts(b, "}\n\n");
    }
    for (long i = 0; i < o->q->n; i++) {
        buf reply = BUF_INIT;
        const char *finish;
        oa_chat_reply(o->q, i, &reply, &finish);
        o->completion_tokens += oa_tokens_count(o->q->model, reply.data ? reply.data : "", reply.len);
        size_t ncalls = oa_tool_calls_count(o->q);
        chunk(b, o, i, ncalls ? "{\"role\":\"assistant\",\"content\":null,\"refusal\":null}"
                              : "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", NULL);
        for (size_t k = 0; k < ncalls; k++) { /* the call's id and name, then its arguments in pieces */
            buf deltas = BUF_INIT;
            o->completion_tokens += oa_tool_call_deltas(o->q, i, k, &deltas);
            for (size_t at = 0; at < deltas.len; at += strlen(deltas.data + at) + 1, events++)
                chunk(b, o, i, deltas.data + at, NULL);
            buf_free(&deltas);
        }
        if (!ncalls) {
            events += content_chunks(b, o, i, &reply);
        }
        chunk(b, o, i, "{}", finish);
        buf_free(&reply);
    }
    if (o->q->include_usage) {
        buf_printf(b, "data: {\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":%ld,\"model\":", o->id, o->created);
        buf_json_str(b, o->q->model->id, strlen(o->q->model->id));
        buf_puts(b, ",\"service_tier\":\"default\",\"system_fingerprint\":null,\"choices\":[],");
        usage(b, o);
        buf_puts(b, "}\n\n");
    }
    buf_puts(b, "data: [DONE]\n\n");
    return events;
}

/* A content_filter fault on a stream: Azure stops the text where its
 * filter caught it, with finish_reason "content_filter", then [DONE]. */
static void filtered_end(buf *b, const chat_out *o)
{
    buf_printf(b, "data: {\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":%ld,\"model\":", o->id,
               o->created);
    buf_json_str(b, o->q->model->id, strlen(o->q->model->id));
    buf_puts(b, ",\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
                "\"finish_reason\":\"content_filter\",\"content_filter_results\":");
    oa_azure_filter_results(b, true);
    buf_puts(b, "}]}\n\ndata: [DONE]\n\n");
}

static void filtered(buf *b, const void *o)
{
    filtered_end(b, o);
}

void oa_chat_json(buf *b, const oa_chat_req *q, const char *id, long created)
{
    chat_out o = {q, "", created, 0, false};
    snprintf(o.id, sizeof o.id, "%s", id);
    write_json(b, &o);
}

size_t oa_chat_sse(buf *b, const oa_chat_req *q, const char *id, long created)
{
    chat_out o = {q, "", created, 0, false};
    snprintf(o.id, sizeof o.id, "%s", id);
    return write_stream(b, &o);
}

void oa_handle_chat(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    size_t len;
    const char *body = oa_req_body(r, &len); /* Azure: its deployment's model */
    oa_chat_req q;
    oa_err e;
    if (!oa_chat_parse(c, body, len, &q, &e)) {
        oa_error_send(r, &e);
    } else if (oa_ratelimit_take(c->rl, r, q.model->id, q.prompt_tokens)) {
        oa_replies_apply(c->replies, &q);
        char id[40];
        snprintf(id, sizeof id, "chatcmpl-%016llx%08llx", (unsigned long long)q.seed,
                 (unsigned long long)(q.seed >> 17) & 0xffffffffULL);
        buf *b = srv_resp_body(r);
        chat_out o = {&q, "", (long)time(NULL), 0, oa_azure_request(r)};
        snprintf(o.id, sizeof o.id, "%s", id);
        srv_resp_header(r, "openai-model", q.model->id);
        /* --ttft-ms: the model's time to its first token, streamed or not;
         * a fault's delay comes on top (srv_resp_delay adds). */
        srv_resp_delay(r, (unsigned)c->ttft_ms);
        if (q.stream) {
            srv_resp_header(r, "content-type", "text/event-stream; charset=utf-8");
            srv_resp_header(r, "cache-control", "no-cache");
            size_t events = write_stream(b, &o);
            oa_stream_fault(r, b, filtered, &o);
            oa_stream_pace(r, c, b->len, events);
        } else {
            write_json(b, &o);
        }
    }
    oa_chat_req_free(&q);
}
