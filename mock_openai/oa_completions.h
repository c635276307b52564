/* oa_completions: POST /v1/completions, the legacy endpoint of the
 * completion models (gpt-3.5-turbo-instruct, davinci-002, babbage-002).
 *
 * A prompt (a string, a list of them, token ids or lists of token ids)
 * is continued with deterministic words (oa_reply_sentence), cut at stop
 * and after max_tokens (16 unless said, as the real API). n choices per
 * prompt, choice index = prompt * n + j; echo puts the prompt first;
 * logprobs (0..5) in the legacy shape (oa_logprobs.h); suffix only seeds
 * the words. Streams are text_completion chunks, one token each, with the
 * same faults and pacing as chat (oa_stream.h). */
#ifndef OA_COMPLETIONS_H
#define OA_COMPLETIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "oa_ctx.h"
#include "oa_error.h"

typedef struct oa_cmpl_req {
    void *json;               /* the parsed body */
    const oa_model *model;
    char **prompts;           /* each prompt's text, owned */
    size_t nprompts;
    size_t prompt_tokens;     /* all prompts */
    long max_tokens;
    long n;
    long logprobs;            /* -1: none */
    bool echo, stream, include_usage;
    const void *stop;         /* a cJSON string or list, or NULL */
    uint64_t seed;
} oa_cmpl_req;

/* The completion models until the model catalogue knows their kind:
 * the model, or NULL for any other id. */
const oa_model *oa_completion_model(const char *id);

bool oa_cmpl_parse(const oa_ctx *c, const char *body, size_t len, oa_cmpl_req *q, oa_err *e);
void oa_cmpl_req_free(oa_cmpl_req *q);

/* The words choice j adds to prompt p; *finish "stop" or "length". */
void oa_cmpl_text(const oa_cmpl_req *q, size_t p, long j, buf *out, const char **finish);

/* The whole answer: a text_completion object, or its server-sent events;
 * oa_cmpl_sse returns the number of text events. */
void oa_cmpl_json(buf *b, const oa_cmpl_req *q, const char *id, long created);
size_t oa_cmpl_sse(buf *b, const oa_cmpl_req *q, const char *id, long created);

#endif
