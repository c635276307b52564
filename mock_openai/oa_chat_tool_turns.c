/* Chat completions: tool messages must pair with an assistant's tool_calls,
 * as the real API requires (agent frameworks that drop or reorder history
 * meet these errors in production). */
#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "oa_chat_check.h"

#define IRE "invalid_request_error"

static const char *role_of(const cJSON *m)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(m, "role");
    return cJSON_IsString(r) ? r->valuestring : "";
}

static const cJSON *calls_of(const cJSON *m)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, "tool_calls");
    return cJSON_IsArray(c) && c->child ? c : NULL;
}

static const char *call_id(const cJSON *call)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(call, "id");
    return cJSON_IsString(id) ? id->valuestring : "";
}

/* Whether the assistant's tool_calls hold call id. */
static bool has_call(const cJSON *assistant, const char *id)
{
    for (const cJSON *c = calls_of(assistant)->child; c; c = c->next) {
        if (!strcmp(call_id(c), id))
            return true;
    }
    return false;
}

/* Whether a tool message after the open assistant answers call id. */
static bool answered(const cJSON *from, const char *id)
{
    for (const cJSON *m = from; m && !strcmp(role_of(m), "tool"); m = m->next) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(m, "tool_call_id");
        if (cJSON_IsString(t) && !strcmp(t->valuestring, id))
            return true;
    }
    return false;
}

/* The ids of calls no tool message in the run after `assistant` answers,
 * ", "-separated into out; false when every call is answered. */
static bool unanswered(const cJSON *assistant, buf *out)
{
    for (const cJSON *c = calls_of(assistant)->child; c; c = c->next) {
        if (!answered(assistant->next, call_id(c))) {
            buf_puts(out, out->len ? ", " : "");
            buf_puts(out, call_id(c));
        }
    }
    return out->len > 0;
}

/* The open assistant's calls left unanswered when message index at
 * ends its run of tool messages: the real error, naming that message. */
static bool check_answered(const cJSON *open, size_t at, oa_err *e)
{
    buf missing = BUF_INIT;
    bool ok = !unanswered(open, &missing);
    if (!ok) {
        char param[48];
        snprintf(param, sizeof param, "messages.[%zu].role", at);
        oa_fail(e, 400, IRE, param, NULL,
                "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
                "'tool_call_id'. The following tool_call_ids did not have response messages: %.400s",
                missing.data);
    }
    buf_free(&missing);
    return ok;
}

/* A tool message: it must follow an assistant's tool_calls and name one. */
static bool check_tool(const cJSON *open, const cJSON *m, size_t i, oa_err *e)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(m, "tool_call_id");
    const char *id = cJSON_IsString(t) ? t->valuestring : "";
    char param[48];
    if (!open) {
        snprintf(param, sizeof param, "messages.[%zu].role", i);
        return oa_fail(e, 400, IRE, param, NULL,
                       "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with "
                       "'tool_calls'.");
    }
    if (!has_call(open, id)) {
        snprintf(param, sizeof param, "messages.[%zu].tool_call_id", i);
        return oa_fail(e, 400, IRE, param, NULL,
                       "Invalid parameter: 'tool_call_id' of '%.100s' not found in 'tool_calls' of previous message.", id);
    }
    return true;
}

bool oa_chat_check_tool_turns(const void *json, oa_err *e)
{
    const cJSON *msgs = json;
    const cJSON *open = NULL; /* the assistant whose tool_calls the tool messages answer */
    size_t i = 0, open_at = 0;
    for (const cJSON *m = msgs->child; m; m = m->next, i++) {
        if (!strcmp(role_of(m), "tool")) {
            if (!check_tool(open, m, i, e))
                return false;
            continue;
        }
        if (open && !check_answered(open, i, e))
            return false;
        open = !strcmp(role_of(m), "assistant") && calls_of(m) ? m : NULL;
        open_at = i;
    }
    /* a conversation ending on unanswered calls: the assistant is at fault */
    return !open || check_answered(open, open_at, e);
}
