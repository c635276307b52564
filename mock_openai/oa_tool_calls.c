/* A reply's tool calls as the API writes them (ids, arguments from the
 * tool's parameters schema), and the text answer after tool results. */
#include <cJSON.h>
#include <string.h>
#include <xxhash.h>

#include "oa_logprobs.h"
#include "oa_schema.h"
#include "oa_tokens.h"
#include "oa_tool_policy.h"
#include "rng.h"

#define QUOTE_MAX 400 /* bytes of each tool result the answer quotes */

size_t oa_tool_calls_count(const oa_chat_req *q)
{
    if (q->reasoning_spent)
        return 0; /* the budget went on reasoning: nothing visible */
    if (q->scripted_tool)
        return 1;
    return q->ncalls;
}

const char *oa_tool_call(const oa_chat_req *q, long choice, size_t k, buf *args)
{
    if (q->scripted_tool) {
        buf_puts(args, q->scripted_args ? q->scripted_args : "{}");
        return q->scripted_tool;
    }
    const cJSON *f = q->calls[k];
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(f, "parameters");
    uint64_t s = q->seed + (uint64_t)choice * 0x632be59bd9b4e019ULL + (uint64_t)k * 0x9e3779b97f4a7c15ULL;
    if (!cJSON_IsObject(params) || !oa_schema_generate(params, s, q->last_user, args))
        buf_puts(args, "{}"); /* no parameters (or no memory): no arguments */
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "name");
    return cJSON_IsString(n) ? n->valuestring : "tool";
}

void oa_tool_call_id(const oa_chat_req *q, long choice, size_t k, char out[32])
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    uint64_t in[3] = {q->seed, (uint64_t)choice, (uint64_t)k};
    uint64_t h = XXH3_64bits(in, sizeof in);
    memcpy(out, "call_", 5);
    for (int i = 0; i < 24; i++)
        out[5 + i] = digits[rng_next(&h) % 62];
    out[29] = '\0';
}

static size_t one_call(buf *b, const oa_chat_req *q, long choice, size_t k)
{
    buf args = BUF_INIT;
    const char *name = oa_tool_call(q, choice, k, &args);
    char id[32];
    oa_tool_call_id(q, choice, k, id);
    buf_printf(b, "{\"id\":\"%s\",\"type\":\"function\",\"function\":{\"name\":", id);
    buf_json_str(b, name, strlen(name));
    buf_puts(b, ",\"arguments\":");
    buf_json_str(b, args.data ? args.data : "", args.len);
    buf_puts(b, "}}");
    size_t tokens = oa_tokens_count(q->model, args.data ? args.data : "", args.len);
    buf_free(&args);
    return tokens;
}

size_t oa_tool_calls_json(buf *b, const oa_chat_req *q, long choice)
{
    size_t tokens = 0;
    buf_puts(b, "\"tool_calls\":[");
    for (size_t k = 0; k < oa_tool_calls_count(q); k++) {
        buf_puts(b, k ? "," : "");
        tokens += one_call(b, q, choice, k);
    }
    buf_puts(b, "]");
    return tokens;
}

/* As the real API streams a call: its id and name with empty arguments,
 * then the arguments a token a delta. */
size_t oa_tool_call_deltas(const oa_chat_req *q, long choice, size_t k, buf *out)
{
    buf args = BUF_INIT;
    const char *name = oa_tool_call(q, choice, k, &args);
    const char *text = args.data ? args.data : "";
    char id[32];
    oa_tool_call_id(q, choice, k, id);
    buf_printf(out, "{\"tool_calls\":[{\"index\":%zu,\"id\":\"%s\",\"type\":\"function\",\"function\":{\"name\":", k, id);
    buf_json_str(out, name, strlen(name));
    buf_puts(out, ",\"arguments\":\"\"}}]}");
    buf_append(out, "", 1);
    oa_lp_tokens toks;
    if (!oa_lp_split(q->model, text, args.len, &toks)) { /* no memory: the arguments whole */
        toks.n = 1;
        toks.end = NULL;
    }
    for (size_t i = 0; i < toks.n; i++) {
        size_t from = toks.end ? oa_lp_start(&toks, i) : 0, to = toks.end ? toks.end[i] : args.len;
        buf_printf(out, "{\"tool_calls\":[{\"index\":%zu,\"function\":{\"arguments\":", k);
        buf_json_str(out, text + from, to - from);
        buf_puts(out, "}}]}");
        buf_append(out, "", 1);
    }
    oa_lp_tokens_free(&toks);
    size_t tokens = oa_tokens_count(q->model, text, args.len);
    buf_free(&args);
    return tokens;
}

/* A message's text: a string, or its text parts. */
static void text_of(const cJSON *content, buf *out)
{
    if (cJSON_IsString(content))
        buf_puts(out, content->valuestring);
    for (const cJSON *p = cJSON_IsArray(content) ? content->child : NULL; p; p = p->next) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "text");
        if (cJSON_IsString(t))
            buf_puts(out, t->valuestring);
    }
}

/* Keep at most QUOTE_MAX bytes, cut at a character's start. */
static void quote(buf *out, const buf *text)
{
    size_t n = text->len;
    if (n > QUOTE_MAX) {
        n = QUOTE_MAX;
        while (n > 0 && ((unsigned char)text->data[n] & 0xC0) == 0x80)
            n--;
    }
    buf_append(out, text->data ? text->data : "", n);
}

void oa_tool_answer(const oa_chat_req *q, buf *out)
{
    const cJSON *msgs = q->messages, *first = NULL;
    for (const cJSON *m = cJSON_IsArray(msgs) ? msgs->child : NULL; m; m = m->next) {
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
        bool tool = cJSON_IsString(role) && (!strcmp(role->valuestring, "tool") || !strcmp(role->valuestring, "function"));
        if (!tool)
            first = NULL;
        else if (!first)
            first = m;
    }
    buf_puts(out, "Based on the tool result: ");
    buf text = BUF_INIT;
    for (const cJSON *m = first; m; m = m->next) {
        buf_clear(&text);
        text_of(cJSON_GetObjectItemCaseSensitive(m, "content"), &text);
        if (m != first)
            buf_puts(out, "; ");
        quote(out, &text);
    }
    buf_free(&text);
    buf_puts(out, ".");
}
