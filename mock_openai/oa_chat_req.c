/* Reading a chat completions request, with the real API's errors. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "json.h"
#include "oa_catalog.h"
#include "oa_chat.h"
#include "oa_chat_check.h"
#include "oa_embed_req.h"
#include "oa_logprobs.h"
#include "oa_schema.h"
#include "oa_tokens.h"
#include "oa_tool_policy.h"

#define IRE "invalid_request_error"

static const char *const known_fields[] = {
    "model", "messages", "max_tokens", "max_completion_tokens", "n", "temperature", "top_p", "seed", "stop",
    "user", "stream", "stream_options", "response_format", "tools", "tool_choice", "frequency_penalty",
    "presence_penalty", "logit_bias", "logprobs", "top_logprobs", "parallel_tool_calls", "store", "metadata",
    "modalities", "reasoning_effort", "service_tier", "prediction", "audio", "functions", "function_call",
    "web_search_options", "verbosity", "prompt_cache_key", "safety_identifier", "prompt_cache_retention",
    "prompt_cache_options", "moderation"};

/* The text of a message's content: a string, or the text parts. */
static void content_text(const cJSON *content, buf *out)
{
    if (cJSON_IsString(content)) {
        buf_puts(out, content->valuestring);
        return;
    }
    for (const cJSON *p = cJSON_IsArray(content) ? content->child : NULL; p; p = p->next) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "text");
        if (cJSON_IsString(t))
            buf_puts(out, t->valuestring);
    }
}

/* A message as the real API counts it (tiktoken's cookbook): 3 tokens of
 * framing, the role, the content, and a name with 1 more. */
static size_t message_tokens(const oa_model *model, const cJSON *m, const char *role, const buf *text)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "name");
    size_t n = 3 + oa_tokens_count(model, role, strlen(role)) + oa_tokens_count(model, text->data ? text->data : "", text->len);
    if (cJSON_IsString(name))
        n += 1 + oa_tokens_count(model, name->valuestring, strlen(name->valuestring));
    return n;
}

static bool check_messages(const cJSON *msgs, oa_chat_req *q, oa_err *e)
{
    static const char *const roles[] = {"system", "developer", "user", "assistant", "tool", "function"};
    if (!msgs || cJSON_IsNull(msgs))
        return oa_fail(e, 400, IRE, "messages", "missing_required_parameter", "Missing required parameter: 'messages'.");
    if (!cJSON_IsArray(msgs))
        return oa_fail(e, 400, IRE, "messages", "invalid_type",
                       "Invalid type for 'messages': expected an array of objects, but got %s instead.",
                       oa_json_type_name(msgs));
    if (!msgs->child)
        return oa_fail(e, 400, IRE, "messages", "empty_array",
                       "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty "
                       "array instead.");
    size_t i = 0;
    buf all = BUF_INIT, text = BUF_INIT;
    for (const cJSON *m = msgs->child; m; m = m->next, i++) {
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
        bool ok = false;
        for (size_t r = 0; cJSON_IsString(role) && r < sizeof roles / sizeof roles[0]; r++)
            ok = ok || !strcmp(role->valuestring, roles[r]);
        if (!ok) {
            char param[48];
            snprintf(param, sizeof param, "messages[%zu].role", i);
            buf_free(&all);
            buf_free(&text);
            return oa_fail(e, 400, IRE, param, "invalid_value",
                           "Invalid value: '%.60s'. Supported values are: 'system', 'assistant', 'user', 'function', "
                           "'tool', and 'developer'.",
                           cJSON_IsString(role) ? role->valuestring : "null");
        }
        buf_clear(&text);
        content_text(cJSON_GetObjectItemCaseSensitive(m, "content"), &text);
        q->prompt_tokens += message_tokens(q->model, m, role->valuestring, &text);
        buf_puts(&all, role->valuestring); /* the conversation, roles included, seeds the reply */
        buf_append(&all, "\0", 1);
        buf_append(&all, text.data ? text.data : "", text.len);
        buf_append(&all, "\0", 1);
    }
    q->prompt_tokens += 3; /* the reply is primed with <|start|>assistant<|message|> */
    q->seed = XXH3_64bits(all.data ? all.data : "", all.len);
    buf_free(&all);
    buf_free(&text);
    return true;
}

/* The last user message's text, kept in the parsed body. */
static const char *last_user_text(const cJSON *msgs)
{
    const char *found = "";
    for (const cJSON *m = msgs->child; m; m = m->next) {
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
        const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
        if (cJSON_IsString(role) && !strcmp(role->valuestring, "user")) {
            if (cJSON_IsString(content))
                found = content->valuestring;
            for (const cJSON *p = cJSON_IsArray(content) ? content->child : NULL; p; p = p->next) {
                const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "text");
                if (cJSON_IsString(t))
                    found = t->valuestring;
            }
        }
    }
    return found;
}

static bool read_int(const cJSON *root, const char *name, long lo, long hi, long *out, oa_err *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    if (!v || cJSON_IsNull(v))
        return true;
    if (!oa_json_is_int(v, -HUGE_VAL, HUGE_VAL)) /* a huge integer is a value error below, not a type error */
        return oa_fail(e, 400, IRE, name, "invalid_type", "Invalid type for '%s': expected an integer, but got %s instead.",
                       name, oa_json_type_name(v));
    if (v->valuedouble < lo)
        return oa_fail(e, 400, IRE, name, "integer_below_min_value",
                       "Invalid '%s': integer below minimum value. Expected a value >= %ld, but got %.0f instead.", name, lo,
                       v->valuedouble);
    if (v->valuedouble > hi)
        return oa_fail(e, 400, IRE, name, "integer_above_max_value",
                       "Invalid '%s': integer above maximum value. Expected a value <= %ld, but got %.0f instead.", name, hi,
                       v->valuedouble);
    *out = (long)v->valuedouble;
    return true;
}

/* Function tools marked strict: their parameters must pass strict mode. */
static bool strict_tools(const cJSON *tools, oa_err *e)
{
    int i = 0;
    for (const cJSON *t = cJSON_IsArray(tools) ? tools->child : NULL; t; t = t->next, i++) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(t, "function");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "name");
        const cJSON *params = cJSON_GetObjectItemCaseSensitive(f, "parameters");
        char param[48];
        snprintf(param, sizeof param, "tools[%d].function.parameters", i);
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "strict")) && cJSON_IsObject(params) &&
            !oa_schema_check_strict(params, "function", cJSON_IsString(name) ? name->valuestring : "", param,
                                    "invalid_function_parameters", e))
            return false;
    }
    return true;
}

/* Strict tools' checks, then the tool policy (oa_tool_policy.h) decides
 * the calls; it reads the last user message. */
static bool read_tools(const cJSON *root, oa_chat_req *q, oa_err *e)
{
    if (!strict_tools(cJSON_GetObjectItemCaseSensitive(root, "tools"), e))
        return false;
    q->last_user = last_user_text(cJSON_GetObjectItemCaseSensitive(root, "messages"));
    return oa_tool_policy(root, q, e);
}

/* json_object: some message must say "json" (any case); the last message
 * showing a JSON object gives the shape of the answer. */
static bool read_json_object(const cJSON *msgs, oa_chat_req *q, oa_err *e)
{
    bool said = false;
    buf text = BUF_INIT;
    for (const cJSON *m = msgs->child; m; m = m->next) {
        buf_clear(&text);
        content_text(cJSON_GetObjectItemCaseSensitive(m, "content"), &text);
        if (!text.data)
            continue;
        said = said || strcasestr(text.data, "json");
        void *hint = oa_schema_hint(text.data);
        if (hint) {
            cJSON_Delete(q->hint);
            q->hint = hint;
        }
    }
    buf_free(&text);
    if (!said)
        return oa_fail(e, 400, IRE, "messages", NULL,
                       "'messages' must contain the word 'json' in some form, to use 'response_format' of type "
                       "'json_object'.");
    q->json_object = true;
    return true;
}

/* json_schema.name: ^[a-zA-Z0-9_-]+$, at most 64 characters. */
static bool check_schema_name(const char *name, oa_err *e)
{
    const char *param = "response_format.json_schema.name";
    size_t n = strlen(name);
    if (n > 64)
        return oa_fail(e, 400, IRE, param, "string_above_max_length",
                       "Invalid '%s': string too long. Expected a string with maximum length 64, but got a string "
                       "with length %zu instead.", param, n);
    if (n == 0 || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != n)
        return oa_fail(e, 400, IRE, param, "invalid_value",
                       "Invalid '%s': string does not match pattern. Expected a string that matches the pattern "
                       "'^[a-zA-Z0-9_-]+$'.", param);
    return true;
}

/* json_schema: a name the API takes, a schema, strict mode's checks. */
static bool read_json_schema(const cJSON *js, oa_chat_req *q, oa_err *e)
{
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(js, "schema");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(js, "name");
    if (cJSON_IsObject(js) && !cJSON_IsString(name))
        return oa_fail(e, 400, IRE, "response_format.json_schema.name", "missing_required_parameter",
                       "Missing required parameter: 'response_format.json_schema.name'.");
    if (cJSON_IsObject(js) && !check_schema_name(name->valuestring, e))
        return false;
    if (!cJSON_IsObject(schema))
        return oa_fail(e, 400, IRE, "response_format", "invalid_value",
                       "Invalid 'response_format': expected type text, json_object, or json_schema with a schema.");
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(js, "strict")) &&
        !oa_schema_check_strict(schema, "response_format", name->valuestring, "response_format", NULL, e))
        return false;
    q->schema = schema;
    return true;
}

static bool read_format(const cJSON *root, oa_chat_req *q, oa_err *e)
{
    const cJSON *rf = cJSON_GetObjectItemCaseSensitive(root, "response_format");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(rf, "type");
    if (!rf || cJSON_IsNull(rf) || (cJSON_IsString(type) && !strcmp(type->valuestring, "text")))
        return true;
    if (cJSON_IsString(type) && !strcmp(type->valuestring, "json_object"))
        return read_json_object(cJSON_GetObjectItemCaseSensitive(root, "messages"), q, e);
    if (cJSON_IsString(type) && !strcmp(type->valuestring, "json_schema"))
        return read_json_schema(cJSON_GetObjectItemCaseSensitive(rf, "json_schema"), q, e);
    return oa_fail(e, 400, IRE, "response_format", "invalid_value",
                   "Invalid 'response_format': expected type text, json_object, or json_schema with a schema.");
}

bool oa_chat_parse(const oa_ctx *c, const char *body, size_t len, oa_chat_req *q, oa_err *e)
{
    memset(q, 0, sizeof *q);
    q->n = 1;
    cJSON *root = json_parse_body(body, len);
    q->json = root;
    if (!cJSON_IsObject(root))
        return oa_fail_unparsable(e);
    if (!oa_check_fields(root, known_fields, sizeof known_fields / sizeof known_fields[0], e))
        return false;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "model");
    if (!cJSON_IsString(m))
        return oa_fail(e, 400, IRE, NULL, NULL, "you must provide a model parameter");
    q->model = oa_model_find(c, m->valuestring);
    if (q->model && q->model->kind == OA_KIND_COMPLETION)
        return oa_fail(e, 404, IRE, "model", NULL,
                       "This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you "
                       "mean to use v1/completions?");
    if (!oa_model_is_chat(q->model))
        return oa_fail(e, 404, IRE, NULL, "model_not_found",
                       "The model `%.300s` does not exist or you do not have access to it.", m->valuestring);
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(root, "messages");
    long mt = 0, mct = 0, seed = 0;
    if (!check_messages(msgs, q, e) || !read_int(root, "max_tokens", 1, 2147483647L, &mt, e) ||
        !read_int(root, "max_completion_tokens", 1, 2147483647L, &mct, e) || !oa_chat_check_params(root, q, e) ||
        !oa_chat_check_tool_turns(msgs, e) ||
        !read_int(root, "seed", -9223372036854775807L, 9223372036854775807L, &seed, e) || !read_tools(root, q, e) ||
        !read_format(root, q, e) || !oa_logprobs_read(root, &q->logprobs, &q->top_logprobs, e))
        return false;
    if ((long)q->prompt_tokens > q->model->context)
        return oa_fail(e, 400, IRE, "messages", "context_length_exceeded",
                       "This model's maximum context length is %ld tokens. However, your messages resulted in %zu "
                       "tokens. Please reduce the length of the messages.",
                       q->model->context, q->prompt_tokens);
    q->last_user = last_user_text(msgs);
    q->seed ^= (uint64_t)seed * 0x9e3779b97f4a7c15ULL ^ XXH3_64bits(q->model->id, strlen(q->model->id));
    if (!oa_chat_check_limits(q, mt, mct, e))
        return false;
    q->stream = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "stream"));
    const cJSON *stop = cJSON_GetObjectItemCaseSensitive(root, "stop");
    q->stop = cJSON_IsString(stop) || cJSON_IsArray(stop) ? stop : NULL;
    q->include_usage = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "stream_options"), "include_usage"));
    return true;
}

void oa_chat_req_free(oa_chat_req *q)
{
    cJSON_Delete(q->json);
    cJSON_Delete(q->hint);
    memset(q, 0, sizeof *q);
}
