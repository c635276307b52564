/* oa_tokens: an estimate of cl100k_base token counts without the BPE tables.
 *
 * Text is split the way cl100k's pre-tokenizer splits it (letters with one
 * leading space or symbol, digits in groups of three, symbol runs, newline
 * runs, space runs); each piece is then costed by what cl100k's 100k-entry
 * vocabulary does with pieces of that kind: common lower-case words up to
 * ~8 letters are one token, longer and upper-case words split every few
 * letters, non-Latin letters cost about one token each. tests/clients measures
 * the estimate against js-tiktoken on the sample documents.
 *
 *     oa_tokens_estimate("The quick brown fox.", 20)   // 5 (cl100k: 5)
 */
#ifndef OA_TOKENS_H
#define OA_TOKENS_H

#include <stddef.h>

size_t oa_tokens_estimate(const char *text, size_t len);

#endif
