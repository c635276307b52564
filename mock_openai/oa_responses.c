/* POST /v1/responses: the request's conversation (earlier turns by
 * previous_response_id, then its input items) goes to the chat engine as a
 * chat request; its reply becomes output items of a response object, sent
 * whole or as events (paced and faulted as chat streams are), stored for
 * later turns, and for background requests finished on the clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "oa_azure.h"
#include "oa_embed_req.h"
#include "oa_handlers.h"
#include "oa_ratelimit.h"
#include "oa_resp.h"
#include "oa_resp_store.h"
#include "oa_stream.h"
#include "timer.h"

static const char *const known_fields[] = {
    "model", "input", "instructions", "max_output_tokens", "stream", "temperature", "top_p", "user", "metadata",
    "store", "tools", "tool_choice", "text", "reasoning", "previous_response_id", "include", "parallel_tool_calls",
    "truncation", "service_tier", "background", "prompt_cache_key", "safety_identifier", "stream_options",
    "max_tool_calls", "top_logprobs", "prompt", "conversation"};

typedef struct create {
    const oa_ctx *c;
    cJSON *root;
    cJSON *conversation; /* earlier turns, then this request's items */
    cJSON *items;        /* this request's input items */
    oa_chat_req q;
    oa_resp_gen gen;
    oa_resp_tools tools;
    char id[64];
} create;

static bool check_fields(const cJSON *root, oa_err *e)
{
    for (const cJSON *f = root->child; f; f = f->next) {
        bool ok = false;
        for (size_t i = 0; i < sizeof known_fields / sizeof known_fields[0] && !ok; i++)
            ok = !strcmp(f->string, known_fields[i]);
        if (!ok)
            return oa_fail(e, 400, IRE, f->string, "unknown_parameter", "Unknown parameter: '%.100s'.", f->string);
    }
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(root, "model");
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(root, "input");
    const cJSON *max = cJSON_GetObjectItemCaseSensitive(root, "max_output_tokens");
    if (!cJSON_IsString(model))
        return oa_fail(e, 400, IRE, "model", "missing_required_parameter", "Missing required parameter: 'model'.");
    if (!cJSON_IsString(input) && !cJSON_IsArray(input))
        return oa_fail(e, 400, IRE, "input", "missing_required_parameter", "Missing required parameter: 'input'.");
    if (max && !cJSON_IsNull(max) && !oa_json_is_int(max, -1e18, 1e18))
        return oa_fail(e, 400, IRE, "max_output_tokens", "invalid_type",
                       "Invalid type for 'max_output_tokens': expected an integer, but got %s instead.", oa_json_type_name(max));
    if (cJSON_IsNumber(max) && max->valuedouble < 16)
        return oa_fail(e, 400, IRE, "max_output_tokens", "integer_below_min_value",
                       "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got %.0f "
                       "instead.", max->valuedouble);
    return true;
}

static bool is_stream(const cJSON *root)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "stream"));
}

/* The conversation: the previous response's history, then the input. */
static bool read_conversation(create *k, oa_err *e)
{
    const cJSON *prev = cJSON_GetObjectItemCaseSensitive(k->root, "previous_response_id");
    const char *conv = oa_resp_conv_id(k->root);
    cJSON *history = NULL;
    if (cJSON_IsString(prev) && conv)
        return oa_fail(e, 400, IRE, NULL, "mutually_exclusive_parameters",
                       "Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or "
                       "'conversation'.");
    if (cJSON_IsString(prev) && !(history = oa_resp_store_history(k->c->resp_store, prev->valuestring)))
        return oa_fail(e, 404, IRE, "previous_response_id", "previous_response_not_found",
                       "Previous response with id '%.80s' not found.", prev->valuestring);
    if (conv && !(history = oa_resp_conv_history(k->c->resp_store, conv, e)))
        return false;
    k->items = oa_resp_input_items(cJSON_GetObjectItemCaseSensitive(k->root, "input"), "input", k->c->resp_store, e);
    if (!k->items) {
        cJSON_Delete(history);
        return false;
    }
    k->conversation = history ? history : cJSON_CreateArray();
    for (const cJSON *it = k->items->child; it; it = it->next)
        cJSON_AddItemToArray(k->conversation, cJSON_Duplicate(it, true));
    if (!oa_resp_check_calls(k->conversation, e))
        return false;
    if (!k->conversation->child && !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(k->root, "instructions")))
        return oa_fail(e, 400, IRE, "input", "empty_array",
                       "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array "
                       "instead.");
    return true;
}

static bool too_long(const oa_err *e)
{
    return e->code && !strcmp(e->code, "context_length_exceeded");
}

/* truncation "auto": past the context window, the oldest items go first,
 * as the API drops them, until the rest fits (or one is left). */
static bool parse(create *k, oa_err *e)
{
    if (!check_fields(k->root, e) || !read_conversation(k, e))
        return false;
    const cJSON *trunc = cJSON_GetObjectItemCaseSensitive(k->root, "truncation");
    bool drop = cJSON_IsString(trunc) && !strcmp(trunc->valuestring, "auto");
    cJSON *seen = NULL; /* what the model sees once items are dropped; the stored history keeps them */
    for (;;) {
        char *chat = oa_resp_chat_body(k->root, seen ? seen : k->conversation, &k->tools, e);
        bool ok = chat && oa_chat_parse(k->c, chat, strlen(chat), &k->q, e);
        cJSON_free(chat);
        if (ok || !chat || !drop || !too_long(e) || cJSON_GetArraySize(seen ? seen : k->conversation) < 2 ||
            (!seen && !(seen = cJSON_Duplicate(k->conversation, true)))) {
            if (!ok && chat)
                oa_resp_chat_error(e);
            cJSON_Delete(seen);
            return ok;
        }
        oa_chat_req_free(&k->q);
        memset(&k->tools, 0, sizeof k->tools);
        cJSON_DeleteItemFromArray(seen, 0);
    }
}

/* The record to keep: the request's items, and the whole conversation for
 * the next turn; NULL when out of memory. Takes the items and conversation. */
static oa_resp_rec *record(create *k, srv_req *r, const cJSON *resp, bool stuck)
{
    oa_resp_rec *rec = calloc(1, sizeof *rec);
    const char *test = srv_req_header(r, "x-test-id");
    if (!rec)
        return NULL;
    snprintf(rec->id, sizeof rec->id, "%s", k->id);
    rec->created_ms = rec->done_ms = timer_now_ms();
    rec->background = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k->root, "background"));
    if (rec->background && !is_stream(k->root))
        rec->done_ms = stuck ? UINT64_MAX : rec->created_ms + (uint64_t)k->c->background_ms;
    rec->test_id = test ? strdup(test) : NULL;
    rec->response = cJSON_Duplicate(resp, true);
    const cJSON *prev = cJSON_GetObjectItemCaseSensitive(k->root, "previous_response_id");
    if (cJSON_IsString(prev)) { /* the earlier turns stay with the previous response */
        snprintf(rec->prev, sizeof rec->prev, "%s", prev->valuestring);
        rec->history = cJSON_Duplicate(k->items, true);
    } else {
        rec->history = k->conversation;
        k->conversation = NULL;
    }
    rec->input = k->items;
    k->items = NULL;
    for (const cJSON *it = cJSON_GetObjectItemCaseSensitive(resp, "output")->child; rec->history && it; it = it->next)
        cJSON_AddItemToArray(rec->history, cJSON_Duplicate(it, true));
    if (!rec->response || !rec->history || (test && !rec->test_id)) {
        oa_resp_rec_free(rec);
        return NULL;
    }
    return rec;
}

static void print(srv_req *r, const cJSON *o)
{
    char *text = cJSON_PrintUnformatted(o);
    if (text)
        buf_puts(srv_resp_body(r), text);
    cJSON_free(text);
}

static void answer(create *k, srv_req *r)
{
    const char *fault = srv_req_note(r, "response_status");
    if (k->tools.none)
        k->tools.web_search = k->tools.file_search = false;
    oa_resp_result res = {&k->q, &k->gen, &k->tools, fault};
    oa_resp_id(k->id, sizeof k->id, "resp_");
    cJSON *resp = oa_resp_object(k->root, k->id, &res);
    if (!resp) {
        oa_error(r, 500, "The server had an error while processing your request. Sorry about that!", "server_error",
                 NULL, NULL);
        return;
    }
    bool background = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k->root, "background"));
    bool stored = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(k->root, "store"));
    bool stuck = fault && !strcmp(fault, "stuck");
    srv_resp_header(r, "openai-model", oa_resp_model_name(k->q.model));
    if (is_stream(k->root)) {
        buf *b = srv_resp_body(r);
        srv_resp_delay(r, (unsigned)k->c->ttft_ms);
        srv_resp_header(r, "content-type", "text/event-stream; charset=utf-8");
        srv_resp_header(r, "cache-control", "no-cache");
        size_t events = oa_resp_events(b, resp, -1, false);
        oa_resp_stream_fault(r, b);
        oa_stream_pace(r, k->c, b->len, events);
    } else if (!background) {
        srv_resp_delay(r, (unsigned)k->c->ttft_ms);
        print(r, resp);
    }
    const char *conv = oa_resp_conv_id(k->root);
    if (conv) /* the conversation keeps the turn, whether the response is stored or not */
        oa_resp_conv_append(k->c->resp_store, conv, k->items, cJSON_GetObjectItemCaseSensitive(resp, "output"));
    oa_resp_rec *rec = stored || background ? record(k, r, resp, stuck) : NULL;
    if (background && !is_stream(k->root)) { /* answered at once, as it is now: queued */
        cJSON *v = rec ? oa_resp_rec_view(rec, rec->created_ms) : NULL;
        print(r, v ? v : resp);
        cJSON_Delete(v);
    }
    if (rec) /* a background response is polled, store or not */
        oa_resp_store_add(k->c->resp_store, rec);
    cJSON_Delete(resp);
}

void oa_handle_responses(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    size_t len;
    const char *body = oa_req_body(r, &len); /* Azure: its deployment's model */
    create k = {.c = c, .root = json_parse_body(body, len)};
    oa_err e;
    if (!cJSON_IsObject(k.root)) {
        oa_fail_unparsable(&e); /* the same answer as every other endpoint */
        oa_error_send(r, &e);
    } else if (!parse(&k, &e)) {
        oa_error_send(r, &e);
    } else if (oa_ratelimit_take(c->rl, r, k.q.model->id, k.q.prompt_tokens)) {
        oa_replies_apply(c->replies, &k.q);
        oa_resp_engine_run(&k.q, &k.gen);
        answer(&k, r);
    }
    oa_resp_gen_free(&k.gen);
    oa_chat_req_free(&k.q);
    cJSON_Delete(k.items);
    cJSON_Delete(k.conversation);
    cJSON_Delete(k.root);
}

static bool check_status(const char *v, char *err, size_t n)
{
    if (!strcmp(v, "failed") || !strcmp(v, "stuck"))
        return true;
    snprintf(err, n, "expected failed or stuck");
    return false;
}

bool oa_resp_fault_fields(faults *f)
{
    return faults_add_field(f, "response_status", check_status);
}
