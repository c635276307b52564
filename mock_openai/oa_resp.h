/* oa_resp: the Responses API (/v1/responses...). A request is translated
 * into a chat completions request and answered by the chat engine
 * (oa_chat.h); its result becomes Responses output items. Internal to the
 * oa_resp_*.c files:
 *   oa_resp_input.c    input items: checked, normalised, item references
 *                      resolved
 *   oa_resp_messages.c the items as chat messages
 *   oa_resp_chat.c     the chat request (tools, tool_choice, text.format,
 *                      reasoning, limits) and its errors in Responses words
 *   oa_resp_engine.c   the chat engine's reply as text or function calls
 *   oa_resp_output.c   output items and the response object
 *   oa_resp_events.c   the server-sent events of a response object
 *   oa_resp_store.c    stored responses (store, previous_response_id)
 *   oa_resp_get.c      retrieve, delete, input_items, cancel
 *   oa_resp_conv.c     the Conversations API
 *   oa_resp_page.c     list pages
 *   oa_resp_routes.c   the routes of all but POST /v1/responses
 *   oa_responses.c     POST /v1/responses */
#ifndef OA_RESP_H
#define OA_RESP_H

#include <cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "oa_chat.h"
#include "oa_ctx.h"
#include "oa_error.h"
#include "faults.h"
#include "server.h"

#define IRE "invalid_request_error"

/* A new random id: prefix and 48 hex digits (ids are not content). */
void oa_resp_id(char *out, size_t n, const char *prefix);

/* --- input items --- */
struct oa_resp_store;
/* input (a string or an array of items) as normalised items, each with an
 * id, item references resolved from the store; NULL with e set, its param
 * a path under param ("input", or a conversation's "items"). */
cJSON *oa_resp_input_items(const cJSON *input, const char *param, struct oa_resp_store *s, oa_err *e);
/* Every function_call_output answers a function_call earlier in the
 * conversation; false with the API's 400 otherwise. */
bool oa_resp_check_calls(const cJSON *conversation, oa_err *e);
/* Append the chat messages for normalised items to msgs. */
void oa_resp_input_messages(const cJSON *items, cJSON *msgs);

/* --- the chat request --- */
typedef struct oa_resp_tools {
    bool web_search, file_search; /* built-in tools offered (and not excluded) */
    bool forced_builtin;          /* tool_choice names one of them */
    bool none;                    /* tool_choice "none" */
} oa_resp_tools;
/* The chat body for this request and its conversation; NULL with e set. */
char *oa_resp_chat_body(const cJSON *root, const cJSON *conversation, oa_resp_tools *t, oa_err *e);
/* The chat engine's error for a Responses request, in the Responses API's
 * words and parameter paths. */
void oa_resp_chat_error(oa_err *e);

/* --- the engine's answer --- */
#define OA_RESP_MAX_CALLS 8
typedef struct oa_resp_call {
    char name[128];
    char call_id[32]; /* "call_" and 24 characters */
    buf args;
} oa_resp_call;
typedef struct oa_resp_gen {
    buf text;               /* the message's text when no function is called */
    oa_resp_call calls[OA_RESP_MAX_CALLS];
    size_t ncalls;
    const char *finish;     /* "stop", "length", "tool_calls" */
    cJSON *logprobs;        /* the text's tokens [{token, logprob, bytes, top_logprobs}], when asked; or NULL */
} oa_resp_gen;
void oa_resp_engine_run(const oa_chat_req *q, oa_resp_gen *g);
void oa_resp_gen_free(oa_resp_gen *g);
/* What the engine knows of the model: whether it reasons (then a
 * reasoning item comes first), the name answers give it, and the hidden
 * tokens a reply spends at an effort ("minimal", "low", ...). */
bool oa_resp_reasoning_model(const oa_model *m);
const char *oa_resp_model_name(const oa_model *m);
size_t oa_resp_reasoning_tokens(const oa_chat_req *q, const char *effort);
/* The effort in force when the request names none. */
const char *oa_resp_default_effort(const oa_chat_req *q);

/* --- output items and the response object --- */
typedef struct oa_resp_result {
    const oa_chat_req *q;
    const oa_resp_gen *gen;
    const oa_resp_tools *tools;
    const char *status_fault; /* a response_status fault: "failed", "stuck", or NULL */
} oa_resp_result;
/* The complete response object for the request root (status completed,
 * incomplete or failed); NULL when out of memory. */
cJSON *oa_resp_object(const cJSON *root, const char *id, const oa_resp_result *res);

/* --- events --- */
/* The events of a finished response object, each numbered; events whose
 * number is <= after are left out (-1: none); start_only: only the first
 * two (a response still running). Returns the number of delta events
 * written (the stream's tokens). */
size_t oa_resp_events(buf *b, const cJSON *resp, long after, bool start_only);
/* The request's stream fault on a Responses stream in b: stream_cut as on
 * chat (oa_stream.h); stream_error ends it after after_chunks events with
 * the Responses API's own error event. */
void oa_resp_stream_fault(srv_req *r, buf *b);

/* --- conversations --- */
/* The request's conversation id (conversation: "conv_..." or {id}), or NULL. */
const char *oa_resp_conv_id(const cJSON *root);
/* A copy of the conversation's items; NULL with e set (404) when there is
 * no such conversation. */
cJSON *oa_resp_conv_history(struct oa_resp_store *s, const char *id, oa_err *e);
/* Add a turn's input and output items to the conversation. */
void oa_resp_conv_append(struct oa_resp_store *s, const char *id, const cJSON *input, const cJSON *output);

/* --- list pages, JSON answers --- */
typedef struct oa_resp_page_q {
    const char *after; /* an item id, or NULL */
    long limit;
    bool asc;
} oa_resp_page_q;
/* after, limit and order from the query; false with the 400 written. */
bool oa_resp_page_query(srv_req *r, oa_resp_page_q *p, const char *default_order);
/* {object: list, data, first_id, last_id, has_more}; NULL when the cursor
 * names no item of the list. */
cJSON *oa_resp_page(const cJSON *items, const oa_resp_page_q *p);
/* o as the answer's body (a 500 when out of memory). */
void oa_resp_print(srv_req *r, const cJSON *o);

/* --- routes --- */
/* The stored responses' and the conversations' routes (POST /v1/responses
 * is the server's own, in oa_handlers.h). */
void oa_resp_routes(srv_routes *t, oa_ctx *ctx);
void oa_handle_response_get(srv_req *r, void *ctx);
void oa_handle_response_delete(srv_req *r, void *ctx);
void oa_handle_response_cancel(srv_req *r, void *ctx);
void oa_handle_response_input_items(srv_req *r, void *ctx);
void oa_handle_conversation_create(srv_req *r, void *ctx);
void oa_handle_conversation_get(srv_req *r, void *ctx);
void oa_handle_conversation_update(srv_req *r, void *ctx);
void oa_handle_conversation_delete(srv_req *r, void *ctx);
void oa_handle_conversation_items(srv_req *r, void *ctx);
void oa_handle_conversation_items_add(srv_req *r, void *ctx);
void oa_handle_conversation_item_get(srv_req *r, void *ctx);
void oa_handle_conversation_item_delete(srv_req *r, void *ctx);

/* --- faults on responses --- */
/* response_status: failed (status failed with an error) or stuck (a
 * background response that never ends). */
bool oa_resp_fault_fields(faults *f);

#endif
