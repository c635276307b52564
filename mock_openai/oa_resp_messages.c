/* Normalised Responses items as chat messages: messages keep their role
 * (user parts as chat parts, others as text), function calls join an
 * assistant message's tool_calls, their outputs become tool messages;
 * reasoning and search calls are the model's own steps and say nothing. */
#include <string.h>

#include "oa_resp.h"

static const char *str_of(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The text parts of a content array (or a string), joined. */
static void join_text(const cJSON *content, buf *out)
{
    if (cJSON_IsString(content)) {
        buf_puts(out, content->valuestring);
        return;
    }
    for (const cJSON *p = cJSON_IsArray(content) ? content->child : NULL; p; p = p->next) {
        const char *t = str_of(p, "text");
        if (t)
            buf_puts(out, t);
    }
}

static cJSON *text_message(const char *role, const cJSON *content)
{
    buf text = BUF_INIT;
    join_text(content, &text);
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "role", role);
    cJSON_AddStringToObject(m, "content", text.data ? text.data : "");
    buf_free(&text);
    return m;
}

/* A user message keeps its parts: text, images and files as chat has them. */
static cJSON *user_message(const cJSON *content)
{
    cJSON *m = cJSON_CreateObject(), *parts = cJSON_CreateArray();
    cJSON_AddStringToObject(m, "role", "user");
    for (const cJSON *p = content->child; p; p = p->next) {
        const char *type = str_of(p, "type");
        cJSON *c = cJSON_CreateObject();
        if (!strcmp(type, "input_image")) {
            const char *url = str_of(p, "image_url");
            cJSON_AddStringToObject(c, "type", "image_url");
            cJSON_AddStringToObject(cJSON_AddObjectToObject(c, "image_url"), "url",
                                    url ? url : "data:image/png;base64,");
        } else if (!strcmp(type, "input_file")) {
            cJSON *f = cJSON_CreateObject();
            static const char *const keys[] = {"file_id", "file_data", "filename"};
            for (size_t k = 0; k < 3; k++)
                if (str_of(p, keys[k]))
                    cJSON_AddStringToObject(f, keys[k], str_of(p, keys[k]));
            cJSON_AddStringToObject(c, "type", "file");
            cJSON_AddItemToObject(c, "file", f);
        } else {
            cJSON_AddStringToObject(c, "type", "text");
            cJSON_AddStringToObject(c, "text", str_of(p, "text") ? str_of(p, "text") : "");
        }
        cJSON_AddItemToArray(parts, c);
    }
    cJSON_AddItemToObject(m, "content", parts);
    return m;
}

/* A function call joins the assistant message just before it (text and
 * calls in one turn, as chat has them), or starts one. */
static void add_call(cJSON *msgs, const cJSON *item)
{
    cJSON *last = cJSON_GetArrayItem(msgs, cJSON_GetArraySize(msgs) - 1);
    const char *role = str_of(last, "role");
    cJSON *calls = cJSON_GetObjectItemCaseSensitive(last, "tool_calls");
    if (!role || strcmp(role, "assistant")) {
        last = cJSON_CreateObject();
        cJSON_AddStringToObject(last, "role", "assistant");
        cJSON_AddNullToObject(last, "content");
        cJSON_AddItemToArray(msgs, last);
        calls = NULL;
    }
    if (!calls)
        calls = cJSON_AddArrayToObject(last, "tool_calls");
    cJSON *c = cJSON_CreateObject(), *f = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "id", str_of(item, "call_id"));
    cJSON_AddStringToObject(c, "type", "function");
    cJSON_AddStringToObject(f, "name", str_of(item, "name"));
    cJSON_AddStringToObject(f, "arguments", str_of(item, "arguments"));
    cJSON_AddItemToObject(c, "function", f);
    cJSON_AddItemToArray(calls, c);
}

void oa_resp_input_messages(const cJSON *items, cJSON *msgs)
{
    for (const cJSON *it = items->child; it; it = it->next) {
        const char *type = str_of(it, "type");
        const cJSON *content = cJSON_GetObjectItemCaseSensitive(it, "content");
        if (!type)
            continue;
        if (!strcmp(type, "message")) {
            const char *role = str_of(it, "role");
            if (!strcmp(role, "user") && cJSON_IsArray(content)) {
                cJSON_AddItemToArray(msgs, user_message(content));
            } else {
                cJSON *m = text_message(role, content);
                for (const cJSON *p = cJSON_IsArray(content) ? content->child : NULL; p; p = p->next)
                    if (str_of(p, "refusal")) /* an assistant's refusal stays one */
                        cJSON_AddStringToObject(m, "refusal", str_of(p, "refusal"));
                cJSON_AddItemToArray(msgs, m);
            }
        } else if (!strcmp(type, "function_call")) {
            add_call(msgs, it);
        } else if (!strcmp(type, "function_call_output")) {
            cJSON *m = text_message("tool", cJSON_GetObjectItemCaseSensitive(it, "output"));
            cJSON_AddStringToObject(m, "tool_call_id", str_of(it, "call_id"));
            cJSON_AddItemToArray(msgs, m);
        }
        /* reasoning, web_search_call, file_search_call: the model's own steps, no message */
    }
}
