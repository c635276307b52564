/* The response object: the request's settings echoed as the API does, and
 * the output items made from the chat engine's reply. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "oa_resp.h"
#include "oa_tokens.h"

static const cJSON *get(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return v && !cJSON_IsNull(v) ? v : NULL;
}

static void echo(cJSON *resp, const cJSON *root, const char *k, cJSON *otherwise)
{
    const cJSON *v = get(root, k);
    if (v) {
        cJSON_Delete(otherwise);
        cJSON_AddItemToObject(resp, k, cJSON_Duplicate(v, true));
    } else {
        cJSON_AddItemToObject(resp, k, otherwise);
    }
}

static bool includes(const cJSON *root, const char *what)
{
    for (const cJSON *v = cJSON_IsArray(get(root, "include")) ? get(root, "include")->child : NULL; v; v = v->next)
        if (cJSON_IsString(v) && !strcmp(v->valuestring, what))
            return true;
    return false;
}

/* Function tools as the API echoes them: strict and description always. */
static cJSON *tools_echo(const cJSON *root)
{
    cJSON *out = cJSON_CreateArray();
    for (const cJSON *t = cJSON_IsArray(get(root, "tools")) ? get(root, "tools")->child : NULL; t; t = t->next) {
        cJSON *c = cJSON_Duplicate(t, true);
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(c, "type");
        if (cJSON_IsString(type) && !strcmp(type->valuestring, "function")) {
            if (!cJSON_GetObjectItemCaseSensitive(c, "description"))
                cJSON_AddNullToObject(c, "description");
            if (!cJSON_GetObjectItemCaseSensitive(c, "strict"))
                cJSON_AddTrueToObject(c, "strict");
        }
        cJSON_AddItemToArray(out, c);
    }
    return out;
}

static cJSON *reasoning_echo(const cJSON *root, const oa_chat_req *q, bool reasoning_model)
{
    const cJSON *r = get(root, "reasoning");
    cJSON *o = cJSON_CreateObject();
    const cJSON *effort = get(r, "effort"), *summary = get(r, "summary");
    if (effort)
        cJSON_AddItemToObject(o, "effort", cJSON_Duplicate(effort, true));
    else if (reasoning_model)
        cJSON_AddStringToObject(o, "effort", oa_resp_default_effort(q));
    else
        cJSON_AddNullToObject(o, "effort");
    cJSON_AddItemToObject(o, "summary", summary ? cJSON_Duplicate(summary, true) : cJSON_CreateNull());
    return o;
}

/* The settings part of the object, echoed from the request. */
static void settings(cJSON *resp, const cJSON *root, const oa_chat_req *q, bool reasoning_model)
{
    echo(resp, root, "instructions", cJSON_CreateNull());
    echo(resp, root, "max_output_tokens", cJSON_CreateNull());
    cJSON_AddNullToObject(resp, "max_tool_calls");
    echo(resp, root, "parallel_tool_calls", cJSON_CreateTrue());
    echo(resp, root, "previous_response_id", cJSON_CreateNull());
    const char *conv = oa_resp_conv_id(root);
    if (conv)
        cJSON_AddStringToObject(cJSON_AddObjectToObject(resp, "conversation"), "id", conv);
    echo(resp, root, "prompt_cache_key", cJSON_CreateNull());
    cJSON_AddItemToObject(resp, "reasoning", reasoning_echo(root, q, reasoning_model));
    echo(resp, root, "safety_identifier", cJSON_CreateNull());
    const cJSON *tier = get(root, "service_tier"); /* the tier used: "auto" runs on default */
    cJSON_AddStringToObject(resp, "service_tier",
                            cJSON_IsString(tier) && strcmp(tier->valuestring, "auto") ? tier->valuestring : "default");
    echo(resp, root, "store", cJSON_CreateTrue());
    echo(resp, root, "temperature", cJSON_CreateNumber(1.0));
    cJSON *text = cJSON_AddObjectToObject(resp, "text");
    const cJSON *fmt = get(get(root, "text"), "format");
    if (fmt)
        cJSON_AddItemToObject(text, "format", cJSON_Duplicate(fmt, true));
    else
        cJSON_AddStringToObject(cJSON_AddObjectToObject(text, "format"), "type", "text");
    const cJSON *verbosity = get(get(root, "text"), "verbosity");
    cJSON_AddStringToObject(text, "verbosity", cJSON_IsString(verbosity) ? verbosity->valuestring : "medium");
    echo(resp, root, "tool_choice", cJSON_CreateString("auto"));
    cJSON_AddItemToObject(resp, "tools", tools_echo(root));
    echo(resp, root, "top_logprobs", cJSON_CreateNumber(0));
    echo(resp, root, "top_p", cJSON_CreateNumber(1.0));
    echo(resp, root, "truncation", cJSON_CreateString("disabled"));
    echo(resp, root, "user", cJSON_CreateNull());
    echo(resp, root, "metadata", cJSON_CreateObject());
}

/* A reasoning item: its summary when asked, its encrypted content when
 * included; returns the reasoning tokens it stands for. */
static size_t reasoning_item(cJSON *output, const cJSON *root, const oa_chat_req *q)
{
    const cJSON *r = get(root, "reasoning");
    const cJSON *effort = get(r, "effort");
    const char *ef = cJSON_IsString(effort) ? effort->valuestring : oa_resp_default_effort(q);
    size_t tokens = oa_resp_reasoning_tokens(q, ef);
    cJSON *item = cJSON_CreateObject();
    char id[64];
    oa_resp_id(id, sizeof id, "rs_");
    cJSON_AddStringToObject(item, "id", id);
    cJSON_AddStringToObject(item, "type", "reasoning");
    cJSON *summary = cJSON_AddArrayToObject(item, "summary");
    if (get(r, "summary") && tokens) {
        cJSON *part = cJSON_CreateObject();
        buf t = BUF_INIT;
        buf_puts(&t, "**Considering the request**\n\nThe user asks: ");
        buf_append(&t, q->last_user, strlen(q->last_user) > 80 ? 80 : strlen(q->last_user));
        buf_puts(&t, ". I will answer directly and briefly.");
        cJSON_AddStringToObject(part, "type", "summary_text");
        cJSON_AddStringToObject(part, "text", t.data);
        cJSON_AddItemToArray(summary, part);
        buf_free(&t);
    }
    if (includes(root, "reasoning.encrypted_content")) {
        char enc[96];
        snprintf(enc, sizeof enc, "gAAAAABmock%016llx%08zx", (unsigned long long)q->seed, tokens);
        cJSON_AddStringToObject(item, "encrypted_content", enc);
    }
    cJSON_AddItemToArray(output, item);
    return tokens;
}

/* Built-in tools answer with their own call item before the message. */
static void builtin_items(cJSON *output, const cJSON *root, const oa_chat_req *q, const oa_resp_tools *t)
{
    char id[64];
    if (t->web_search) {
        cJSON *item = cJSON_CreateObject(), *action = cJSON_CreateObject();
        oa_resp_id(id, sizeof id, "ws_");
        cJSON_AddStringToObject(item, "id", id);
        cJSON_AddStringToObject(item, "type", "web_search_call");
        cJSON_AddStringToObject(item, "status", "completed");
        cJSON_AddStringToObject(action, "type", "search");
        cJSON_AddStringToObject(action, "query", q->last_user);
        cJSON_AddItemToObject(item, "action", action);
        cJSON_AddItemToArray(output, item);
    }
    if (t->file_search) {
        cJSON *item = cJSON_CreateObject(), *queries = cJSON_CreateArray();
        oa_resp_id(id, sizeof id, "fs_");
        cJSON_AddStringToObject(item, "id", id);
        cJSON_AddStringToObject(item, "type", "file_search_call");
        cJSON_AddStringToObject(item, "status", "completed");
        cJSON_AddItemToArray(queries, cJSON_CreateString(q->last_user));
        cJSON_AddItemToObject(item, "queries", queries);
        if (includes(root, "file_search_call.results")) {
            cJSON *results = cJSON_AddArrayToObject(item, "results"), *one = cJSON_CreateObject();
            cJSON_AddItemToObject(one, "attributes", cJSON_CreateObject());
            cJSON_AddStringToObject(one, "file_id", "file-mock0000000000000000000001");
            cJSON_AddStringToObject(one, "filename", "mock-document.txt");
            cJSON_AddNumberToObject(one, "score", 0.9);
            cJSON_AddStringToObject(one, "text", "Mock passage matching the query.");
            cJSON_AddItemToArray(results, one);
        } else {
            cJSON_AddNullToObject(item, "results");
        }
        cJSON_AddItemToArray(output, item);
    }
}

static cJSON *annotations(const oa_resp_tools *t, const oa_chat_req *q, size_t len)
{
    cJSON *a = cJSON_CreateArray();
    if (t->web_search) {
        cJSON *c = cJSON_CreateObject();
        char url[200];
        snprintf(url, sizeof url, "https://example.com/search/%016llx", (unsigned long long)q->seed);
        cJSON_AddStringToObject(c, "type", "url_citation");
        cJSON_AddNumberToObject(c, "start_index", 0);
        cJSON_AddNumberToObject(c, "end_index", (double)len);
        cJSON_AddStringToObject(c, "title", "Mock search result");
        cJSON_AddStringToObject(c, "url", url);
        cJSON_AddItemToArray(a, c);
    }
    if (t->file_search) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "type", "file_citation");
        cJSON_AddStringToObject(c, "file_id", "file-mock0000000000000000000001");
        cJSON_AddStringToObject(c, "filename", "mock-document.txt");
        cJSON_AddNumberToObject(c, "index", (double)len);
        cJSON_AddItemToArray(a, c);
    }
    return a;
}

static size_t message_item(cJSON *output, const oa_resp_result *res)
{
    const buf *text = &res->gen->text;
    cJSON *item = cJSON_CreateObject(), *part = cJSON_CreateObject();
    char id[64];
    oa_resp_id(id, sizeof id, "msg_");
    cJSON_AddStringToObject(item, "id", id);
    cJSON_AddStringToObject(item, "type", "message");
    cJSON_AddStringToObject(item, "status", strcmp(res->gen->finish, "length") ? "completed" : "incomplete");
    cJSON_AddStringToObject(item, "role", "assistant");
    cJSON_AddItemToObject(part, "annotations", annotations(res->tools, res->q, text->len));
    cJSON_AddItemToObject(part, "logprobs", res->gen->logprobs ? cJSON_Duplicate(res->gen->logprobs, true) : cJSON_CreateArray());
    cJSON_AddStringToObject(part, "text", text->data ? text->data : "");
    cJSON_AddStringToObject(part, "type", "output_text");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(item, "content"), part);
    cJSON_AddItemToArray(output, item);
    return oa_tokens_count(res->q->model, text->data ? text->data : "", text->len);
}

static size_t call_items(cJSON *output, const oa_resp_gen *g, const oa_chat_req *q)
{
    size_t tokens = 0;
    for (size_t i = 0; i < g->ncalls; i++) {
        cJSON *item = cJSON_CreateObject();
        char id[64];
        oa_resp_id(id, sizeof id, "fc_");
        cJSON_AddStringToObject(item, "id", id);
        cJSON_AddStringToObject(item, "type", "function_call");
        cJSON_AddStringToObject(item, "status", "completed");
        cJSON_AddStringToObject(item, "arguments", g->calls[i].args.data ? g->calls[i].args.data : "");
        cJSON_AddStringToObject(item, "call_id", g->calls[i].call_id);
        cJSON_AddStringToObject(item, "name", g->calls[i].name);
        cJSON_AddItemToArray(output, item);
        tokens += oa_tokens_count(q->model, g->calls[i].args.data ? g->calls[i].args.data : "", g->calls[i].args.len) +
                  oa_tokens_count(q->model, g->calls[i].name, strlen(g->calls[i].name));
    }
    return tokens;
}

static void usage(cJSON *resp, size_t in, size_t out, size_t reasoning)
{
    cJSON *u = cJSON_AddObjectToObject(resp, "usage");
    cJSON_AddNumberToObject(u, "input_tokens", (double)in);
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(u, "input_tokens_details"), "cached_tokens", 0);
    cJSON_AddNumberToObject(u, "output_tokens", (double)(out + reasoning));
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(u, "output_tokens_details"), "reasoning_tokens", (double)reasoning);
    cJSON_AddNumberToObject(u, "total_tokens", (double)(in + out + reasoning));
}

cJSON *oa_resp_object(const cJSON *root, const char *id, const oa_resp_result *res)
{
    const oa_chat_req *q = res->q;
    bool failed = res->status_fault && !strcmp(res->status_fault, "failed");
    bool cut = !failed && !strcmp(res->gen->finish, "length");
    bool reasoning_model = oa_resp_reasoning_model(q->model);
    cJSON *resp = cJSON_CreateObject();
    if (!resp)
        return NULL;
    cJSON_AddStringToObject(resp, "id", id);
    cJSON_AddStringToObject(resp, "object", "response");
    cJSON_AddNumberToObject(resp, "created_at", (double)time(NULL));
    cJSON_AddStringToObject(resp, "status", failed ? "failed" : cut ? "incomplete" : "completed");
    echo(resp, root, "background", cJSON_CreateFalse());
    if (failed) {
        cJSON *err = cJSON_AddObjectToObject(resp, "error");
        cJSON_AddStringToObject(err, "code", "server_error");
        cJSON_AddStringToObject(err, "message", "The server had an error while processing your request. Sorry about that!");
    } else {
        cJSON_AddNullToObject(resp, "error");
    }
    if (cut)
        cJSON_AddStringToObject(cJSON_AddObjectToObject(resp, "incomplete_details"), "reason", "max_output_tokens");
    else
        cJSON_AddNullToObject(resp, "incomplete_details");
    cJSON_AddStringToObject(resp, "model", oa_resp_model_name(q->model));
    cJSON *output = cJSON_AddArrayToObject(resp, "output");
    size_t reasoning = 0, out = 0;
    if (!failed) {
        if (reasoning_model)
            reasoning = reasoning_item(output, root, q);
        if (res->gen->ncalls) {
            out = call_items(output, res->gen, q);
        } else if (!q->reasoning_spent) { /* spent: the reasoning item alone, as the API answers */
            builtin_items(output, root, q, res->tools);
            out = message_item(output, res);
        }
    }
    settings(resp, root, q, reasoning_model);
    usage(resp, q->prompt_tokens, out, reasoning);
    return resp;
}
