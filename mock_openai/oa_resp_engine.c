/* The chat engine's reply for a Responses request: the message text, or
 * the function calls it makes (as the tool policy decides, oa_tool_policy.h,
 * with its per-conversation call ids). The one place that knows how the
 * chat engine says it calls a tool. */
#include <stdio.h>
#include <string.h>

#include "oa_catalog.h"
#include "oa_resp.h"
#include "oa_logprobs.h"
#include "oa_tool_policy.h"

/* The chat engine's logprobs of the text, as entries; NULL when out of memory. */
static cJSON *logprobs(const oa_chat_req *q, const buf *text)
{
    oa_lp_tokens toks;
    if (!oa_lp_split(q->model, text->data ? text->data : "", text->len, &toks))
        return NULL;
    buf b = BUF_INIT;
    oa_logprobs_chat(&b, q->seed, q->top_logprobs, text->data ? text->data : "", &toks, 0, toks.n);
    oa_lp_tokens_free(&toks);
    cJSON *all = b.data ? cJSON_Parse(b.data) : NULL;
    buf_free(&b);
    cJSON *content = cJSON_DetachItemFromObjectCaseSensitive(all, "content");
    cJSON_Delete(all);
    return content;
}

void oa_resp_engine_run(const oa_chat_req *q, oa_resp_gen *g)
{
    memset(g, 0, sizeof *g);
    buf reply = BUF_INIT;
    oa_chat_reply(q, 0, &reply, &g->finish);
    size_t n = oa_tool_calls_count(q);
    if (n > OA_RESP_MAX_CALLS)
        n = OA_RESP_MAX_CALLS;
    for (size_t k = 0; k < n; k++) {
        const char *name = oa_tool_call(q, 0, k, &g->calls[k].args);
        snprintf(g->calls[k].name, sizeof g->calls[k].name, "%s", name ? name : "tool");
        oa_tool_call_id(q, 0, k, g->calls[k].call_id);
    }
    g->ncalls = n;
    if (n)
        buf_free(&reply);
    else
        g->text = reply;
    if (!n && q->logprobs)
        g->logprobs = logprobs(q, &g->text);
}

void oa_resp_gen_free(oa_resp_gen *g)
{
    cJSON_Delete(g->logprobs);
    g->logprobs = NULL;
    buf_free(&g->text);
    for (size_t i = 0; i < g->ncalls; i++)
        buf_free(&g->calls[i].args);
    g->ncalls = 0;
}

bool oa_resp_reasoning_model(const oa_model *m)
{
    return m->kind == OA_KIND_REASONING;
}

/* The dated snapshot, as the chat answers name it. */
const char *oa_resp_model_name(const oa_model *m)
{
    return m->snapshot;
}

const char *oa_resp_default_effort(const oa_chat_req *q)
{
    return oa_effort_name(q->effort);
}

/* The chat engine's own count for the effort in force. */
size_t oa_resp_reasoning_tokens(const oa_chat_req *q, const char *effort)
{
    (void)effort;
    return q->reasoning_tokens > 0 ? (size_t)q->reasoning_tokens : 0;
}
