/* The tool policy (oa_tool_policy.h): which functions a reply calls. */
#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "oa_tool_policy.h"

#define IRE "invalid_request_error"

static const char *role_of(const cJSON *m)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(m, "role");
    return cJSON_IsString(r) ? r->valuestring : "";
}

/* Whether an assistant message calls the function name. */
static bool message_calls(const cJSON *m, const char *name)
{
    if (strcmp(role_of(m), "assistant"))
        return false;
    const cJSON *calls = cJSON_GetObjectItemCaseSensitive(m, "tool_calls");
    for (const cJSON *c = cJSON_IsArray(calls) ? calls->child : NULL; c; c = c->next) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "function"), "name");
        if (cJSON_IsString(n) && !strcmp(n->valuestring, name))
            return true;
    }
    const cJSON *legacy = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(m, "function_call"), "name");
    return cJSON_IsString(legacy) && !strcmp(legacy->valuestring, name);
}

static const char *function_name(const cJSON *f)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "name");
    return cJSON_IsString(n) ? n->valuestring : "";
}

static bool called_ever(const oa_chat_req *q, const cJSON *f)
{
    const cJSON *msgs = q->messages;
    for (const cJSON *m = cJSON_IsArray(msgs) ? msgs->child : NULL; m; m = m->next)
        if (message_calls(m, function_name(f)))
            return true;
    return false;
}

bool oa_tool_called_since_user(const oa_chat_req *q, const char *name)
{
    const cJSON *msgs = q->messages;
    bool called = false;
    for (const cJSON *m = cJSON_IsArray(msgs) ? msgs->child : NULL; m; m = m->next) {
        if (!strcmp(role_of(m), "user"))
            called = false;
        else if (message_calls(m, name))
            called = true;
    }
    return called;
}

static bool last_is_tool(const cJSON *msgs)
{
    const cJSON *last = cJSON_IsArray(msgs) ? msgs->child : NULL;
    while (last && last->next)
        last = last->next;
    return last && (!strcmp(role_of(last), "tool") || !strcmp(role_of(last), "function"));
}

static void add_call(oa_chat_req *q, const cJSON *f)
{
    if (q->ncalls < OA_TOOL_CALLS_MAX)
        q->calls[q->ncalls++] = f;
}

/* "required": one call, by the preference order in oa_tool_policy.h. */
static void pick_required(oa_chat_req *q, const cJSON *tools)
{
    enum { UNCALLED_SHARED, UNCALLED_FINAL, UNCALLED, SHARED, FIRST, NPICKS };
    const cJSON *pick[NPICKS] = {NULL};
    for (const cJSON *t = tools->child; t; t = t->next) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(t, "function");
        if (!cJSON_IsObject(f))
            continue;
        bool uncalled = !called_ever(q, f), shared = oa_tool_matches(f, q->last_user);
        int slot = uncalled && shared                 ? UNCALLED_SHARED
                   : uncalled && oa_tool_is_final(f) ? UNCALLED_FINAL
                   : uncalled                        ? UNCALLED
                   : shared                          ? SHARED
                                                     : FIRST;
        if (!pick[slot])
            pick[slot] = f;
        if (!pick[FIRST])
            pick[FIRST] = f;
    }
    for (size_t i = 0; i < NPICKS; i++)
        if (pick[i]) {
            add_call(q, pick[i]);
            return;
        }
}

/* After a tool result, "auto" answers in text, unless a tool named for
 * the final answer has not been called yet: LangChain's toolStrategy
 * offers an `extract-<Schema>` tool and tells the model to end with it,
 * and some paths (its Responses one) send no tool_choice to insist. */
static void pick_final(oa_chat_req *q, const cJSON *tools)
{
    for (const cJSON *t = tools->child; t; t = t->next) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(t, "function");
        if (cJSON_IsObject(f) && oa_tool_named_final(f) && !called_ever(q, f)) {
            add_call(q, f);
            return;
        }
    }
}

/* "auto": every tool the last user message talks about, or the first. */
static void pick_auto(oa_chat_req *q, const cJSON *tools, bool parallel)
{
    if (q->after_tool) {
        pick_final(q, tools);
        return;
    }
    for (const cJSON *t = tools->child; t && (parallel || q->ncalls == 0); t = t->next) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(t, "function");
        if (cJSON_IsObject(f) && oa_tool_matches(f, q->last_user))
            add_call(q, f);
    }
}

static const cJSON *find_function(const cJSON *tools, const char *want)
{
    for (const cJSON *t = tools->child; t; t = t->next) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(t, "function");
        if (cJSON_IsObject(f) && !strcmp(function_name(f), want))
            return f;
    }
    return NULL;
}

/* tool_choice as a mode: "none", "auto", "required" or a function's name
 * (into *want); NULL with the error for a value the API refuses. */
static const char *read_choice(const cJSON *choice, bool have_tools, const char **want, oa_err *e)
{
    *want = NULL;
    if (!choice || cJSON_IsNull(choice))
        return have_tools ? "auto" : "none";
    if (cJSON_IsObject(choice)) {
        *want = function_name(cJSON_GetObjectItemCaseSensitive(choice, "function"));
        return "named";
    }
    if (cJSON_IsString(choice) && (!strcmp(choice->valuestring, "none") || !strcmp(choice->valuestring, "auto") ||
                                   !strcmp(choice->valuestring, "required")))
        return choice->valuestring;
    oa_fail(e, 400, IRE, "tool_choice", "invalid_value",
            "Invalid value: '%.60s'. Supported values are: 'none', 'auto', and 'required'.",
            cJSON_IsString(choice) ? choice->valuestring : "null");
    return NULL;
}

bool oa_tool_policy(const void *root_, oa_chat_req *q, oa_err *e)
{
    const cJSON *root = root_;
    const cJSON *tools = cJSON_GetObjectItemCaseSensitive(root, "tools");
    const cJSON *par = cJSON_GetObjectItemCaseSensitive(root, "parallel_tool_calls");
    bool have = cJSON_IsArray(tools) && tools->child;
    const char *want;
    q->messages = cJSON_GetObjectItemCaseSensitive(root, "messages");
    q->after_tool = last_is_tool(q->messages);
    const cJSON *choice = cJSON_GetObjectItemCaseSensitive(root, "tool_choice");
    const char *mode = read_choice(choice, have, &want, e);
    if (!mode)
        return false;
    q->tools_off = cJSON_IsString(choice) && !strcmp(mode, "none"); /* said, not by default */
    if (want || !strcmp(mode, "required")) {
        const cJSON *f = have && want ? find_function(tools, want) : NULL;
        if (have && !want)
            pick_required(q, tools);
        else if (f)
            add_call(q, f);
        if (!q->ncalls)
            return oa_fail(e, 400, IRE, "tool_choice", "invalid_value",
                           want ? "Invalid value for 'tool_choice': function '%.60s' is not in 'tools'."
                                : "Invalid value for 'tool_choice': 'required' needs at least one function in "
                                  "'tools'.%s",
                           want ? want : "");
    } else if (have && !strcmp(mode, "auto")) {
        pick_auto(q, tools, !cJSON_IsFalse(par));
    }
    q->tool = q->ncalls ? q->calls[0] : NULL;
    return true;
}
