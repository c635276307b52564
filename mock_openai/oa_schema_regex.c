/* A string matching a regular expression, for "pattern": the common
 * ECMAScript subset (literals, ., classes with ranges and negation, \d \w \s
 * and their negations, escapes, groups, alternation, ? * + {n} {n,} {n,m},
 * anchors). The pattern is walked as text: an alternation picks one branch,
 * a quantified atom is generated again for each repetition. Lookarounds
 * and \b are skipped (they add no characters); backreferences, \p{...} and
 * unbalanced syntax make the pattern unsupported, and the caller falls
 * back to plain words. Class choices prefer letters and digits, which keeps
 * clear of the usual "no leading dot / no double dot" guards. */
#include <string.h>

#include "oa_schema.h"
#include "oa_schema_int.h"
#include "rng.h"

#define RX_MAX_DEPTH 64
#define RX_MAX_REPEAT 2000
#define RX_MAX_OUT 65536
#define RX_MAX_RANGES 128
#define RX_EXTRA 2 /* how many repetitions past the minimum an open quantifier adds at most */
#define RX_LONG_EXTRA 8 /* the same when a longer string is wanted */

typedef struct rx {
    uint64_t *s;
    buf *out;
    int depth;
    int bias; /* < 0: fewest repetitions; > 0: many (to reach a minLength) */
    bool bad;
} rx;

typedef struct cls {
    unsigned lo[RX_MAX_RANGES], hi[RX_MAX_RANGES];
    int n;
    bool neg;
} cls;

static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

static uint64_t pick(rx *r, uint64_t n)
{
    return n ? rng_next(r->s) % n : 0;
}

static void put_cp(rx *r, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80)
        u[0] = (char)cp, n = 1;
    else if (cp < 0x800)
        u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
    else if (cp < 0x10000)
        u[0] = (char)(0xe0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
    else
        u[0] = (char)(0xf0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3f)), u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)),
        u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
    if (!buf_append(r->out, u, n) || r->out->len > RX_MAX_OUT)
        r->bad = true;
}

/* One UTF-8 sequence at p (at most to e): its code point and length. */
static size_t utf8_at(const char *p, const char *e, unsigned *cp)
{
    unsigned char c = (unsigned char)*p;
    size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if ((size_t)(e - p) < n)
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
static size_t escape_len(const char *p, const char *e)
{
    unsigned cp;
    if (p + 1 >= e)
        return 0;
    if (p[1] == 'x' || p[1] == 'u') {
        size_t n = hex_escape(p + 2, e, p[1] == 'x' ? 2 : 4, &cp);
        return n ? 2 + n : 2;
    }
    unsigned c;
    return 1 + utf8_at(p + 1, e, &c);
}

/* Where the group or class opening at p ends (just past it), or NULL. */
static const char *close_of(const char *p, const char *e)
{
    int depth = 0;
    bool in_class = false;
    for (const char *q = p; q < e; q++) {
        if (*q == '\\') {
            size_t n = escape_len(q, e);
            if (!n)
                return NULL;
            q += n - 1;
        } else if (in_class) {
            in_class = *q != ']';
            if (!in_class && *p == '[')
                return q + 1;
        } else if (*q == '[') {
            in_class = true;
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

static const char *atom_end(const char *p, const char *e)
{
    if (*p == '(' || *p == '[')
        return close_of(p, e);
    if (*p == '\\') {
        size_t n = escape_len(p, e);
        return n ? p + n : NULL;
    }
    unsigned cp;
    return p + utf8_at(p, e, &cp);
}

static void alternation(rx *r, const char *p, const char *e);

static void add_range(rx *r, cls *c, unsigned lo, unsigned hi)
{
    if (c->n >= RX_MAX_RANGES || lo > hi) {
        r->bad = true;
        return;
    }
    c->lo[c->n] = lo, c->hi[c->n] = hi, c->n++;
}

/* A class escape (\d, \w, \s and negations) as ranges; the negations as a
 * part of what they allow, which is enough to pick from but not to exclude. */
static bool class_shorthand(rx *r, cls *c, char l)
{
    switch (l) {
    case 'd': add_range(r, c, '0', '9'); return true;
    case 'w': add_range(r, c, 'a', 'z'); add_range(r, c, 'A', 'Z'); add_range(r, c, '0', '9'); add_range(r, c, '_', '_'); return true;
    case 's': add_range(r, c, ' ', ' '); add_range(r, c, '\t', '\r'); return true;
    case 'D': case 'S': case 'W':
        if (c->neg)
            r->bad = true;
        add_range(r, c, l == 'W' ? '-' : 'a', l == 'W' ? '-' : 'z');
        return true;
    default: return false;
    }
}

/* The literal code point of an escape (\n, \x41, \.), or false if it is
 * not one we know. */
static bool escape_cp(const char *p, const char *e, unsigned *cp, bool in_class)
{
    char l = p[1];
    const char *simple = "n\nr\rt\tf\fv\v";
    for (const char *s = simple; *s; s += 2)
        if (l == s[0])
            return *cp = (unsigned char)s[1], true;
    if (l == 'x' || l == 'u')
        return hex_escape(p + 2, e, l == 'x' ? 2 : 4, cp) > 0;
    if (in_class && l == 'b')
        return *cp = '\b', true;
    if ((l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z') || (l >= '0' && l <= '9'))
        return false;
    utf8_at(p + 1, e, cp);
    return true;
}

/* One class member at p: a character, escape or shorthand; its end. */
static const char *class_item(rx *r, cls *c, const char *p, const char *e, unsigned *cp, bool *single)
{
    *single = true;
    if (*p != '\\')
        return p + utf8_at(p, e, cp);
    if (class_shorthand(r, c, p[1])) {
        *single = false;
        return p + 2;
    }
    if (!escape_cp(p, e, cp, true))
        r->bad = true;
    return p + escape_len(p, e);
}

static void class_parse(rx *r, cls *c, const char *p, const char *e)
{
    c->n = 0;
    c->neg = p < e && *p == '^';
    p += c->neg;
    while (p < e && !r->bad) {
        unsigned lo, hi;
        bool single;
        p = class_item(r, c, p, e, &lo, &single);
        if (single && p + 1 < e && *p == '-') {
            bool single2;
            p = class_item(r, c, p + 1, e, &hi, &single2);
            if (!single2)
                r->bad = true;
            add_range(r, c, lo, hi);
        } else if (single) {
            add_range(r, c, lo, lo);
        }
    }
}

static bool in_class(const cls *c, unsigned cp)
{
    for (int i = 0; i < c->n; i++)
        if (cp >= c->lo[i] && cp <= c->hi[i])
            return true;
    return false;
}

/* A member of the class, letters and digits first. */
static void class_pick(rx *r, const cls *c)
{
    char cand[128];
    size_t n = 0;
    for (const char *a = alnum; *a; a++)
        if (in_class(c, (unsigned char)*a) != c->neg)
            cand[n++] = *a;
    for (unsigned ch = 0x20; n == 0 && ch < 0x7f; ch++) /* no letter or digit: printable ASCII */
        if (in_class(c, ch) != c->neg)
            cand[n++] = (char)ch;
    if (n) {
        put_cp(r, (unsigned char)cand[pick(r, n)]);
        return;
    }
    if (c->neg) {
        r->bad = in_class(c, 0xe9);
        put_cp(r, 0xe9);
        return;
    }
    for (int i = 0; i < c->n; i++)
        if (c->hi[i] >= 0x80 || i == c->n - 1) {
            unsigned lo = c->lo[i] < 0x80 && c->hi[i] >= 0x80 ? 0x80 : c->lo[i], span = c->hi[i] - lo + 1;
            put_cp(r, lo + (unsigned)pick(r, span < 64 ? span : 64));
            return;
        }
    r->bad = true; /* an empty class matches nothing */
}

static void escape_atom(rx *r, const char *p, const char *e)
{
    static const char word[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned cp;
    switch (p[1]) {
    case 'd': put_cp(r, '0' + (unsigned)pick(r, 10)); return;
    case 'w': put_cp(r, (unsigned char)word[pick(r, sizeof word - 1)]); return;
    case 's': put_cp(r, ' '); return;
    case 'D': case 'S': put_cp(r, 'a' + (unsigned)pick(r, 26)); return;
    case 'W': put_cp(r, '-'); return;
    case 'b': case 'B': return; /* a boundary adds nothing */
    default:
        if (escape_cp(p, e, &cp, false))
            put_cp(r, cp);
        else
            r->bad = true;
    }
}

static void group(rx *r, const char *p, const char *e)
{
    const char *in = p + 1, *end = e - 1;
    if (in < end && *in == '?') {
        if (in + 1 < end && (in[1] == '=' || in[1] == '!'))
            return; /* lookahead */
        if (in + 2 < end && in[1] == '<' && (in[2] == '=' || in[2] == '!'))
            return; /* lookbehind */
        if (in + 1 < end && in[1] == ':')
            in += 2;
        else if (in + 1 < end && in[1] == '<') {
            in = memchr(in, '>', (size_t)(end - in));
            if (!in) {
                r->bad = true;
                return;
            }
            in++;
        } else {
            r->bad = true; /* (?i) and friends */
            return;
        }
    }
    alternation(r, in, end);
}

static void atom(rx *r, const char *p, const char *e)
{
    unsigned cp;
    if (*p == '(') {
        group(r, p, e);
    } else if (*p == '[') {
        cls c;
        class_parse(r, &c, p + 1, e - 1);
        if (!r->bad)
            class_pick(r, &c);
    } else if (*p == '.') {
        put_cp(r, 'a' + (unsigned)pick(r, 26));
    } else if (*p == '\\') {
        escape_atom(r, p, e);
    } else if (*p == '^' || *p == '$') {
        return;
    } else if (*p == ')' || *p == '*' || *p == '+' || *p == '?') {
        r->bad = true;
    } else {
        utf8_at(p, e, &cp);
        put_cp(r, cp);
    }
}

/* A quantifier at p: sets lo / hi (hi < 0: open) and returns its end, or p. */
static const char *quantifier(const char *p, const char *e, long *lo, long *hi)
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

static void sequence(rx *r, const char *p, const char *e)
{
    while (p < e && !r->bad) {
        const char *a = atom_end(p, e);
        if (!a || a > e) {
            r->bad = true;
            return;
        }
        long lo, hi;
        const char *next = quantifier(a, e, &lo, &hi);
        if (lo > RX_MAX_REPEAT || hi > RX_MAX_REPEAT || (hi >= 0 && hi < lo)) {
            r->bad = true;
            return;
        }
        long extra = r->bias > 0 ? RX_LONG_EXTRA : RX_EXTRA;
        long top = hi < 0 || hi > lo + extra ? lo + extra : hi;
        long from = r->bias > 0 ? top - (top > lo) : lo;
        long n = r->bias < 0 ? lo : from + (long)pick(r, (uint64_t)(top - from + 1));
        for (long i = 0; i < n && !r->bad; i++)
            atom(r, p, a);
        p = next;
    }
}

static void alternation(rx *r, const char *p, const char *e)
{
    if (++r->depth > RX_MAX_DEPTH) {
        r->bad = true;
        return;
    }
    const char *starts[64], *ends[64];
    size_t n = 0;
    const char *s = p;
    for (const char *q = p; q <= e && !r->bad;) {
        if (q == e || *q == '|') {
            if (n < 64)
                starts[n] = s, ends[n++] = q;
            s = q + 1;
            if (q == e)
                break;
            q++;
            continue;
        }
        const char *a = atom_end(q, e);
        if (!a)
            r->bad = true;
        q = a ? a : e;
    }
    if (!r->bad && n) {
        size_t i = pick(r, n);
        sequence(r, starts[i], ends[i]);
    }
    r->depth--;
}

bool oa_regex_generate(const char *pattern, uint64_t *seed, buf *out)
{
    return sg_regex(pattern, seed, out, 0);
}

bool sg_regex(const char *pattern, uint64_t *seed, buf *out, int bias)
{
    rx r = {seed, out, 0, bias, false};
    size_t start = out->len;
    alternation(&r, pattern, pattern + strlen(pattern));
    if (!r.bad)
        return true;
    if (out->data) {
        out->len = start;
        out->data[start] = '\0';
    }
    return false;
}
