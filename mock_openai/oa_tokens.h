/* oa_tokens: token counts, exactly as tiktoken counts them (oa_bpe): the
 * model's own encoding, cl100k_base for the embedding models, gpt-3.5 and
 * gpt-4, o200k_base for gpt-4o, gpt-4.1 and later.
 *
 *     oa_tokens_count(model, "The quick brown fox.", 20)   // 5
 *     oa_tokens_cut(model, text, len, 3)                   // bytes of the first 3 tokens
 */
#ifndef OA_TOKENS_H
#define OA_TOKENS_H

#include <stddef.h>

#include "oa_bpe.h"

struct oa_model;

/* Tokens of text in the model's encoding (NULL: cl100k_base). If the
 * tokenizer fails (no memory), the byte count stands in: never fewer
 * tokens than the text could have. */
size_t oa_tokens_count(const struct oa_model *m, const char *text, size_t len);

/* Where the first max tokens of text end (len when it has no more). */
size_t oa_tokens_cut(const struct oa_model *m, const char *text, size_t len, size_t max);

/* The model's encoding. */
oa_bpe_enc oa_tokens_encoding(const struct oa_model *m);

#endif
