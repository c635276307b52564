/* oa_embed_resp: the embeddings response, written straight into one buffer.
 *
 * The hot path: each vector is computed into a reused scratch array, then
 * each float is printed by fmt_f32 (or the array base64-encoded) directly at
 * the buffer's tail, with room reserved up front; no cJSON tree, no printf
 * per float. With a cache (may be NULL), an input seen recently is taken
 * from it instead: shared into share's answer by reference when share is
 * given (b is then srv_resp_body(share)), so an answer waiting for a slow
 * reader costs its few bytes of framing and not a copy of the vector; copied
 * into b otherwise. Only requests of at most OA_EMBED_CACHE_MAX_BATCH inputs
 * add to it, so a large batch (a corpus being indexed, rarely repeated)
 * neither pays for the copies nor flushes what smaller requests cached.
 *
 *     oa_embed_write(srv_resp_body(r), &q, cache, r)  // false only when out of memory
 */
#ifndef OA_EMBED_RESP_H
#define OA_EMBED_RESP_H

#include "buf.h"
#include "server.h"
#include "oa_embed_cache.h"
#include "oa_embed_req.h"

#define OA_EMBED_CACHE_MAX_BATCH 8

bool oa_embed_write(buf *b, const oa_embed_req *q, oa_embed_cache *cache, srv_req *share);

#endif
