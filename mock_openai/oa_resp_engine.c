/* The chat engine's reply for a Responses request: the message text, or
 * the function calls it makes. The one place that knows how the chat
 * engine says it calls a tool. */
#include <stdio.h>
#include <string.h>

#include "oa_catalog.h"
#include "oa_resp.h"

static const char *tool_name(const oa_chat_req *q)
{
    if (q->scripted_tool)
        return q->scripted_tool;
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(q->tool, "name");
    return cJSON_IsString(n) ? n->valuestring : "tool";
}

void oa_resp_engine_run(const oa_chat_req *q, oa_resp_gen *g)
{
    memset(g, 0, sizeof *g);
    buf reply = BUF_INIT;
    oa_chat_reply(q, 0, &reply, &g->finish);
    if (!strcmp(g->finish, "tool_calls")) {
        snprintf(g->calls[0].name, sizeof g->calls[0].name, "%s", tool_name(q));
        char id[64];
        oa_resp_id(id, sizeof id, "call_");
        snprintf(g->calls[0].call_id, sizeof g->calls[0].call_id, "%.29s", id);
        g->calls[0].args = reply;
        g->ncalls = 1;
    } else {
        g->text = reply;
    }
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
