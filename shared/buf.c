#include "buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grow geometrically so n appends cost O(n) in total. */
char *buf_reserve(buf *b, size_t n)
{
    if (b->cap - b->len >= n && b->data)
        return b->data + b->len;
    if (n > SIZE_MAX / 2 - b->len)
        return NULL;
    size_t want = b->len + n;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < want)
        cap *= 2;
    char *p = realloc(b->data, cap + 1);
    if (!p)
        return NULL;
    b->data = p;
    b->cap = cap;
    b->data[b->len] = '\0';
    return b->data + b->len;
}

void buf_advance(buf *b, size_t n)
{
    b->len += n;
    b->data[b->len] = '\0';
}

bool buf_append(buf *b, const void *p, size_t n)
{
    char *dst = buf_reserve(b, n);
    if (!dst)
        return false;
    if (n)
        memcpy(dst, p, n);
    buf_advance(b, n);
    return true;
}

bool buf_puts(buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

bool buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return false;
    char *dst = buf_reserve(b, (size_t)n);
    if (!dst)
        return false;
    va_start(ap, fmt);
    vsnprintf(dst, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf_advance(b, (size_t)n);
    return true;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is invalid. */
static size_t utf8_seq_len(const char *s, size_t avail)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t k;
    unsigned min;
    if (u[0] >= 0xc2 && u[0] <= 0xdf) {
        k = 2;
        min = 0x80;
    } else if (u[0] >= 0xe0 && u[0] <= 0xef) {
        k = 3;
        min = 0x800;
    } else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
        k = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (avail < k)
        return 0;
    unsigned cp = u[0] & (0x7f >> k);
    for (size_t j = 1; j < k; j++) {
        if ((u[j] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (u[j] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return k;
}

#define BYTES8(x) (0x0101010101010101ULL * (x))

/* Are all 8 bytes of v printable ASCII other than '"' and '\\' (JSON's
 * "copy as is")? The classic has-less/has-zero byte tricks: they may call
 * a plain word unplain (the byte path then decides), never the reverse. */
static bool plain8(uint64_t v)
{
    uint64_t ctl = (v - BYTES8(0x20)) & ~v & BYTES8(0x80);
    uint64_t q = v ^ BYTES8('"'), bs = v ^ BYTES8('\\');
    q = (q - BYTES8(1)) & ~q & BYTES8(0x80);
    bs = (bs - BYTES8(1)) & ~bs & BYTES8(0x80);
    return !(ctl | q | bs | (v & BYTES8(0x80)));
}

bool buf_put_u64(buf *b, unsigned long long v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[sizeof tmp - ++n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return buf_append(b, tmp + sizeof tmp - n, n);
}

/* Escape s[*i..end) into p (room for 6 bytes per input byte, plus 3: a
 * UTF-8 sequence may run past end); advances *i, returns the new p. */
static char *json_escape_run(char *p, const char *s, size_t n, size_t *i, size_t end)
{
    static const char hex[] = "0123456789abcdef";
    size_t k;
    for (; *i < end; (*i)++) {
        unsigned char c = (unsigned char)s[*i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            /* Most text is a long run of such bytes: copy it in one go. */
            size_t j = *i + 1;
            uint64_t w;
            while (j + 8 <= end && (memcpy(&w, s + j, 8), plain8(w)))
                j += 8;
            while (j < end && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x80 && s[j] != '"' && s[j] != '\\')
                j++;
            memcpy(p, s + *i, j - *i);
            p += j - *i;
            *i = j - 1;
        } else if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char)c;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            *p++ = '\\';
            *p++ = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        } else if (c < 0x20) {
            memcpy(p, "\\u00", 4);
            p[4] = hex[c >> 4];
            p[5] = hex[c & 15];
            p += 6;
        } else if ((k = utf8_seq_len(s + *i, n - *i)) == 0) {
            memcpy(p, "\\ufffd", 6); /* invalid byte: U+FFFD keeps the JSON valid */
            p += 6;
        } else {
            memcpy(p, s + *i, k);
            p += k;
            *i += k - 1;
        }
    }
    return p;
}

bool buf_json_str(buf *b, const char *s, size_t n)
{
    /* Room is asked for a block at a time: the worst case (every byte a
     * \u00XX) reserved for the whole string at once made a 450 KB result
     * grow its buffer to 2.7 MB, copying and touching all of it. */
    enum { BLOCK = 4096 };
    if (!buf_append(b, "\"", 1))
        return false;
    for (size_t i = 0; i < n;) {
        size_t end = n - i < BLOCK ? n : i + BLOCK;
        char *p = buf_reserve(b, (end - i) * 6 + 3);
        if (!p)
            return false;
        buf_advance(b, (size_t)(json_escape_run(p, s, n, &i, end) - p));
    }
    return buf_append(b, "\"", 1);
}

void buf_clear(buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *buf_release(buf *b)
{
    char *p = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void buf_free(buf *b)
{
    free(buf_release(b));
}
