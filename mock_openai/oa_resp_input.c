/* Responses input: a string or a list of items, checked in the Responses
 * API's words (param paths input[i]...), normalised (every item typed and
 * given an id), item references resolved (oa_resp_messages.c turns them
 * into chat messages). Also the ids every Responses object gets. */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "oa_embed_req.h"
#include "oa_resp.h"
#include "oa_resp_store.h"
#include "timer.h"

void oa_resp_id(char *out, size_t n, const char *prefix)
{
    unsigned char b[24];
    if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) { /* ids are not content: the clock will do */
        uint64_t t = timer_now_ms() ^ (uint64_t)(uintptr_t)out;
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = (unsigned char)(t >> (8 * (i % 8))) ^ (unsigned char)(i * 37);
    }
    size_t at = (size_t)snprintf(out, n, "%s", prefix);
    for (size_t i = 0; i < sizeof b && at + 2 < n; i++, at += 2)
        snprintf(out + at, n - at, "%02x", b[i]);
}

static bool is_one_of(const char *v, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v, list[i]))
            return true;
    return false;
}

static const char *str_of(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool missing(oa_err *e, const char *path, const char *field)
{
    char p[96];
    snprintf(p, sizeof p, "%s.%s", path, field);
    return oa_fail(e, 400, IRE, p, "missing_required_parameter", "Missing required parameter: '%s'.", p);
}

static bool not_a_string(oa_err *e, const char *path, const char *field, const cJSON *v)
{
    char p[96];
    snprintf(p, sizeof p, "%s.%s", path, field);
    return oa_fail(e, 400, IRE, p, "invalid_type", "Invalid type for '%s': expected a string, but got %s instead.", p,
                   oa_json_type_name(v));
}

/* One content part of a message: the types its role may send. */
static bool check_part(const cJSON *part, const char *path, bool assistant, oa_err *e)
{
    static const char *const in[] = {"input_text", "input_image", "input_file"};
    static const char *const out[] = {"output_text", "refusal"};
    const char *type = str_of(part, "type");
    char p[96];
    snprintf(p, sizeof p, "%s.type", path);
    if (!cJSON_IsObject(part))
        return oa_fail(e, 400, IRE, path, "invalid_type", "Invalid type for '%s': expected an object, but got %s instead.",
                       path, oa_json_type_name(part));
    if (!type)
        return missing(e, path, "type");
    if (assistant ? !is_one_of(type, out, 2) : !is_one_of(type, in, 3)) {
        if (!is_one_of(type, in, 3) && !is_one_of(type, out, 2))
            return oa_fail(e, 400, IRE, p, "invalid_value",
                           "Invalid value: '%.60s'. Supported values are: 'input_text', 'input_image', 'output_text', "
                           "'refusal', 'input_file', 'computer_screenshot', and 'summary_text'.", type);
        return oa_fail(e, 400, IRE, p, "invalid_value", "Invalid value: '%.60s'. Supported values are: %s.", type,
                       assistant ? "'output_text' and 'refusal'" : "'input_text', 'input_image', and 'input_file'");
    }
    const char *field = !strcmp(type, "refusal") ? "refusal" : strstr(type, "text") ? "text" : NULL;
    const cJSON *v = field ? cJSON_GetObjectItemCaseSensitive(part, field) : NULL;
    if (field && !v)
        return missing(e, path, field);
    if (field && !cJSON_IsString(v))
        return not_a_string(e, path, field, v);
    return true;
}

/* A message item: {role, content} (type "message" optional). */
static cJSON *message_item(const cJSON *m, const char *path, oa_err *e)
{
    static const char *const roles[] = {"user", "assistant", "system", "developer"};
    const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
    char p[96];
    if (!role)
        return missing(e, path, "role"), NULL;
    snprintf(p, sizeof p, "%s.role", path);
    if (!cJSON_IsString(role) || !is_one_of(role->valuestring, roles, 4))
        return oa_fail(e, 400, IRE, p, "invalid_value",
                       "Invalid value: '%.60s'. Supported values are: 'assistant', 'system', 'developer', and 'user'.",
                       cJSON_IsString(role) ? role->valuestring : "null"), NULL;
    if (!content)
        return missing(e, path, "content"), NULL;
    bool assistant = !strcmp(role->valuestring, "assistant");
    snprintf(p, sizeof p, "%s.content", path);
    if (!cJSON_IsString(content) && !cJSON_IsArray(content))
        return oa_fail(e, 400, IRE, p, "invalid_type",
                       "Invalid type for '%s': expected one of a string or array of input items, but got %s instead.",
                       p, oa_json_type_name(content)), NULL;
    int k = 0;
    for (const cJSON *part = cJSON_IsArray(content) ? content->child : NULL; part; part = part->next, k++) {
        char pp[64];
        snprintf(pp, sizeof pp, "%s.content[%d]", path, k);
        if (!check_part(part, pp, assistant, e))
            return NULL;
    }
    cJSON *item = cJSON_CreateObject();
    const char *id = str_of(m, "id");
    char fresh[64];
    oa_resp_id(fresh, sizeof fresh, "msg_");
    cJSON_AddStringToObject(item, "id", id ? id : fresh);
    cJSON_AddStringToObject(item, "type", "message");
    cJSON_AddStringToObject(item, "role", role->valuestring);
    if (cJSON_IsString(content)) { /* a string is one text part */
        cJSON *parts = cJSON_AddArrayToObject(item, "content"), *one = cJSON_CreateObject();
        cJSON_AddStringToObject(one, "type", assistant ? "output_text" : "input_text");
        cJSON_AddStringToObject(one, "text", content->valuestring);
        if (assistant)
            cJSON_AddItemToObject(one, "annotations", cJSON_CreateArray());
        cJSON_AddItemToArray(parts, one);
    } else {
        cJSON_AddItemToObject(item, "content", cJSON_Duplicate(content, true));
    }
    cJSON_AddStringToObject(item, "status", "completed");
    return item;
}

/* A copy of the item with its id first (given, or a new one with this
 * prefix) and a status. */
static cJSON *with_id(const cJSON *m, const char *prefix)
{
    cJSON *item = cJSON_CreateObject();
    char fresh[64];
    oa_resp_id(fresh, sizeof fresh, prefix);
    cJSON_AddStringToObject(item, "id", str_of(m, "id") ? str_of(m, "id") : fresh);
    for (const cJSON *f = m->child; f; f = f->next)
        if (strcmp(f->string, "id"))
            cJSON_AddItemToObject(item, f->string, cJSON_Duplicate(f, true));
    if (!cJSON_GetObjectItemCaseSensitive(item, "status"))
        cJSON_AddStringToObject(item, "status", "completed");
    return item;
}

static cJSON *function_call_item(const cJSON *m, const char *path, oa_err *e)
{
    static const char *const need[] = {"call_id", "name", "arguments"};
    for (size_t i = 0; i < 3; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, need[i]);
        if (!v)
            return missing(e, path, need[i]), NULL;
        if (!cJSON_IsString(v))
            return not_a_string(e, path, need[i], v), NULL;
    }
    return with_id(m, "fc_");
}

static cJSON *call_output_item(const cJSON *m, const char *path, oa_err *e)
{
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(m, "call_id");
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(m, "output");
    if (!call)
        return missing(e, path, "call_id"), NULL;
    if (!cJSON_IsString(call))
        return not_a_string(e, path, "call_id", call), NULL;
    if (!out)
        return missing(e, path, "output"), NULL;
    if (!cJSON_IsString(out) && !cJSON_IsArray(out))
        return not_a_string(e, path, "output", out), NULL;
    return with_id(m, "fco_");
}

static cJSON *reference_item(const cJSON *m, const char *path, oa_resp_store *s, oa_err *e)
{
    const char *id = str_of(m, "id");
    if (!id)
        return missing(e, path, "id"), NULL;
    cJSON *item = s ? oa_resp_store_item(s, id) : NULL;
    if (!item)
        oa_fail(e, 404, IRE, NULL, NULL, "Item with id '%.80s' not found.", id);
    if (!item) /* the param is the list's name: input, or items */
        snprintf(e->param, sizeof e->param, "%.*s", (int)strcspn(path, "["), path);
    return item;
}

static cJSON *one_item(const cJSON *m, const char *param, int i, oa_resp_store *s, oa_err *e)
{
    static const char *const types[] = {"message", "function_call", "function_call_output", "item_reference",
                                        "reasoning", "web_search_call", "file_search_call"};
    char path[32];
    snprintf(path, sizeof path, "%.8s[%d]", param, i);
    if (!cJSON_IsObject(m))
        return oa_fail(e, 400, IRE, path, "invalid_type", "Invalid type for '%s': expected an object, but got %s instead.",
                       path, oa_json_type_name(m)), NULL;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(m, "type");
    if (!type || cJSON_IsNull(type))
        return message_item(m, path, e); /* an easy input message: a role and content */
    if (!cJSON_IsString(type) || !is_one_of(type->valuestring, types, 7)) {
        char p[96];
        snprintf(p, sizeof p, "%s.type", path);
        return oa_fail(e, 400, IRE, p, "invalid_value",
                       "Invalid value: '%.60s'. Supported values are: 'message', 'function_call', "
                       "'function_call_output', 'item_reference', 'reasoning', 'web_search_call', and "
                       "'file_search_call'.", cJSON_IsString(type) ? type->valuestring : "null"), NULL;
    }
    const char *t = type->valuestring;
    if (!strcmp(t, "message"))
        return message_item(m, path, e);
    if (!strcmp(t, "function_call"))
        return function_call_item(m, path, e);
    if (!strcmp(t, "function_call_output"))
        return call_output_item(m, path, e);
    if (!strcmp(t, "item_reference"))
        return reference_item(m, path, s, e);
    return cJSON_Duplicate(m, true); /* reasoning, search calls passed back: kept as sent */
}

cJSON *oa_resp_input_items(const cJSON *input, const char *param, oa_resp_store *s, oa_err *e)
{
    cJSON *items = cJSON_CreateArray();
    if (!items)
        return oa_fail(e, 500, "server_error", NULL, NULL, "Out of memory."), NULL;
    if (cJSON_IsString(input)) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "role", "user");
        cJSON_AddStringToObject(m, "content", input->valuestring);
        cJSON *item = message_item(m, "input", e);
        cJSON_Delete(m);
        cJSON_AddItemToArray(items, item);
        return items;
    }
    int i = 0;
    for (const cJSON *m = input->child; m; m = m->next, i++) {
        cJSON *item = one_item(m, param, i, s, e);
        if (!item) {
            cJSON_Delete(items);
            return NULL;
        }
        cJSON_AddItemToArray(items, item);
    }
    return items;
}

/* Was call_id called by a function_call before item `upto`? */
static bool called_before(const cJSON *items, const cJSON *upto, const char *call_id)
{
    for (const cJSON *it = items->child; it && it != upto; it = it->next) {
        const char *type = str_of(it, "type"), *id = str_of(it, "call_id");
        if (type && id && !strcmp(type, "function_call") && !strcmp(id, call_id))
            return true;
    }
    return false;
}

bool oa_resp_check_calls(const cJSON *conversation, oa_err *e)
{
    for (const cJSON *it = conversation->child; it; it = it->next) {
        const char *type = str_of(it, "type"), *id = str_of(it, "call_id");
        if (type && id && !strcmp(type, "function_call_output") && !called_before(conversation, it, id))
            return oa_fail(e, 400, IRE, "input", NULL, "No tool call found for function call output with call_id %.80s.", id);
    }
    return true;
}
