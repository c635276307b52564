/* POST /v1/chat/completions: one JSON answer, or server-sent events paced
 * by --ttft-ms and --tokens-per-s on the timer (no thread is held). */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oa_catalog.h"
#include "oa_chat.h"
#include "oa_azure.h"
#include "oa_handlers.h"
#include "oa_logprobs.h"
#include "oa_ratelimit.h"
#include "oa_record.h"
#include "oa_stream.h"
#include "oa_tokens.h"
#include "oa_tool_policy.h"
#include "reqid.h"

typedef struct chat_out {
    const oa_chat_req *q;
    char id[40];
    long created;
    size_t completion_tokens;
    bool azure; /* Azure's content filter annotations too */
    char fingerprint[OA_FINGERPRINT_SIZE];
} chat_out;

/* "model":"<snapshot>" as answers name it (the dated id, like the real API). */
static void model_field(buf *b, const chat_out *o)
{
    const char *snap = o->q->model->snapshot;
    buf_puts(b, "\"model\":");
    buf_json_str(b, snap, strlen(snap));
}

/* Reasoning tokens are spent by each choice and counted as completion tokens. */
static void usage(buf *b, const chat_out *o)
{
    size_t reasoning = (size_t)o->q->reasoning_tokens * (size_t)o->q->n;
    size_t completion = o->completion_tokens + reasoning;
    buf_printf(b, "\"usage\":{\"prompt_tokens\":%zu,\"completion_tokens\":%zu,\"total_tokens\":%zu,"
                  "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
                  "\"completion_tokens_details\":{\"reasoning_tokens\":%zu,\"audio_tokens\":0,"
                  "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}",
               o->q->prompt_tokens, completion, o->q->prompt_tokens + completion, reasoning);
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

static void write_json(buf *b, void *out)
{
    chat_out *o = out;
    buf_printf(b, "{\"id\":\"%s\",\"object\":\"chat.completion\",\"created\":%ld,", o->id, o->created);
    model_field(b, o);
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
    buf_printf(b, ",\"service_tier\":\"default\",\"system_fingerprint\":\"%s\"}", o->fingerprint);
}

/* One "data: {chunk}\n\n" event; delta is the JSON of the delta object,
 * logprobs that of its logprobs (NULL: null). */
static void chunk_lp(buf *b, const chat_out *o, long i, const char *delta, const char *finish, const char *logprobs)
{
    buf_printf(b, "data: {\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":%ld,", o->id, o->created);
    model_field(b, o);
    buf_printf(b, ",\"service_tier\":\"default\",\"system_fingerprint\":\"%s\",\"choices\":[{\"index\":%ld,\"delta\":%s,"
                  "\"logprobs\":%s,\"finish_reason\":",
               o->fingerprint, i, delta, logprobs ? logprobs : "null");
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

static size_t write_stream(buf *b, void *out)
{
    chat_out *o = out;
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
        buf_printf(b, "data: {\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":%ld,", o->id, o->created);
        model_field(b, o);
        buf_printf(b, ",\"service_tier\":\"default\",\"system_fingerprint\":\"%s\",\"choices\":[],", o->fingerprint);
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
    buf_printf(b, "data: {\"id\":\"%s\",\"object\":\"chat.completion.chunk\",\"created\":%ld,", o->id, o->created);
    model_field(b, o);
    buf_printf(b, ",\"system_fingerprint\":\"%s\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
                  "\"finish_reason\":\"content_filter\",\"content_filter_results\":",
               o->fingerprint);
    oa_azure_filter_results(b, true);
    buf_puts(b, "}]}\n\ndata: [DONE]\n\n");
}

static void filtered(buf *b, const void *o)
{
    filtered_end(b, o);
}

/* The fields every answer of q shares. */
static void chat_out_init(chat_out *o, const oa_chat_req *q, const char *id, long created, bool azure)
{
    *o = (chat_out){.q = q, .created = created, .azure = azure};
    snprintf(o->id, sizeof o->id, "%s", id);
    oa_model_fingerprint(q->model, o->fingerprint);
}

void oa_chat_json(buf *b, const oa_chat_req *q, const char *id, long created)
{
    chat_out o;
    chat_out_init(&o, q, id, created, false);
    write_json(b, &o);
}

size_t oa_chat_sse(buf *b, const oa_chat_req *q, const char *id, long created)
{
    chat_out o;
    chat_out_init(&o, q, id, created, false);
    return write_stream(b, &o);
}

/* A fresh id per call, as the real API gives ("chatcmpl-" and 29
 * characters); the content stays deterministic, the id does not. */
void oa_chat_new_id(char out[40])
{
    char rid[REQID_LEN + 1];
    reqid_next(rid);
    snprintf(out, 40, "chatcmpl-%.29s", rid + 4);
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
        oa_rec_script(r, &q); /* a replayed recording's reply (oa_record.c) */
        char id[40];
        oa_chat_new_id(id);
        chat_out o;
        chat_out_init(&o, &q, id, (long)time(NULL), oa_azure_request(r));
        srv_resp_header(r, "openai-model", q.model->snapshot);
        oa_answer a = {&o, write_stream, write_json, filtered};
        oa_stream_answer(r, c, q.stream, &a);
    }
    oa_chat_req_free(&q);
}
