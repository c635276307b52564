/* Reading ECMAScript regular expressions (the subset oa_regex_generate
 * and oa_regex_match share): characters, escapes, classes, the extent of
 * an atom or group, quantifiers. Patterns are walked as text; nothing is
 * compiled. */
#include <string.h>

#include "oa_schema_rx.h"

/* One UTF-8 sequence at p (at most to e): its code point and length. */
size_t rx_utf8_at(const char *p, const char *e, unsigned *cp)
{
    unsigned char c = (unsigned char)*p;
    size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if ((size_t)(e - p) < n)
        n = 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)p[i] & 0xc0) != 0x80) /* not UTF-8: one byte, as it comes */
            n = 1;
    unsigned v = n == 1 ? c : c & (0x3f >> (n - 1));
    for (size_t i = 1; i < n; i++)
        v = v << 6 | ((unsigned char)p[i] & 0x3f);
    *cp = v;
    return n;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* \xHH, \uHHHH or \u{H...} at p (after the backslash and letter); length read. */
static size_t hex_escape(const char *p, const char *e, size_t digits, unsigned *cp)
{
    size_t i = 0;
    unsigned v = 0;
    bool braced = digits == 4 && p < e && *p == '{';
    if (braced)
        p++, digits = 6;
    for (; i < digits && p + i < e && hexval(p[i]) >= 0; i++)
        v = v * 16 + (unsigned)hexval(p[i]);
    *cp = v;
    if (braced)
        return p + i < e && p[i] == '}' ? i + 2 : 0;
    return i == digits ? i : 0;
}

/* Length of the escape at p ("\\..."), 0 if it is cut short. */
size_t rx_escape_len(const char *p, const char *e)
{
    unsigned cp;
    if (p + 1 >= e)
        return 0;
    if (p[1] == 'x' || p[1] == 'u') {
        size_t n = hex_escape(p + 2, e, p[1] == 'x' ? 2 : 4, &cp);
        return n ? 2 + n : 2;
    }
    unsigned c;
    return 1 + rx_utf8_at(p + 1, e, &c);
}

/* Where the group or class opening at p ends (just past it), or NULL. */
static const char *close_of(const char *p, const char *e)
{
    int depth = 0;
    bool rx_in_class = false;
    for (const char *q = p; q < e; q++) {
        if (*q == '\\') {
            size_t n = rx_escape_len(q, e);
            if (!n)
                return NULL;
            q += n - 1;
        } else if (rx_in_class) {
            rx_in_class = *q != ']';
            if (!rx_in_class && *p == '[')
                return q + 1;
        } else if (*q == '[') {
            rx_in_class = true;
            if (q + 1 < e && q[1] == '^')
                q++;
        } else if (*q == '(') {
            depth++;
        } else if (*q == ')' && --depth == 0) {
            return q + 1;
        }
    }
    return NULL;
}

const char *rx_atom_end(const char *p, const char *e)
{
    if (*p == '(' || *p == '[')
        return close_of(p, e);
    if (*p == '\\') {
        size_t n = rx_escape_len(p, e);
        return n ? p + n : NULL;
    }
    unsigned cp;
    return p + rx_utf8_at(p, e, &cp);
}

static void add_range(bool *bad, rx_cls *c, unsigned lo, unsigned hi)
{
    if (c->n >= RX_MAX_RANGES || lo > hi) {
        *bad = true;
        return;
    }
    c->lo[c->n] = lo, c->hi[c->n] = hi, c->n++;
}

/* A class escape (\d, \w, \s and negations) as ranges; the negations as a
 * part of what they allow, which is enough to pick from but not to exclude. */
static bool class_shorthand(bool *bad, rx_cls *c, char l)
{
    switch (l) {
    case 'd': add_range(bad, c, '0', '9'); return true;
    case 'w': add_range(bad, c, 'a', 'z'); add_range(bad, c, 'A', 'Z'); add_range(bad, c, '0', '9'); add_range(bad, c, '_', '_'); return true;
    case 's': add_range(bad, c, ' ', ' '); add_range(bad, c, '\t', '\r'); return true;
    case 'D': case 'S': case 'W':
        if (c->neg)
            *bad = true;
        c->partial = true;
        add_range(bad, c, l == 'W' ? '-' : 'a', l == 'W' ? '-' : 'z');
        return true;
    default: return false;
    }
}

/* The literal code point of an escape (\n, \x41, \.), or false if it is
 * not one we know. */
bool rx_escape_cp(const char *p, const char *e, unsigned *cp, bool in_cls)
{
    char l = p[1];
    const char *simple = "n\nr\rt\tf\fv\v";
    for (const char *s = simple; *s; s += 2)
        if (l == s[0])
            return *cp = (unsigned char)s[1], true;
    if (l == 'x' || l == 'u')
        return hex_escape(p + 2, e, l == 'x' ? 2 : 4, cp) > 0;
    if (in_cls && l == 'b')
        return *cp = '\b', true;
    if ((l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z') || (l >= '0' && l <= '9'))
        return false;
    rx_utf8_at(p + 1, e, cp);
    return true;
}

/* One class member at p: a character, escape or shorthand; its end. */
static const char *class_item(bool *bad, rx_cls *c, const char *p, const char *e, unsigned *cp, bool *single)
{
    *single = true;
    if (*p != '\\')
        return p + rx_utf8_at(p, e, cp);
    if (class_shorthand(bad, c, p[1])) {
        *single = false;
        return p + 2;
    }
    if (!rx_escape_cp(p, e, cp, true))
        *bad = true;
    return p + rx_escape_len(p, e);
}

bool rx_class_parse(rx_cls *c, const char *p, const char *e)
{
    bool bad = false;
    c->n = 0;
    c->partial = false;
    c->neg = p < e && *p == '^';
    p += c->neg;
    while (p < e && !bad) {
        unsigned lo, hi;
        bool single;
        p = class_item(&bad, c, p, e, &lo, &single);
        if (single && p + 1 < e && *p == '-') {
            bool single2;
            p = class_item(&bad, c, p + 1, e, &hi, &single2);
            if (!single2)
                bad = true;
            add_range(&bad, c, lo, hi);
        } else if (single) {
            add_range(&bad, c, lo, lo);
        }
    }
    return !bad;
}

bool rx_in_class(const rx_cls *c, unsigned cp)
{
    for (int i = 0; i < c->n; i++)
        if (cp >= c->lo[i] && cp <= c->hi[i])
            return true;
    return false;
}

/* A rx_quantifier at p: sets lo / hi (hi < 0: open) and returns its end, or p. */
const char *rx_quantifier(const char *p, const char *e, long *lo, long *hi)
{
    *lo = *hi = 1;
    if (p >= e)
        return p;
    if (*p == '*' || *p == '+' || *p == '?') {
        *lo = *p == '+', *hi = *p == '?' ? 1 : -1;
        p++;
    } else if (*p == '{') {
        const char *q = p + 1;
        long a = 0, b;
        if (q >= e || *q < '0' || *q > '9')
            return p; /* a literal brace */
        while (q < e && *q >= '0' && *q <= '9')
            a = a * 10 + (*q++ - '0'), a = a > RX_MAX_REPEAT ? RX_MAX_REPEAT + 1 : a;
        b = a;
        if (q < e && *q == ',') {
            q++, b = -1;
            if (q < e && *q >= '0' && *q <= '9')
                for (b = 0; q < e && *q >= '0' && *q <= '9';)
                    b = b * 10 + (*q++ - '0'), b = b > RX_MAX_REPEAT ? RX_MAX_REPEAT + 1 : b;
        }
        if (q >= e || *q != '}')
            return p;
        *lo = a, *hi = b;
        p = q + 1;
    } else {
        return p;
    }
    if (p < e && *p == '?') /* lazy: same language */
        p++;
    return p;
}

