/* Invalid UTF-8 read as U+FFFD, one per maximal invalid subsequence (the
 * Unicode "maximal subpart" practice the WHATWG decoder follows), so that
 * the text we tokenize is the string Node would have made of the bytes. */
#include <stdlib.h>

#include "oa_bpe_internal.h"

static const uint8_t replacement[3] = {0xef, 0xbf, 0xbd};

/* Bytes in the unit at s[0..n) (n >= 1): a whole valid character, or the
 * maximal invalid subpart (*valid false), which is at least one byte. */
static size_t unit(const uint8_t *s, size_t n, bool *valid)
{
    uint8_t c = s[0];
    *valid = true;
    if (c < 0x80)
        return 1;
    size_t need;
    uint8_t lo = 0x80, hi = 0xbf; /* range of the second byte */
    if (c >= 0xc2 && c <= 0xdf) {
        need = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 3;
        if (c == 0xe0)
            lo = 0xa0; /* no overlong forms */
        else if (c == 0xed)
            hi = 0x9f; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f; /* nothing past U+10FFFF */
    } else {
        *valid = false;
        return 1;
    }
    size_t i = 1;
    for (; i < need && i < n; i++) {
        uint8_t b = s[i];
        if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xbf))
            break;
    }
    *valid = i == need;
    return i;
}

size_t oa_bpe_utf8_valid_prefix(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* ASCII runs are most text: skip them without the decoder. */
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        bool valid;
        size_t k = unit(s + i, n - i, &valid);
        if (!valid)
            return i;
        i += k;
    }
    return n;
}

uint8_t *oa_bpe_utf8_replace(const uint8_t *s, size_t n, size_t *out_len)
{
    /* An invalid unit is >= 1 byte and becomes 3: at most 3n bytes. */
    if (n > (SIZE_MAX - 1) / 3)
        return NULL;
    uint8_t *out = malloc(3 * n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        bool valid;
        size_t k = unit(s + i, n - i, &valid);
        if (valid) {
            memcpy(out + o, s + i, k);
            o += k;
        } else {
            memcpy(out + o, replacement, sizeof replacement);
            o += sizeof replacement;
        }
        i += k;
    }
    *out_len = o;
    return out;
}

size_t oa_bpe_utf8_source_offset(const uint8_t *s, size_t n, size_t clean)
{
    size_t i = 0, c = 0;
    while (i < n && c < clean) {
        bool valid;
        size_t k = unit(s + i, n - i, &valid);
        size_t width = valid ? k : sizeof replacement;
        if (clean < c + width) /* inside this unit */
            return valid ? i + (clean - c) : i;
        i += k;
        c += width;
    }
    return i;
}
