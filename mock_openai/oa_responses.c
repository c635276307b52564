/* POST /v1/responses (minimal): the request becomes a chat request (input
 * and instructions as messages), answered with the same deterministic reply,
 * as one response object or as the named server-sent events. */
#include <cJSON.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "oa_chat.h"
#include "oa_embed_req.h"
#include "oa_azure.h"
#include "oa_handlers.h"
#include "oa_ratelimit.h"
#include "oa_tokens.h"

static const char *const known_fields[] = {
    "model", "input", "instructions", "max_output_tokens", "stream", "temperature", "top_p", "user", "metadata",
    "store", "tools", "tool_choice", "text", "reasoning", "previous_response_id", "include", "parallel_tool_calls",
    "truncation", "service_tier", "background", "prompt_cache_key", "safety_identifier", "stream_options"};

/* text.format ({type: json_schema, name, schema, strict} or json_object)
 * as the chat request's response_format. */
static void add_format(cJSON *chat, const cJSON *root)
{
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "text"), "format");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(fmt, "type");
    if (!cJSON_IsString(type) || !strcmp(type->valuestring, "text"))
        return;
    cJSON *rf = cJSON_AddObjectToObject(chat, "response_format");
    cJSON_AddStringToObject(rf, "type", type->valuestring);
    if (strcmp(type->valuestring, "json_schema"))
        return;
    cJSON *js = cJSON_AddObjectToObject(rf, "json_schema");
    static const char *const keys[] = {"name", "schema", "strict", "description"};
    for (size_t i = 0; js && i < sizeof keys / sizeof keys[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(fmt, keys[i]);
        if (v)
            cJSON_AddItemToObject(js, keys[i], cJSON_Duplicate(v, true));
    }
}

/* The chat request's format errors as the Responses API words them. */
static void format_error(oa_err *e)
{
    if (!strcmp(e->param, "response_format") && strstr(e->message, "Invalid schema for response_format")) {
        snprintf(e->param, sizeof e->param, "text.format.schema");
        e->code = "invalid_json_schema";
    } else if (!strcmp(e->param, "messages") && strstr(e->message, "must contain the word 'json'")) {
        snprintf(e->param, sizeof e->param, "text.format");
        snprintf(e->message, sizeof e->message, "Response input messages must contain the word 'json' in some form "
                                                "to use 'text.format' of type 'json_object'.");
    } else if (!strncmp(e->param, "response_format", 15)) {
        snprintf(e->param, sizeof e->param, "text.format");
    }
}

/* The chat body for this responses body, or NULL with the error set. */
static char *as_chat(const cJSON *root, oa_err *e)
{
    if (!oa_check_fields(root, known_fields, sizeof known_fields / sizeof known_fields[0], e))
        return NULL;
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(root, "input");
    const cJSON *instr = cJSON_GetObjectItemCaseSensitive(root, "instructions");
    const cJSON *max = cJSON_GetObjectItemCaseSensitive(root, "max_output_tokens");
    if (!cJSON_IsString(input) && !cJSON_IsArray(input))
        return oa_fail(e, 400, "invalid_request_error", "input", "missing_required_parameter",
                       "Missing required parameter: 'input'."), NULL;
    cJSON *chat = cJSON_CreateObject(), *msgs = cJSON_AddArrayToObject(chat, "messages");
    cJSON_AddItemToObject(chat, "model", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(root, "model"), true));
    if (cJSON_IsString(instr)) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "role", "system");
        cJSON_AddStringToObject(m, "content", instr->valuestring);
        cJSON_AddItemToArray(msgs, m);
    }
    if (cJSON_IsString(input)) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "role", "user");
        cJSON_AddStringToObject(m, "content", input->valuestring);
        cJSON_AddItemToArray(msgs, m);
    } else {
        for (const cJSON *m = input->child; m; m = m->next) /* {role, content} items; parts carry "text" */
            cJSON_AddItemToArray(msgs, cJSON_Duplicate(m, true));
    }
    if (cJSON_IsNumber(max))
        cJSON_AddNumberToObject(chat, "max_tokens", max->valuedouble);
    add_format(chat, root);
    char *text = cJSON_PrintUnformatted(chat);
    cJSON_Delete(chat);
    return text;
}

typedef struct resp_out {
    char id[40], msg_id[40];
    long created;
    const char *model;
    const buf *text;
    size_t in_tokens, out_tokens;
    int seq;
} resp_out;

static void message_item(buf *b, const resp_out *o, const char *status, bool with_text)
{
    buf_printf(b, "{\"id\":\"%s\",\"type\":\"message\",\"status\":\"%s\",\"role\":\"assistant\",\"content\":[", o->msg_id, status);
    if (with_text) {
        buf_puts(b, "{\"type\":\"output_text\",\"text\":");
        buf_json_str(b, o->text->data ? o->text->data : "", o->text->len);
        buf_puts(b, ",\"annotations\":[]}");
    }
    buf_puts(b, "]}");
}

static void response_obj(buf *b, const resp_out *o, bool done)
{
    buf_printf(b, "{\"id\":\"%s\",\"object\":\"response\",\"created_at\":%ld,\"status\":\"%s\",\"error\":null,"
                  "\"incomplete_details\":null,\"model\":",
               o->id, o->created, done ? "completed" : "in_progress");
    buf_json_str(b, o->model, strlen(o->model));
    buf_puts(b, ",\"output\":[");
    if (done)
        message_item(b, o, "completed", true);
    buf_puts(b, "],\"usage\":");
    if (done)
        buf_printf(b, "{\"input_tokens\":%zu,\"output_tokens\":%zu,\"total_tokens\":%zu}", o->in_tokens, o->out_tokens,
                   o->in_tokens + o->out_tokens);
    else
        buf_puts(b, "null");
    buf_puts(b, "}");
}

/* "event: <type>\ndata: {"type":<type>,"sequence_number":n,<body>}\n\n" */
static void event(buf *b, resp_out *o, const char *type, const char *body)
{
    buf_printf(b, "event: %s\ndata: {\"type\":\"%s\",\"sequence_number\":%d,%s}\n\n", type, type, o->seq++, body);
}

static void write_events(buf *b, resp_out *o)
{
    buf x = BUF_INIT;
    const char *kinds[] = {"response.created", "response.in_progress"};
    for (int k = 0; k < 2; k++) {
        buf_clear(&x);
        buf_puts(&x, "\"response\":");
        response_obj(&x, o, false);
        event(b, o, kinds[k], x.data);
    }
    buf_clear(&x);
    buf_puts(&x, "\"output_index\":0,\"item\":");
    message_item(&x, o, "in_progress", false);
    event(b, o, "response.output_item.added", x.data);
    buf_clear(&x);
    buf_printf(&x, "\"item_id\":\"%s\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}", o->msg_id);
    event(b, o, "response.content_part.added", x.data);
    for (size_t p = 0; p < o->text->len;) { /* a word at a time */
        size_t q = p + 1;
        while (q < o->text->len && o->text->data[q] != ' ')
            q++;
        buf_clear(&x);
        buf_printf(&x, "\"item_id\":\"%s\",\"output_index\":0,\"content_index\":0,\"delta\":", o->msg_id);
        buf_json_str(&x, o->text->data + p, q - p);
        event(b, o, "response.output_text.delta", x.data);
        p = q;
    }
    buf_clear(&x);
    buf_printf(&x, "\"item_id\":\"%s\",\"output_index\":0,\"content_index\":0,\"text\":", o->msg_id);
    buf_json_str(&x, o->text->data ? o->text->data : "", o->text->len);
    event(b, o, "response.output_text.done", x.data);
    buf_clear(&x);
    buf_printf(&x, "\"item_id\":\"%s\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":", o->msg_id);
    buf_json_str(&x, o->text->data ? o->text->data : "", o->text->len);
    buf_puts(&x, ",\"annotations\":[]}");
    event(b, o, "response.content_part.done", x.data);
    buf_clear(&x);
    buf_puts(&x, "\"output_index\":0,\"item\":");
    message_item(&x, o, "completed", true);
    event(b, o, "response.output_item.done", x.data);
    buf_clear(&x);
    buf_puts(&x, "\"response\":");
    response_obj(&x, o, true);
    event(b, o, "response.completed", x.data);
    buf_free(&x);
}

void oa_handle_responses(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    size_t len;
    const char *body = oa_req_body(r, &len); /* Azure: its deployment's model */
    cJSON *root = json_parse_body(body, len);
    oa_err e;
    oa_chat_req q = {0};
    char *chat = cJSON_IsObject(root) ? as_chat(root, &e) : NULL;
    if (!cJSON_IsObject(root))
        oa_fail_unparsable(&e); /* the same answer as every other endpoint */
    if (!chat || !oa_chat_parse(c, chat, strlen(chat), &q, &e)) {
        format_error(&e);
        oa_error_send(r, &e);
    } else if (oa_ratelimit_take(c->rl, r, q.model->id, q.prompt_tokens)) {
        oa_replies_apply(c->replies, &q);
        buf text = BUF_INIT;
        const char *finish;
        oa_chat_reply(&q, 0, &text, &finish);
        resp_out o = {"", "", (long)time(NULL), q.model->id, &text, q.prompt_tokens,
                      oa_tokens_count(q.model, text.data ? text.data : "", text.len), 0};
        snprintf(o.id, sizeof o.id, "resp_%016llx", (unsigned long long)q.seed);
        snprintf(o.msg_id, sizeof o.msg_id, "msg_%016llx", (unsigned long long)(q.seed * 31));
        srv_resp_header(r, "openai-model", q.model->id);
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "stream"))) {
            srv_resp_header(r, "content-type", "text/event-stream; charset=utf-8");
            write_events(srv_resp_body(r), &o);
        } else {
            response_obj(srv_resp_body(r), &o, true);
        }
        buf_free(&text);
    }
    oa_chat_req_free(&q);
    cJSON_free(chat);
    cJSON_Delete(root);
}
