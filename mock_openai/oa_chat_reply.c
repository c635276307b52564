/* Deterministic replies: the same request gets the same words. */
#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "oa_chat.h"
#include "oa_schema.h"
#include "rng.h"
#include "oa_tokens.h"
#include "oa_tool_policy.h"

static const char *const words[] = {
    "the", "plan", "covers", "this", "request", "in", "full", "detail", "and", "answers", "with", "care",
    "clear", "steps", "summary", "result", "based", "on", "your", "question", "document", "key", "points",
    "are", "listed", "below", "for", "review", "mock", "response", "deterministic", "content",
};
#define NWORDS (sizeof words / sizeof words[0])

void oa_reply_sentence(uint64_t *s, buf *out)
{
    size_t len = 10 + rng_next(s) % 12;
    for (size_t i = 0; i < len; i++) {
        const char *w = words[rng_next(s) % NWORDS];
        if (i == 0)
            buf_printf(out, "%c%s", w[0] - 32, w + 1);
        else
            buf_printf(out, " %s", w);
    }
    buf_puts(out, ".");
}

/* "Mock reply to: <the first words of the question>." and a seeded sentence. */
static void text_reply(const oa_chat_req *q, uint64_t *s, buf *out)
{
    const char *u = q->last_user;
    size_t n = 0, words_seen = 0;
    while (u[n] && words_seen < 12)
        words_seen += u[n++] == ' ';
    while (n > 0 && (u[n - 1] == ' ' || u[n - 1] == '\n'))
        n--;
    buf_puts(out, "Mock reply to: ");
    buf_append(out, u, n);
    buf_puts(out, n ? ". " : "your message. ");
    oa_reply_sentence(s, out);
}

/* Cut text after exactly max_tokens tokens of the model's encoding, as the
 * real API stops a reply (finish_reason "length"). */
static bool cut_to(buf *out, const oa_model *model, long max_tokens)
{
    if (max_tokens <= 0 || !out->data)
        return false;
    size_t keep = oa_tokens_cut(model, out->data, out->len, (size_t)max_tokens);
    if (keep >= out->len)
        return false;
    out->len = keep;
    out->data[keep] = '\0';
    return true;
}

/* Cut text at the first stop sequence; true if one was found. */
static bool cut_at_stop(buf *out, const cJSON *stop)
{
    size_t cut = out->len;
    const cJSON *one = cJSON_IsString(stop) ? stop : NULL;
    for (const cJSON *s = one ? one : (stop ? stop->child : NULL); s; s = one ? NULL : s->next) {
        const char *hit = cJSON_IsString(s) && *s->valuestring ? strstr(out->data, s->valuestring) : NULL;
        if (hit && (size_t)(hit - out->data) < cut)
            cut = (size_t)(hit - out->data);
    }
    if (cut == out->len)
        return false;
    out->len = cut;
    out->data[cut] = '\0';
    return true;
}

bool oa_reply_cut(buf *out, const oa_model *model, const void *stop, long max_tokens)
{
    if (out->data)
        cut_at_stop(out, stop);
    return cut_to(out, model, max_tokens);
}

void oa_chat_reply(const oa_chat_req *q, long i, buf *out, const char **finish)
{
    uint64_t s = q->seed + (uint64_t)i * 0x632be59bd9b4e019ULL;
    *finish = "stop";
    if (q->reasoning_spent) {
        *finish = "length"; /* empty content, as the real API answers */
    } else if (oa_tool_calls_count(q)) {
        *finish = "tool_calls"; /* the calls are written by oa_tool_calls_json */
    } else if (q->scripted) {
        buf_puts(out, q->scripted);
        if (out->data)
            cut_at_stop(out, q->stop);
        if (cut_to(out, q->model, q->max_tokens))
            *finish = "length";
    } else if (q->schema || q->hint) {
        if (!oa_schema_generate(q->schema ? q->schema : q->hint, s, q->last_user, out))
            buf_puts(out, "{}");
    } else if (q->json_object) {
        buf text = BUF_INIT;
        text_reply(q, &s, &text);
        buf_puts(out, "{\"answer\":");
        buf_json_str(out, text.data, text.len);
        buf_puts(out, "}");
        buf_free(&text);
    } else {
        if (q->after_tool)
            oa_tool_answer(q, out);
        else
            text_reply(q, &s, out);
        if (out->data)
            cut_at_stop(out, q->stop);
        if (cut_to(out, q->model, q->max_tokens))
            *finish = "length";
    }
}
