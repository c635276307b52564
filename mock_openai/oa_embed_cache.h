/* oa_embed_cache: the encoded embeddings of recent inputs, so a client that
 * embeds the same text again (a test suite re-run, a RAG app's repeated
 * queries) gets the bytes without the vector being recomputed and printed.
 *
 * The value is the "embedding" field's JSON text exactly as oa_embed_resp
 * writes it ("[0.1,...]" or "\"base64\""), keyed by everything that decides
 * those bytes: model, dims, encoding and the input (text or token ids).
 * Vectors are deterministic, so a hit is byte-identical to a recomputation.
 *
 * Bounded: a fixed number of slots, one entry each (a new key evicts the
 * slot's old one); inputs over OA_EMBED_CACHE_MAX_KEY bytes are not cached.
 * Thread-safe: a mutex guards the slots only while a pointer is taken or
 * swapped, and is only ever tried, never waited for (busy = a miss, or
 * nothing stored); entries are immutable and reference-counted, so copying
 * one out happens outside the lock.
 *
 *     oa_embed_cache *c = oa_embed_cache_new(128);   // NULL: out of memory
 *     oa_embed_key k = {model, dims, base64, false, text, len};
 *     if (!oa_embed_cache_get(c, &k, &b, &oom)) { ...write...; oa_embed_cache_put(c, &k, enc, n); }
 *     oa_embed_cache_free(c);
 */
#ifndef OA_EMBED_CACHE_H
#define OA_EMBED_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define OA_EMBED_CACHE_MAX_KEY 4096
/* --embed-cache's default: at most 128 x ~77 KB (3072 floats as text) plus
 * 4 KB keys, ~10 MB; 128 x ~21 KB, ~2.7 MB, for text-embedding-3-small. */
#define OA_EMBED_CACHE_DEFAULT 128

typedef struct oa_embed_cache oa_embed_cache;

typedef struct oa_embed_key {
    const void *model; /* identity only: the server's model entry */
    size_t dims;
    bool base64;
    bool tokens;       /* bytes are int64 token ids, not text */
    const void *bytes;
    size_t len;
} oa_embed_key;

/* A cache of `slots` entries (rounded up to a power of two); NULL when out
 * of memory. oa_embed_cache_free(NULL) does nothing. */
oa_embed_cache *oa_embed_cache_new(size_t slots);
void oa_embed_cache_free(oa_embed_cache *c);

/* Append the cached encoding for k to b and return true; false when it is
 * not cached, or (then *oom is set) when b could not grow. */
bool oa_embed_cache_get(oa_embed_cache *c, const oa_embed_key *k, buf *b, bool *oom);

/* The cached encoding for k by reference: its bytes and length, valid
 * until oa_embed_cache_unref(*ref) (eviction cannot free them before);
 * NULL when it is not cached. For answers that share the bytes rather than
 * copy them (srv_resp_share). */
const char *oa_embed_cache_ref(oa_embed_cache *c, const oa_embed_key *k, size_t *len, void **ref);
void oa_embed_cache_unref(void *ref);

/* Remember enc[0..n) for k. Best effort: silently skipped when the key is
 * too long or memory is short. */
void oa_embed_cache_put(oa_embed_cache *c, const oa_embed_key *k, const char *enc, size_t n);

/* Entries now held, for tests. */
size_t oa_embed_cache_count(oa_embed_cache *c);

#endif
