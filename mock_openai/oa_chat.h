/* oa_chat: POST /v1/chat/completions, deterministic.
 *
 * oa_chat_parse reads and checks a request (the real API's errors);
 * oa_chat_reply makes the reply the same request always gets: text derived
 * from the last user message (cut to max_tokens), JSON for response_format
 * (an instance of a json_schema's schema, see oa_schema.h; for json_object
 * the shape a message shows), or tool calls as oa_tool_policy.h decides. */
#ifndef OA_CHAT_H
#define OA_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "oa_ctx.h"
#include "oa_error.h"

#define OA_TOOL_CALLS_MAX 16

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
    bool reasoning_spent;     /* they took all of max_completion_tokens: no text, finish "length" */
    /* The tool policy's decision (oa_tool_policy.h); tool is calls[0]. */
    const void *calls[OA_TOOL_CALLS_MAX]; /* function objects (cJSON) the reply calls, in order */
    size_t ncalls;
    const void *messages;     /* the conversation (cJSON array) */
    bool after_tool;          /* the last message is a tool result */
    bool tools_off;           /* tool_choice "none": no call, scripted ones included */
    /* logprobs / top_logprobs (oa_logprobs.h) */
    bool logprobs;
    long top_logprobs;
} oa_chat_req;

bool oa_chat_parse(const oa_ctx *c, const char *body, size_t len, oa_chat_req *q, oa_err *e);
void oa_chat_req_free(oa_chat_req *q);

/* Choice i's reply: the content text, or nothing when it calls tools
 * (oa_tool_policy.h writes the calls). *finish is "stop", "length" or
 * "tool_calls". */
void oa_chat_reply(const oa_chat_req *q, long i, buf *out, const char **finish);

/* A seeded sentence of 10 to 21 words ("Clear steps for your ... care."),
 * the words every reply is made of; advances *s. */
void oa_reply_sentence(uint64_t *s, buf *out);

/* Cut a reply at its first stop sequence (stop: a cJSON string or list),
 * then after max_tokens tokens (0: no limit); true when max_tokens cut it. */
bool oa_reply_cut(buf *out, const oa_model *model, const void *stop, long max_tokens);

/* --replies FILE: [{"match": "<regex on the last user message>", "reply": "text"}
 * or {"match": ..., "tool_call": {"name": ..., "arguments": {...}}}], first
 * match wins. NULL with a message for a bad file or pattern. */
typedef struct oa_replies oa_replies;
oa_replies *oa_replies_load(const char *path, char *err, size_t errlen);
void oa_replies_free(oa_replies *r);
/* Fill q->scripted* from the first rule matching q->last_user; a tool_call
 * rule is passed over once its tool was called after that user message, or
 * with tool_choice "none" (call after oa_chat_parse). */
void oa_replies_apply(const oa_replies *r, oa_chat_req *q);

/* The whole answer for a parsed request: a chat.completion object, or the
 * server-sent events (role, content deltas, finish, usage, [DONE]).
 * oa_chat_sse returns the number of content events. */
void oa_chat_json(buf *b, const oa_chat_req *q, const char *id, long created);
size_t oa_chat_sse(buf *b, const oa_chat_req *q, const char *id, long created);

/* A new "chatcmpl-..." id, different on every call. */
void oa_chat_new_id(char out[40]);

#endif
