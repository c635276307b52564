/* A vocabulary as the merge loop needs it: token bytes by rank, and ranks
 * by bytes through an open-addressing table keyed with XXH3. The data is the
 * embedded .bpez blob: u32 raw size, then zlib of the layout regen.mjs
 * writes. Everything is checked: a malformed blob is an error, not a crash. */
#include <stdlib.h>
#include <zlib.h>

#include "oa_bpe_internal.h"

static const char magic[8] = "OABPE1\n\0";
#define HEADER 12 /* magic + u32 count */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint8_t *inflate_blob(const uint8_t *blob, size_t blob_len, size_t *raw_len)
{
    if (blob_len < 4)
        return NULL;
    uLongf n = le32(blob);
    if (n < HEADER)
        return NULL;
    uint8_t *raw = malloc(n);
    if (!raw)
        return NULL;
    uLongf got = n;
    if (uncompress(raw, &got, blob + 4, (uLong)(blob_len - 4)) != Z_OK || got != n) {
        free(raw);
        return NULL;
    }
    *raw_len = n;
    return raw;
}

/* off[] from the length table; false when the lengths do not add up. */
static bool index_offsets(oa_bpe_vocab *v, const uint8_t *lens, size_t data_len)
{
    v->off = malloc(((size_t)v->count + 1) * sizeof *v->off);
    if (!v->off)
        return false;
    size_t at = 0;
    for (uint32_t r = 0; r < v->count; r++) {
        v->off[r] = (uint32_t)at;
        if (lens[r] == 0)
            return false;
        at += lens[r];
        if (lens[r] > v->max_len)
            v->max_len = lens[r];
    }
    v->off[v->count] = (uint32_t)at;
    return at == data_len;
}

/* The rank table, at most half full so that probes stay short. */
static bool index_ranks(oa_bpe_vocab *v)
{
    size_t size = 1024;
    while (size < (size_t)v->count * 2)
        size *= 2;
    v->slots = calloc(size, sizeof *v->slots);
    if (!v->slots)
        return false;
    v->mask = size - 1;
    for (uint32_t r = 0; r < v->count; r++) {
        const uint8_t *p = v->bytes + v->off[r];
        size_t n = v->off[r + 1] - v->off[r];
        uint64_t h = XXH3_64bits(p, n);
        uint64_t i = h & v->mask;
        while (v->slots[i] != 0)
            i = (i + 1) & v->mask;
        v->slots[i] = (h >> 32) << 32 | ((uint64_t)r + 1);
    }
    return true;
}

/* Every byte must be a token, or a piece could not be split at all. */
static bool index_bytes(oa_bpe_vocab *v)
{
    for (int b = 0; b < 256; b++)
        v->byte_rank[b] = OA_BPE_NO_RANK;
    for (uint32_t r = 0; r < v->count; r++)
        if (v->off[r + 1] - v->off[r] == 1)
            v->byte_rank[v->bytes[v->off[r]]] = r;
    for (int b = 0; b < 256; b++)
        if (v->byte_rank[b] == OA_BPE_NO_RANK)
            return false;
    return true;
}

bool oa_bpe_vocab_load(oa_bpe_vocab *v, const uint8_t *blob, size_t blob_len)
{
    memset(v, 0, sizeof *v);
    size_t raw_len;
    v->raw = inflate_blob(blob, blob_len, &raw_len);
    if (!v->raw)
        return false;
    v->count = le32(v->raw + 8);
    bool ok = memcmp(v->raw, magic, sizeof magic) == 0 && v->count > 0 &&
              v->count < UINT32_MAX / 2 && (size_t)v->count <= raw_len - HEADER;
    if (ok) {
        v->bytes = v->raw + HEADER + v->count;
        ok = index_offsets(v, v->raw + HEADER, raw_len - HEADER - v->count) &&
             index_bytes(v) && index_ranks(v);
    }
    if (!ok)
        oa_bpe_vocab_free(v);
    return ok;
}

void oa_bpe_vocab_free(oa_bpe_vocab *v)
{
    free(v->raw);
    free(v->off);
    free(v->slots);
    memset(v, 0, sizeof *v);
}
