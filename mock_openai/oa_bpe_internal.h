/* Internals of oa_bpe shared by its files; not for use outside oa_bpe*.c
 * (and its unit test). Each file has one job:
 *   oa_bpe_utf8.c    invalid UTF-8 to U+FFFD, offsets back to the input
 *   oa_bpe_vocab.c   the embedded vocabulary: inflate, index by bytes
 *   oa_bpe_pretok.c  the pre-tokenizer: tiktoken's pattern on PCRE2
 *   oa_bpe_merge.c   byte-pair merges of one piece
 *   oa_bpe_enc.c     the two encodings' data, loaded once, freed at exit
 *   oa_bpe.c         the public API: walks pieces, emits tokens */
#ifndef OA_BPE_INTERNAL_H
#define OA_BPE_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <xxhash.h>

#include "oa_bpe.h"

/* ---- oa_bpe_utf8.c ---- */

/* Length of the longest valid UTF-8 prefix of s[0..n) (n when all valid). */
size_t oa_bpe_utf8_valid_prefix(const uint8_t *s, size_t n);

/* A malloc'd copy of s[0..n) where each maximal invalid subsequence is
 * U+FFFD (EF BF BD); its length in *out_len. NULL when out of memory. */
uint8_t *oa_bpe_utf8_replace(const uint8_t *s, size_t n, size_t *out_len);

/* The offset in s that offset `clean` of oa_bpe_utf8_replace(s)'s output
 * stands for. Inside a U+FFFD, the start of the invalid run it replaced. */
size_t oa_bpe_utf8_source_offset(const uint8_t *s, size_t n, size_t clean);

/* ---- oa_bpe_vocab.c ---- */

#define OA_BPE_NO_RANK UINT32_MAX

typedef struct oa_bpe_vocab {
    uint8_t *raw;          /* the inflated file; tokens' bytes point into it */
    const uint8_t *bytes;  /* token r is bytes[off[r] .. off[r+1]) */
    uint32_t *off;         /* count + 1 entries */
    uint64_t *slots;       /* open addressing: hash tag << 32 | (rank + 1); 0 = empty */
    uint64_t mask;         /* slots has mask + 1 entries, a power of two */
    uint32_t count;        /* ranks 0 .. count-1 */
    uint32_t max_len;      /* longest token, in bytes */
    uint32_t byte_rank[256];
} oa_bpe_vocab;

/* Loads a vocabulary from an embedded .bpez blob (format: bpe_data/regen.mjs).
 * False when the blob is malformed or memory runs out; *v is then empty. */
bool oa_bpe_vocab_load(oa_bpe_vocab *v, const uint8_t *blob, size_t blob_len);
void oa_bpe_vocab_free(oa_bpe_vocab *v);

/* Rank of the token whose bytes are p[0..n), or OA_BPE_NO_RANK. Inline: the
 * merge loop calls it for every adjacent pair. */
static inline uint32_t oa_bpe_vocab_rank(const oa_bpe_vocab *v, const uint8_t *p, size_t n)
{
    if (n == 1)
        return v->byte_rank[p[0]];
    if (n == 0 || n > v->max_len)
        return OA_BPE_NO_RANK;
    uint64_t h = XXH3_64bits(p, n);
    uint32_t tag = (uint32_t)(h >> 32);
    for (uint64_t i = h & v->mask;; i = (i + 1) & v->mask) {
        uint64_t s = v->slots[i];
        if (s == 0)
            return OA_BPE_NO_RANK;
        if ((uint32_t)(s >> 32) != tag)
            continue;
        uint32_t r = (uint32_t)s - 1;
        if (v->off[r + 1] - v->off[r] == n && memcmp(v->bytes + v->off[r], p, n) == 0)
            return r;
    }
}

/* ---- oa_bpe_pretok.c ---- */

/* Compiles a js-tiktoken pat_str for PCRE2 (with JIT when available),
 * with \s and \S meaning what they mean in JavaScript. NULL on failure. */
pcre2_code *oa_bpe_pretok_compile(const char *js_pattern);

/* Walks the pieces of valid UTF-8 text as JavaScript's matchAll does. */
typedef struct oa_bpe_pieces {
    const pcre2_code *re;
    pcre2_match_data *md;
    pcre2_match_context *mctx; /* only once a match outgrew the JIT stack */
    pcre2_jit_stack *jstack;
    bool jit;                  /* re was JIT-compiled: call the JIT directly */
    const uint8_t *text;
    size_t len, pos;
} oa_bpe_pieces;

bool oa_bpe_pieces_init(oa_bpe_pieces *it, const pcre2_code *re, const uint8_t *text, size_t len);
/* 1: the next piece is text[*start .. *end); 0: no more; -1: PCRE2 failed. */
int oa_bpe_pieces_next(oa_bpe_pieces *it, size_t *start, size_t *end);
void oa_bpe_pieces_fini(oa_bpe_pieces *it);

/* ---- oa_bpe_merge.c ---- */

/* Splits the piece p[0..n) (n >= 1) into tokens the way tiktoken does:
 * repeatedly merge the adjacent pair whose bytes have the lowest rank, the
 * leftmost on ties. Writes each token's start offset into starts (room for
 * n entries) and returns the number of tokens; SIZE_MAX when out of memory. */
size_t oa_bpe_merge(const oa_bpe_vocab *v, const uint8_t *p, size_t n, size_t *starts);

/* ---- oa_bpe_enc.c ---- */

typedef struct oa_bpe_special {
    const char *text;
    uint32_t id;
} oa_bpe_special;

typedef struct oa_bpe_encoding {
    oa_bpe_vocab vocab;
    pcre2_code *re;
    const oa_bpe_special *specials;
    size_t n_specials;
} oa_bpe_encoding;

/* The loaded encoding, loading it on first use; NULL when enc is unknown,
 * loading failed, or oa_bpe_free_all() ran. */
const oa_bpe_encoding *oa_bpe_encoding_get(oa_bpe_enc enc);

#endif
