/* oa_chat: POST /v1/chat/completions, deterministic.
 *
 * oa_chat_parse reads and checks a request (the real API's errors);
 * oa_chat_reply makes the reply the same request always gets: text derived
 * from the last user message (cut to max_tokens), JSON for response_format
 * (an instance of a json_schema's schema, see oa_schema.h; for json_object
 * the shape a message shows), or a tool call when tool_choice names a
 * function or requires one. */
#ifndef OA_CHAT_H
#define OA_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "oa_ctx.h"
#include "oa_error.h"

typedef struct oa_chat_req {
    void *json;               /* the parsed body; the fields below point into it */
    const oa_model *model;
    const char *last_user;    /* text of the last user message ("" if none) */
    size_t prompt_tokens;
    long max_tokens;          /* 0 = no limit */
    long n;
    uint64_t seed;            /* from the messages, model and seed parameter */
    bool stream, include_usage;
    const void *schema;       /* json_schema's schema (cJSON), or NULL */
    bool json_object;
    void *hint;               /* json_object: the schema a message shows (cJSON, owned), or NULL */
    const void *tool;         /* the function tool to call (cJSON), or NULL */
    const void *stop;         /* "stop": a string or a list of them (cJSON), or NULL */
    const char *scripted;     /* a --replies text for this conversation, or NULL */
    const char *scripted_tool; /* a --replies tool call: its name... */
    const char *scripted_args; /* ...and its arguments (JSON text) */
    /* Reasoning models (oa_chat_check.c): the effort in force, and the
     * hidden tokens each choice spends before its text (in usage). */
    oa_effort effort;
    long reasoning_tokens;
} oa_chat_req;

bool oa_chat_parse(const oa_ctx *c, const char *body, size_t len, oa_chat_req *q, oa_err *e);
void oa_chat_req_free(oa_chat_req *q);

/* Choice i's reply: the content text or the tool call's arguments (JSON).
 * *finish is "stop", "length" or "tool_calls". */
void oa_chat_reply(const oa_chat_req *q, long i, buf *out, const char **finish);

/* --replies FILE: [{"match": "<regex on the last user message>", "reply": "text"}
 * or {"match": ..., "tool_call": {"name": ..., "arguments": {...}}}], first
 * match wins. NULL with a message for a bad file or pattern. */
typedef struct oa_replies oa_replies;
oa_replies *oa_replies_load(const char *path, char *err, size_t errlen);
void oa_replies_free(oa_replies *r);
/* Fill q->scripted* from the first rule matching q->last_user. */
void oa_replies_apply(const oa_replies *r, oa_chat_req *q);

/* The whole answer for a parsed request: a chat.completion object, or the
 * server-sent events (role, content deltas, finish, usage, [DONE]).
 * oa_chat_sse returns the number of content events. */
void oa_chat_json(buf *b, const oa_chat_req *q, const char *id, long created);
size_t oa_chat_sse(buf *b, const oa_chat_req *q, const char *id, long created);

/* A new "chatcmpl-..." id, different on every call. */
void oa_chat_new_id(char out[40]);

#endif
