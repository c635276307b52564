#include "base64.h"

#include <stdint.h>
#include <string.h>

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void encode3(char *o, const unsigned char *s)
{
    uint32_t v = (uint32_t)s[0] << 16 | (uint32_t)s[1] << 8 | s[2];
    o[0] = alphabet[v >> 18];
    o[1] = alphabet[(v >> 12) & 63];
    o[2] = alphabet[(v >> 6) & 63];
    o[3] = alphabet[v & 63];
}

size_t base64_encode(char *dst, const void *src, size_t n)
{
    const unsigned char *s = src;
    char *o = dst;
    size_t i = 0;
    for (; i + 3 <= n; i += 3, o += 4)
        encode3(o, s + i);
    if (i < n) {
        unsigned char tail[3] = {0, 0, 0};
        memcpy(tail, s + i, n - i);
        encode3(o, tail);
        if (n - i == 1)
            o[2] = '=';
        o[3] = '=';
        o += 4;
    }
    return (size_t)(o - dst);
}

static void f32le(unsigned char *out, float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    out[0] = (unsigned char)u;
    out[1] = (unsigned char)(u >> 8);
    out[2] = (unsigned char)(u >> 16);
    out[3] = (unsigned char)(u >> 24);
}

/* Three floats are 12 bytes: exactly 16 base64 characters, no carry between
 * groups, so the vector is encoded in 12-byte blocks straight from the array. */
size_t base64_encode_f32le(char *dst, const float *v, size_t count)
{
    unsigned char block[12];
    char *o = dst;
    size_t i = 0;
    for (; i + 3 <= count; i += 3) {
        f32le(block, v[i]);
        f32le(block + 4, v[i + 1]);
        f32le(block + 8, v[i + 2]);
        o += base64_encode(o, block, 12);
    }
    size_t rest = count - i; /* 0, 1 or 2 floats left */
    if (rest > 0)
        f32le(block, v[i]);
    if (rest > 1)
        f32le(block + 4, v[i + 1]);
    o += base64_encode(o, block, rest * 4);
    return (size_t)(o - dst);
}

static int sextet(char c)
{
    const char *at = c ? strchr(alphabet, c) : NULL;
    return at ? (int)(at - alphabet) : -1;
}

long base64_decode_f32le(const char *src, size_t len, float *dst, size_t cap)
{
    size_t pad = len >= 2 && src[len - 1] == '=' ? (src[len - 2] == '=' ? 2 : 1) : 0;
    if (len % 4 || (len / 4 * 3 - pad) % 4 || (len / 4 * 3 - pad) / 4 > cap)
        return -1;
    unsigned char b[4];
    size_t have = 0, out = 0;
    uint32_t acc = 0;
    int nbits = 0;
    for (size_t i = 0; i < len - pad; i++) {
        int v = sextet(src[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        nbits += 6;
        if (nbits < 8)
            continue;
        nbits -= 8;
        b[have++] = (unsigned char)(acc >> nbits);
        acc &= (1u << nbits) - 1;
        if (have == 4) { /* little-endian whatever the host */
            uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
            memcpy(&dst[out++], &u, sizeof u);
            have = 0;
        }
    }
    return (long)out;
}
