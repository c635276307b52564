#include "oa_tokens.h"

#include <stdbool.h>

static bool is_lower(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

static bool is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* Letters: ASCII letters and any byte of a multi-byte UTF-8 sequence. */
static bool is_letter(unsigned char c)
{
    return is_lower(c) || is_upper(c) || c >= 0x80;
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Cost of one letter run: lower-case or capitalised words are mostly whole
 * vocabulary entries up to ~8 letters; capitals split every ~3 letters;
 * each non-ASCII code point is about one token. */
static size_t word_cost(const unsigned char *p, size_t n)
{
    size_t lower = 0, upper = 0, other = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_lower(p[i]))
            lower++;
        else if (is_upper(p[i]))
            upper++;
        else if (p[i] >= 0xc0) /* a UTF-8 lead byte: one code point */
            other++;
    }
    size_t cost = other;
    if (upper > 1 && upper * 2 > n) /* shouting: "ALDERWICK" */
        return cost + (upper + lower + 2) / 3;
    size_t ascii = upper + lower;
    if (ascii > 0)
        cost += ascii <= 8 ? 1 : 1 + (ascii - 5) / 5;
    return cost ? cost : 1;
}

/* Symbols (punctuation, with an optional leading space and trailing
 * newlines): common pairs such as ".\n" or ")," merge, so about one token
 * per two symbols. */
static size_t symbol_cost(size_t n)
{
    return (n + 1) / 2;
}

size_t oa_tokens_estimate(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, tokens = 0;
    while (i < len) {
        size_t start = i;
        if (s[i] == ' ' && i + 1 < len && !is_space(s[i + 1]))
            i++; /* one leading space joins the piece that follows */
        if (i < len && is_letter(s[i])) {
            while (i < len && is_letter(s[i]))
                i++;
            tokens += word_cost(s + start, i - start);
        } else if (i < len && is_digit(s[i])) {
            size_t d = 0;
            while (i < len && is_digit(s[i]))
                i++, d++;
            tokens += (d + 2) / 3 + (i - start > d); /* a leading space is its own token */
        } else if (i < len && !is_space(s[i])) {
            size_t n = 0;
            while (i < len && !is_space(s[i]) && !is_letter(s[i]) && !is_digit(s[i]))
                i++, n++;
            while (i < len && (s[i] == '\n' || s[i] == '\r'))
                i++;
            tokens += symbol_cost(n);
        } else {
            while (i < len && is_space(s[i]) && !(s[i] == ' ' && i + 1 < len && !is_space(s[i + 1]) && i > start))
                i++;
            if (i == start)
                i++;
            tokens += 1;
        }
    }
    return tokens;
}
