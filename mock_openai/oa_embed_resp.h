/* oa_embed_resp: the embeddings response, written straight into one buffer.
 *
 * The hot path: each vector is computed into a reused scratch array, then
 * each float is printed by fmt_f32 (or the array base64-encoded) directly at
 * the buffer's tail, with room reserved up front; no cJSON tree, no printf
 * per float.
 *
 *     oa_embed_write(srv_resp_body(r), &q)  // false only when out of memory
 */
#ifndef OA_EMBED_RESP_H
#define OA_EMBED_RESP_H

#include "buf.h"
#include "oa_embed_req.h"

bool oa_embed_write(buf *b, const oa_embed_req *q);

#endif
