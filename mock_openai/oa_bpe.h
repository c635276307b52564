/* oa_bpe: exact byte-pair encoding of OpenAI's cl100k_base and o200k_base,
 * token for token what js-tiktoken's encode(text, [], []) returns (that is,
 * tiktoken's encode_ordinary: special-token text such as "<|endoftext|>" is
 * encoded as ordinary text, never as the special id).
 *
 *     size_t n = oa_bpe_count(OA_BPE_CL100K, "hello world", 11);   // n == 2
 *
 * Vocabularies are embedded in the binary (mock_openai/bpe_data) and loaded
 * on first use of each encoding, once per process (pthread_once); every
 * function here is safe to call from many threads at once. Loading costs
 * ~10 ms and ~3 MB of heap for cl100k, ~25 ms and ~6.5 MB for o200k.
 *
 * Text is UTF-8. Invalid UTF-8 is never an error: each maximal invalid
 * subsequence is read as U+FFFD first (the WHATWG decoder's rule, which is
 * what Node's TextDecoder and buf_json_str() do), so the ids are those
 * js-tiktoken gives for the decoded string. Decoding such ids gives back
 * the replaced text (EF BF BD for each invalid run), not the input bytes.
 *
 * Letters, digits, marks and spaces are classified as Node's RegExp does
 * (js-tiktoken runs on it), in the Unicode version of the Node that ran
 * bpe_data/regen.mjs (oa_bpe_unicode_version()), even where libpcre2's own
 * tables are older (Unicode 14.0 in Debian 12). */
#ifndef OA_BPE_H
#define OA_BPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

typedef enum { OA_BPE_CL100K, OA_BPE_O200K } oa_bpe_enc;

/* What oa_bpe_count() and oa_bpe_cut() return when they cannot answer: the
 * vocabulary failed to load, memory ran out, or the encoding is unknown. */
#define OA_BPE_ERROR SIZE_MAX

/* Number of tokens in text[0..len). No id array is built.
 *
 *     oa_bpe_count(OA_BPE_CL100K, "", 0)                  == 0
 *     oa_bpe_count(OA_BPE_CL100K, "hello world", 11)      == 2
 *     oa_bpe_count(OA_BPE_O200K, "<|endoftext|>", 13)     == 7 (as text)
 *
 * Returns OA_BPE_ERROR on failure. */
size_t oa_bpe_count(oa_bpe_enc enc, const char *text, size_t len);

/* The token ids of text[0..len) into a new array the caller frees.
 *
 *     uint32_t *ids; size_t n;
 *     if (oa_bpe_encode(OA_BPE_CL100K, "hello world", 11, &ids, &n)) {
 *         // n == 2, ids == {15339, 1917}
 *         free(ids);
 *     }
 *
 * Empty text gives n == 0 and *ids == NULL (free(NULL) is fine). Returns
 * false (with *ids == NULL, *n == 0) on failure. */
bool oa_bpe_encode(oa_bpe_enc enc, const char *text, size_t len, uint32_t **ids, size_t *n);

/* Appends the bytes of ids[0..n) to out. Special-token ids (100257
 * "<|endoftext|>" etc.) decode to their text, as in js-tiktoken. The bytes
 * are not validated: a cut between two tokens of one character gives a
 * partial UTF-8 sequence, as tiktoken's decode_bytes does.
 *
 *     buf b = BUF_INIT; size_t bad;
 *     oa_bpe_decode(OA_BPE_CL100K, (uint32_t[]){15339, 1917}, 2, &b, &bad);
 *     // true, b.data == "hello world"
 *     oa_bpe_decode(OA_BPE_CL100K, (uint32_t[]){15339, 999999}, 2, &b, &bad);
 *     // false, bad == 1, b unchanged
 *
 * Returns false when an id is outside the vocabulary (its index goes to
 * *bad_index if bad_index is not NULL) or memory runs out (*bad_index ==
 * n); out is left as it was on any failure. */
bool oa_bpe_decode(oa_bpe_enc enc, const uint32_t *ids, size_t n, buf *out, size_t *bad_index);

/* The byte offset in text where token number max_tokens ends: the prefix
 * text[0..offset) holds exactly the first max_tokens tokens of the text
 * (for max_tokens cuts). Text with max_tokens tokens or fewer gives len.
 *
 *     oa_bpe_cut(OA_BPE_CL100K, "hello world", 11, 1)   == 5   ("hello")
 *     oa_bpe_cut(OA_BPE_CL100K, "hello world", 11, 0)   == 0
 *     oa_bpe_cut(OA_BPE_CL100K, "hello world", 11, 9)   == 11
 *
 * A token may end inside a multi-byte character (a rare CJK character or
 * emoji spans two tokens): back up to a character start if the prefix must
 * be valid UTF-8. When the token ends inside the U+FFFD that replaced an
 * invalid run, the offset is that run's start. OA_BPE_ERROR on failure. */
size_t oa_bpe_cut(oa_bpe_enc enc, const char *text, size_t len, size_t max_tokens);

/* The Unicode version letters, digits and marks are classified by ("17.0"):
 * the Node version's that bpe_data/regen.mjs ran on. Ids equal js-tiktoken's
 * on a Node with the same Unicode version. */
const char *oa_bpe_unicode_version(void);

/* Frees every loaded vocabulary and compiled pattern, so that valgrind
 * reports all heap blocks freed. Call it at exit, after every thread has
 * stopped using oa_bpe; later calls fail (OA_BPE_ERROR / false) instead of
 * loading again. Without it, the tables stay still-reachable. */
void oa_bpe_free_all(void);

#endif
