/* oa_logprobs: deterministic log probabilities for every token of a reply,
 * the tokens cut by the model's own tokenizer (oa_bpe).
 *
 * The chosen token's logprob is in [-0.4, -0.02]; alternatives (common
 * tokens such as " the", never the chosen one) follow, each lower by 5
 * or more, so the chosen token is always the most likely and the
 * probabilities sum to less than 1. The same text, seed and position give
 * the same values.
 *
 * Chat: {"content":[{token, logprob, bytes, top_logprobs:[...]}...],
 * "refusal":null}, top_logprobs holding the chosen token first.
 * Legacy completions: {tokens, token_logprobs, top_logprobs, text_offset}. */
#ifndef OA_LOGPROBS_H
#define OA_LOGPROBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "oa_ctx.h"
#include "oa_error.h"

/* A text cut into tokens: token i is [i ? end[i-1] : 0, end[i]). */
typedef struct oa_lp_tokens {
    size_t n;
    size_t *end;
} oa_lp_tokens;

/* False when memory ran out (t is then empty). */
bool oa_lp_split(const oa_model *m, const char *text, size_t len, oa_lp_tokens *t);
void oa_lp_tokens_free(oa_lp_tokens *t);

/* Token i's start. */
size_t oa_lp_start(const oa_lp_tokens *t, size_t i);

/* Chat: {"content":[tokens from..to),"refusal":null}; top is top_logprobs. */
void oa_logprobs_chat(buf *b, uint64_t seed, long top, const char *text, const oa_lp_tokens *t, size_t from,
                      size_t to);

/* Legacy: {tokens, token_logprobs, top_logprobs, text_offset} of tokens
 * from..to; offset is where text starts in the echoed prompt + completion;
 * null_first: the first token has no logprob (an echoed prompt's first). */
void oa_logprobs_legacy(buf *b, uint64_t seed, long top, const char *text, const oa_lp_tokens *t, size_t from,
                        size_t to, size_t offset, bool null_first);

/* Chat's logprobs (boolean) and top_logprobs (0..20, only with logprobs
 * true), with the real API's errors. */
bool oa_logprobs_read(const void *root, bool *logprobs, long *top, oa_err *e);

#endif
