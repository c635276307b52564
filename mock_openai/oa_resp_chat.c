/* A Responses request as the chat request the chat engine answers: the
 * conversation as messages, function tools and tool_choice in chat's
 * shapes, text.format as response_format, max_output_tokens as
 * max_completion_tokens; and the engine's errors back in Responses words. */
#include <stdio.h>
#include <string.h>

#include "oa_embed_req.h"
#include "oa_resp.h"

static const char *str_of(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void copy_field(cJSON *to, const char *to_key, const cJSON *from, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, key);
    if (v && !cJSON_IsNull(v))
        cJSON_AddItemToObject(to, to_key, cJSON_Duplicate(v, true));
}

static bool includes(const cJSON *root, const char *what)
{
    const cJSON *inc = cJSON_GetObjectItemCaseSensitive(root, "include");
    for (const cJSON *v = cJSON_IsArray(inc) ? inc->child : NULL; v; v = v->next)
        if (cJSON_IsString(v) && !strcmp(v->valuestring, what))
            return true;
    return false;
}

/* text.format ({type: json_schema, name, schema, strict} or json_object)
 * as the chat request's response_format. */
static void add_format(cJSON *chat, const cJSON *root)
{
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "text"), "format");
    const char *type = str_of(fmt, "type");
    if (!type || !strcmp(type, "text"))
        return;
    cJSON *rf = cJSON_AddObjectToObject(chat, "response_format");
    cJSON_AddStringToObject(rf, "type", type);
    if (strcmp(type, "json_schema"))
        return;
    cJSON *js = cJSON_AddObjectToObject(rf, "json_schema");
    static const char *const keys[] = {"name", "schema", "strict", "description"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        copy_field(js, keys[i], fmt, keys[i]);
}

/* Is the function named in allowed_tools' list (or is there no list)? */
static bool allowed(const cJSON *choice, const char *name)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(choice, "tools");
    if (strcmp(str_of(choice, "type") ? str_of(choice, "type") : "", "allowed_tools") || !cJSON_IsArray(list))
        return true;
    for (const cJSON *t = list->child; t; t = t->next) {
        const char *n = str_of(t, "name");
        if (n && !strcmp(n, name))
            return true;
    }
    return false;
}

static bool allowed_builtin(const cJSON *choice, const char *type)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(choice, "tools");
    if (strcmp(str_of(choice, "type") ? str_of(choice, "type") : "", "allowed_tools") || !cJSON_IsArray(list))
        return true;
    for (const cJSON *t = list->child; t; t = t->next)
        if (str_of(t, "type") && !strncmp(str_of(t, "type"), type, strlen(type)))
            return true;
    return false;
}

static bool known_hosted(const char *type)
{
    static const char *const hosted[] = {"computer_use_preview", "mcp", "code_interpreter", "image_generation",
                                         "local_shell", "custom", "shell", "apply_patch"};
    for (size_t i = 0; i < sizeof hosted / sizeof hosted[0]; i++)
        if (!strcmp(type, hosted[i]))
            return true;
    return false;
}

/* Responses function tools ({type, name, description, parameters, strict})
 * as chat tools; built-in tools noted. */
static bool add_tools(cJSON *chat, const cJSON *root, oa_resp_tools *t, oa_err *e)
{
    const cJSON *tools = cJSON_GetObjectItemCaseSensitive(root, "tools");
    const cJSON *choice = cJSON_GetObjectItemCaseSensitive(root, "tool_choice");
    if (!tools || cJSON_IsNull(tools))
        return true;
    if (!cJSON_IsArray(tools))
        return oa_fail(e, 400, IRE, "tools", "invalid_type", "Invalid type for 'tools': expected an array, but got %s instead.",
                       oa_json_type_name(tools));
    cJSON *out = cJSON_CreateArray();
    int i = 0;
    for (const cJSON *tool = tools->child; tool; tool = tool->next, i++) {
        const char *type = str_of(tool, "type");
        char p[96];
        snprintf(p, sizeof p, "tools[%d].type", i);
        if (!type) {
            cJSON_Delete(out);
            return oa_fail(e, 400, IRE, p, "missing_required_parameter", "Missing required parameter: '%s'.", p);
        }
        if (!strncmp(type, "web_search", 10)) {
            t->web_search = t->web_search || allowed_builtin(choice, "web_search");
        } else if (!strcmp(type, "file_search")) {
            t->file_search = t->file_search || allowed_builtin(choice, "file_search");
        } else if (!strcmp(type, "function")) {
            const char *name = str_of(tool, "name");
            if (!name) {
                cJSON_Delete(out);
                snprintf(p, sizeof p, "tools[%d].name", i);
                return oa_fail(e, 400, IRE, p, "missing_required_parameter", "Missing required parameter: '%s'.", p);
            }
            if (!allowed(choice, name))
                continue;
            cJSON *ct = cJSON_CreateObject(), *f = cJSON_CreateObject();
            cJSON_AddStringToObject(ct, "type", "function");
            static const char *const keys[] = {"name", "description", "parameters", "strict"};
            for (size_t k = 0; k < 4; k++)
                copy_field(f, keys[k], tool, keys[k]);
            cJSON_AddItemToObject(ct, "function", f);
            cJSON_AddItemToArray(out, ct);
        } else if (!known_hosted(type)) {
            cJSON_Delete(out);
            return oa_fail(e, 400, IRE, p, "invalid_value",
                           "Invalid value: '%.60s'. Supported values are: 'function', 'file_search', 'computer_use_preview', "
                           "'web_search', 'web_search_preview', 'mcp', 'code_interpreter', 'image_generation', "
                           "'local_shell', and 'custom'.", type);
        } /* the other hosted tools: offered, never called */
    }
    if (out->child)
        cJSON_AddItemToObject(chat, "tools", out);
    else
        cJSON_Delete(out);
    return true;
}

/* tool_choice: "auto" | "none" | "required" | {type:function,name} |
 * {type:allowed_tools,mode,tools} | {type:web_search...} in chat's form. */
static bool add_choice(cJSON *chat, const cJSON *root, oa_resp_tools *t, oa_err *e)
{
    const cJSON *choice = cJSON_GetObjectItemCaseSensitive(root, "tool_choice");
    const char *type = str_of(choice, "type");
    if (!choice || cJSON_IsNull(choice))
        return true;
    if (cJSON_IsString(choice)) {
        const char *v = choice->valuestring;
        if (strcmp(v, "auto") && strcmp(v, "none") && strcmp(v, "required"))
            return oa_fail(e, 400, IRE, "tool_choice", "invalid_value",
                           "Invalid value: '%.60s'. Supported values are: 'none', 'auto', and 'required'.", v);
        t->none = !strcmp(v, "none");
        if (cJSON_GetObjectItemCaseSensitive(chat, "tools"))
            cJSON_AddStringToObject(chat, "tool_choice", v);
        return true;
    }
    if (!type)
        return oa_fail(e, 400, IRE, "tool_choice.type", "missing_required_parameter",
                       "Missing required parameter: 'tool_choice.type'.");
    if (!strcmp(type, "function")) {
        const char *name = str_of(choice, "name");
        if (!name)
            return oa_fail(e, 400, IRE, "tool_choice.name", "missing_required_parameter",
                           "Missing required parameter: 'tool_choice.name'.");
        cJSON *c = cJSON_AddObjectToObject(chat, "tool_choice");
        cJSON_AddStringToObject(c, "type", "function");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(c, "function"), "name", name);
    } else if (!strcmp(type, "allowed_tools")) {
        const char *mode = str_of(choice, "mode");
        if (mode && strcmp(mode, "auto") && strcmp(mode, "required"))
            return oa_fail(e, 400, IRE, "tool_choice.mode", "invalid_value",
                           "Invalid value: '%.60s'. Supported values are: 'auto' and 'required'.", mode);
        if (cJSON_GetObjectItemCaseSensitive(chat, "tools"))
            cJSON_AddStringToObject(chat, "tool_choice", mode ? mode : "auto");
    } else if (!strncmp(type, "web_search", 10) || !strcmp(type, "file_search")) {
        t->forced_builtin = true;
        t->web_search = type[0] == 'w' || t->web_search;
        t->file_search = type[0] == 'f' || t->file_search;
        if (cJSON_GetObjectItemCaseSensitive(chat, "tools"))
            cJSON_AddStringToObject(chat, "tool_choice", "none");
    } else {
        return oa_fail(e, 400, IRE, "tool_choice.type", "invalid_value",
                       "Invalid value: '%.60s'. Supported values are: 'function', 'allowed_tools', 'file_search', "
                       "'web_search_preview', 'web_search', 'computer_use_preview', 'mcp', 'code_interpreter', and "
                       "'image_generation'.", type);
    }
    return true;
}

char *oa_resp_chat_body(const cJSON *root, const cJSON *conversation, oa_resp_tools *t, oa_err *e)
{
    cJSON *chat = cJSON_CreateObject();
    if (!chat)
        return oa_fail(e, 500, "server_error", NULL, NULL, "Out of memory."), NULL;
    cJSON *msgs = cJSON_AddArrayToObject(chat, "messages");
    copy_field(chat, "model", root, "model");
    const char *instr = str_of(root, "instructions");
    if (instr) { /* instructions belong to this turn only: never in the history */
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "role", "system");
        cJSON_AddStringToObject(m, "content", instr);
        cJSON_AddItemToArray(msgs, m);
    }
    oa_resp_input_messages(conversation, msgs);
    copy_field(chat, "max_completion_tokens", root, "max_output_tokens");
    copy_field(chat, "temperature", root, "temperature");
    copy_field(chat, "top_p", root, "top_p");
    copy_field(chat, "user", root, "user");
    copy_field(chat, "reasoning_effort", cJSON_GetObjectItemCaseSensitive(root, "reasoning"), "effort");
    if (includes(root, "message.output_text.logprobs")) { /* the engine's logprobs, chat's way of asking */
        cJSON_AddTrueToObject(chat, "logprobs");
        copy_field(chat, "top_logprobs", root, "top_logprobs");
    }
    add_format(chat, root);
    if (!add_tools(chat, root, t, e) || !add_choice(chat, root, t, e)) {
        cJSON_Delete(chat);
        return NULL;
    }
    if (cJSON_GetObjectItemCaseSensitive(chat, "tools")) /* chat takes it only with tools; Responses always */
        copy_field(chat, "parallel_tool_calls", root, "parallel_tool_calls");
    char *text = cJSON_PrintUnformatted(chat);
    cJSON_Delete(chat);
    if (!text)
        oa_fail(e, 500, "server_error", NULL, NULL, "Out of memory.");
    return text;
}

/* Replace a leading "from" of the param by "to". */
static bool reparam(oa_err *e, const char *from, const char *to)
{
    size_t n = strlen(from);
    if (strncmp(e->param, from, n))
        return false;
    char rest[sizeof e->param];
    snprintf(rest, sizeof rest, "%s", e->param + n);
    /* a path too long for the field keeps its end cut, as any param would */
    if (snprintf(e->param, sizeof e->param, "%s%s", to, rest) >= (int)sizeof e->param)
        e->param[sizeof e->param - 1] = '\0';
    return true;
}

void oa_resp_chat_error(oa_err *e)
{
    if (!strcmp(e->param, "response_format") && strstr(e->message, "Invalid schema for response_format")) {
        snprintf(e->param, sizeof e->param, "text.format.schema");
        e->code = "invalid_json_schema";
    } else if (!strcmp(e->param, "messages") && strstr(e->message, "must contain the word 'json'")) {
        snprintf(e->param, sizeof e->param, "text.format");
        snprintf(e->message, sizeof e->message, "Response input messages must contain the word 'json' in some form "
                                                "to use 'text.format' of type 'json_object'.");
    } else if (strstr(e->message, "did not have response messages: ")) {
        /* a function_call with no function_call_output after it */
        char ids[400];
        snprintf(ids, sizeof ids, "%s", strstr(e->message, "did not have response messages: ") + 32);
        snprintf(e->param, sizeof e->param, "input");
        snprintf(e->message, sizeof e->message, "No tool output found for function call %s.", ids);
    } else if (e->code && !strcmp(e->code, "context_length_exceeded")) {
        snprintf(e->param, sizeof e->param, "input");
        snprintf(e->message, sizeof e->message,
                 "Your input exceeds the context window of this model. Please adjust your input and try again.");
    } else if (!strncmp(e->param, "tools[", 6)) {
        char *f = strstr(e->param, ".function");
        if (f)
            memmove(f, f + 9, strlen(f + 9) + 1); /* tools[i].function.parameters -> tools[i].parameters */
    } else if (!reparam(e, "response_format.json_schema", "text.format") && !reparam(e, "response_format", "text.format") &&
               !reparam(e, "max_completion_tokens", "max_output_tokens") &&
               !reparam(e, "max_tokens", "max_output_tokens") && !reparam(e, "reasoning_effort", "reasoning.effort")) {
        if (!strncmp(e->param, "messages", 8))
            snprintf(e->param, sizeof e->param, "input"); /* never chat's paths */
    }
    /* chat's parameter names in messages, in Responses terms */
    static const char *const names[][2] = {{"response_format.json_schema", "text.format"},
                                           {"'max_completion_tokens'", "'max_output_tokens'"},
                                           {"'reasoning_effort'", "'reasoning.effort'"},
                                           {"'response_format'", "'text.format'"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *at = strstr(e->message, names[i][0]);
        if (at) {
            char tail[600];
            snprintf(tail, sizeof tail, "%s", at + strlen(names[i][0]));
            snprintf(at, sizeof e->message - (size_t)(at - e->message), "%s%s", names[i][1], tail);
        }
    }
}
