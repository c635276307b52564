/* POST /v1/completions: one text_completion object, or its server-sent
 * events, paced and faulted as chat streams are (oa_stream.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "oa_azure.h"
#include "oa_completions.h"
#include "oa_handlers.h"
#include "oa_logprobs.h"
#include "oa_ratelimit.h"
#include "oa_stream.h"
#include "oa_tokens.h"
#include "rng.h"

typedef struct cmpl_out {
    const oa_cmpl_req *q;
    const char *id;
    long created;
    size_t completion_tokens;
} cmpl_out;

/* One choice: its text (the prompt first with echo), its tokens, where
 * the completion's tokens start, and the offset logprobs count from. */
typedef struct cmpl_choice {
    buf text;
    const char *finish;
    oa_lp_tokens toks;
    size_t first_new; /* index of the first completion token */
    size_t offset;
    bool has_toks;
} cmpl_choice;

/* The tokens of prompt (when echoed) then completion, each cut alone. */
static bool choice_tokens(const oa_cmpl_req *q, size_t plen, cmpl_choice *ch)
{
    oa_lp_tokens a = {0, NULL}, b = {0, NULL};
    size_t start = q->echo ? plen : 0;
    const char *t = ch->text.data ? ch->text.data : "";
    bool ok = (!q->echo || oa_lp_split(q->model, t, plen, &a)) &&
              oa_lp_split(q->model, t + start, ch->text.len - start, &b);
    ch->toks.n = 0;
    ch->toks.end = ok ? calloc(a.n + b.n + 1, sizeof *ch->toks.end) : NULL;
    for (size_t i = 0; ch->toks.end && i < a.n; i++)
        ch->toks.end[ch->toks.n++] = a.end[i];
    for (size_t i = 0; ch->toks.end && i < b.n; i++)
        ch->toks.end[ch->toks.n++] = start + b.end[i];
    ch->first_new = a.n;
    oa_lp_tokens_free(&a);
    oa_lp_tokens_free(&b);
    return ch->toks.end != NULL;
}

static void make_choice(cmpl_out *o, size_t p, long j, cmpl_choice *ch)
{
    const oa_cmpl_req *q = o->q;
    memset(ch, 0, sizeof *ch);
    size_t plen = strlen(q->prompts[p]);
    if (q->echo)
        buf_append(&ch->text, q->prompts[p], plen);
    buf words = BUF_INIT;
    oa_cmpl_text(q, p, j, &words, &ch->finish);
    buf_append(&ch->text, words.data ? words.data : "", words.len);
    o->completion_tokens += oa_tokens_count(q->model, words.data ? words.data : "", words.len);
    buf_free(&words);
    ch->offset = q->echo ? 0 : plen; /* text_offset counts from the prompt's start */
    ch->has_toks = choice_tokens(q, plen, ch);
}

static void free_choice(cmpl_choice *ch)
{
    buf_free(&ch->text);
    oa_lp_tokens_free(&ch->toks);
}

static void logprobs(buf *b, const cmpl_out *o, const cmpl_choice *ch, long index, size_t from, size_t to)
{
    if (o->q->logprobs < 0 || !ch->has_toks) {
        buf_puts(b, "null");
        return;
    }
    oa_logprobs_legacy(b, o->q->seed + (uint64_t)index, o->q->logprobs, ch->text.data ? ch->text.data : "", &ch->toks,
                       from, to, ch->offset, o->q->echo);
}

static void usage(buf *b, const cmpl_out *o)
{
    buf_printf(b, "\"usage\":{\"prompt_tokens\":%zu,\"completion_tokens\":%zu,\"total_tokens\":%zu}",
               o->q->prompt_tokens, o->completion_tokens, o->q->prompt_tokens + o->completion_tokens);
}

static void head(buf *b, const cmpl_out *o)
{
    buf_printf(b, "{\"id\":\"%s\",\"object\":\"text_completion\",\"created\":%ld,\"model\":", o->id, o->created);
    buf_json_str(b, o->q->model->id, strlen(o->q->model->id));
}

static void write_json(buf *b, void *out)
{
    cmpl_out *o = out;
    head(b, o);
    buf_puts(b, ",\"choices\":[");
    for (size_t p = 0; p < o->q->nprompts; p++) {
        for (long j = 0; j < o->q->n; j++) {
            long index = (long)p * o->q->n + j;
            cmpl_choice ch;
            make_choice(o, p, j, &ch);
            buf_puts(b, index ? ",{\"text\":" : "{\"text\":");
            buf_json_str(b, ch.text.data ? ch.text.data : "", ch.text.len);
            buf_printf(b, ",\"index\":%ld,\"logprobs\":", index);
            logprobs(b, o, &ch, index, 0, ch.toks.n);
            buf_printf(b, ",\"finish_reason\":\"%s\"}", ch.finish);
            free_choice(&ch);
        }
    }
    buf_puts(b, "],");
    usage(b, o);
    buf_puts(b, "}");
}

/* One event: text [at, at + len) of the choice, logprobs of tokens
 * from..to, finish (NULL: null). */
static void chunk(buf *b, const cmpl_out *o, const cmpl_choice *ch, long index, size_t at, size_t len, size_t from,
                  size_t to, const char *finish)
{
    buf_puts(b, "data: ");
    head(b, o);
    buf_puts(b, ",\"choices\":[{\"text\":");
    buf_json_str(b, ch->text.data ? ch->text.data + at : "", len);
    buf_printf(b, ",\"index\":%ld,\"logprobs\":", index);
    if (from < to)
        logprobs(b, o, ch, index, from, to);
    else
        buf_puts(b, "null");
    buf_puts(b, ",\"finish_reason\":");
    buf_puts(b, finish ? "\"" : "null");
    if (finish)
        buf_printf(b, "%s\"", finish);
    buf_puts(b, o->q->include_usage ? "}],\"usage\":null}\n\n" : "}]}\n\n");
}

/* A choice's events: the echoed prompt in one, then a token each, then
 * the finish. */
static size_t choice_events(buf *b, const cmpl_out *o, const cmpl_choice *ch, long index)
{
    size_t events = 0, i = 0;
    if (o->q->echo && ch->first_new > 0) {
        size_t end = ch->toks.end[ch->first_new - 1];
        chunk(b, o, ch, index, 0, end, 0, ch->first_new, NULL);
        i = ch->first_new;
        events++;
    }
    for (; i < ch->toks.n; i++, events++) {
        size_t at = oa_lp_start(&ch->toks, i);
        chunk(b, o, ch, index, at, ch->toks.end[i] - at, i, i + 1, NULL);
    }
    chunk(b, o, ch, index, ch->text.len, 0, 0, 0, ch->finish);
    return events;
}

static size_t write_stream(buf *b, void *out)
{
    cmpl_out *o = out;
    size_t events = 0;
    for (size_t p = 0; p < o->q->nprompts; p++) {
        for (long j = 0; j < o->q->n; j++) {
            cmpl_choice ch;
            make_choice(o, p, j, &ch);
            events += choice_events(b, o, &ch, (long)p * o->q->n + j);
            free_choice(&ch);
        }
    }
    if (o->q->include_usage) {
        buf_puts(b, "data: ");
        head(b, o);
        buf_puts(b, ",\"choices\":[],");
        usage(b, o);
        buf_puts(b, "}\n\n");
    }
    buf_puts(b, "data: [DONE]\n\n");
    return events;
}

/* content_filter on a stream: the text stops there, as Azure's filter
 * stops it. */
static void filtered(buf *b, const void *arg)
{
    const cmpl_out *o = arg;
    buf_puts(b, "data: ");
    head(b, o);
    buf_puts(b, ",\"choices\":[{\"text\":\"\",\"index\":0,\"logprobs\":null,\"finish_reason\":\"content_filter\"}]}\n\n"
                "data: [DONE]\n\n");
}

void oa_cmpl_json(buf *b, const oa_cmpl_req *q, const char *id, long created)
{
    cmpl_out o = {q, id, created, 0};
    write_json(b, &o);
}

size_t oa_cmpl_sse(buf *b, const oa_cmpl_req *q, const char *id, long created)
{
    cmpl_out o = {q, id, created, 0};
    return write_stream(b, &o);
}

/* "cmpl-" and 29 letters and digits, new for each call. */
static void make_id(srv_req *r, const oa_cmpl_req *q, char out[40])
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const char *rid = srv_req_id(r);
    uint64_t h = XXH3_64bits_withSeed(rid ? rid : "", rid ? strlen(rid) : 0, q->seed);
    memcpy(out, "cmpl-", 5);
    for (int i = 0; i < 29; i++)
        out[5 + i] = digits[rng_next(&h) % 62];
    out[34] = '\0';
}

void oa_handle_completions(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    size_t len;
    const char *body = oa_req_body(r, &len);
    oa_cmpl_req q;
    oa_err e;
    if (!oa_cmpl_parse(c, body, len, &q, &e)) {
        oa_error_send(r, &e);
    } else if (oa_ratelimit_take(c->rl, r, q.model->id, q.prompt_tokens)) {
        char id[40];
        make_id(r, &q, id);
        cmpl_out o = {&q, id, (long)time(NULL), 0};
        srv_resp_header(r, "openai-model", q.model->snapshot);
        oa_answer a = {&o, write_stream, write_json, filtered};
        oa_stream_answer(r, c, q.stream, &a);
    }
    oa_cmpl_req_free(&q);
}
