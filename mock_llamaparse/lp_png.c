#include "lp_png.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* One chunk: length, type, data, CRC of type and data. */
static bool chunk(buf *out, const char type[4], const unsigned char *data, size_t len)
{
    unsigned char head[8], tail[4];
    be32(head, (uint32_t)len);
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0L, (const Bytef *)type, 4);
    crc = crc32(crc, data ? data : (const Bytef *)"", (uInt)len);
    be32(tail, (uint32_t)crc);
    return buf_append(out, (const char *)head, 8) && (!len || buf_append(out, (const char *)data, len)) &&
           buf_append(out, (const char *)tail, 4);
}

/* splitmix64: the picture's randomness, from the seed alone. */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Raw scanlines (filter byte 0, then RGB): lines of text as grey bars of
 * seeded lengths, a margin around them. */
static unsigned char *draw(unsigned w, unsigned h, uint64_t seed, size_t *len)
{
    size_t row = 1 + (size_t)w * 3;
    unsigned char *px = malloc(row * h);
    if (!px)
        return NULL;
    memset(px, 0xf8, row * h);
    unsigned margin = w / 12 + 1, line = h / 40 + 2;
    uint64_t s = seed;
    for (unsigned y = 0; y < h; y++) {
        if (w <= 2 * margin) { /* too narrow for text: a blank picture */
            px[y * row] = 0;
            continue;
        }
        px[y * row] = 0;
        unsigned band = y / line;
        if (y < margin || y + margin >= h || y % line >= line * 2 / 3)
            continue;
        uint64_t r = s ^ (band * 0x9e3779b97f4a7c15ULL);
        unsigned span = w - 2 * margin;
        unsigned end = margin + (unsigned)(next(&r) % (span + 1) * 3 / 4) + span / 4;
        for (unsigned x = margin; x < end && x < w - margin; x++)
            memset(&px[y * row + 1 + (size_t)x * 3], 0x40 + (int)(band % 4) * 0x10, 3);
    }
    *len = row * h;
    return px;
}

bool lp_png_page(buf *out, unsigned w, unsigned h, uint64_t seed)
{
    if (w < 1 || h < 1 || w > 2048 || h > 2048)
        return false;
    size_t raw_len = 0;
    unsigned char *raw = draw(w, h, seed, &raw_len);
    uLongf z_len = compressBound((uLong)raw_len);
    unsigned char *z = raw ? malloc(z_len) : NULL;
    bool ok = z && compress2(z, &z_len, raw, (uLong)raw_len, 9) == Z_OK;
    unsigned char ihdr[13];
    be32(ihdr, w);
    be32(ihdr + 4, h);
    memcpy(ihdr + 8, "\x08\x02\x00\x00\x00", 5); /* 8-bit RGB, deflate, no filter set, no interlace */
    ok = ok && buf_append(out, "\x89PNG\r\n\x1a\n", 8) && chunk(out, "IHDR", ihdr, sizeof ihdr) &&
         chunk(out, "IDAT", z, z_len) && chunk(out, "IEND", NULL, 0);
    free(raw);
    free(z);
    return ok;
}
