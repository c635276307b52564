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
#include "oa_schema_rx.h"
#include "rng.h"

#define RX_MAX_DEPTH 64
#define RX_MAX_OUT 65536
#define RX_EXTRA 2 /* how many repetitions past the minimum an open rx_quantifier adds at most */
#define RX_LONG_EXTRA 8 /* the same when a longer string is wanted */

typedef struct rx {
    uint64_t *s;
    buf *out;
    int depth;
    int bias; /* < 0: fewest repetitions; > 0: many (to reach a minLength) */
    bool bad;
} rx;


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

static void alternation(rx *r, const char *p, const char *e);

/* A member of the class, letters and digits first. */
static void class_pick(rx *r, const rx_cls *c)
{
    char cand[128];
    size_t n = 0;
    for (const char *a = alnum; *a; a++)
        if (rx_in_class(c, (unsigned char)*a) != c->neg)
            cand[n++] = *a;
    for (unsigned ch = 0x20; n == 0 && ch < 0x7f; ch++) /* no letter or digit: printable ASCII */
        if (rx_in_class(c, ch) != c->neg)
            cand[n++] = (char)ch;
    if (n) {
        put_cp(r, (unsigned char)cand[pick(r, n)]);
        return;
    }
    if (c->neg) {
        r->bad = rx_in_class(c, 0xe9);
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
        if (rx_escape_cp(p, e, &cp, false))
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
        rx_cls c;
        if (rx_class_parse(&c, p + 1, e - 1))
            class_pick(r, &c);
        else
            r->bad = true;
    } else if (*p == '.') {
        put_cp(r, 'a' + (unsigned)pick(r, 26));
    } else if (*p == '\\') {
        escape_atom(r, p, e);
    } else if (*p == '^' || *p == '$') {
        return;
    } else if (*p == ')' || *p == '*' || *p == '+' || *p == '?') {
        r->bad = true;
    } else {
        rx_utf8_at(p, e, &cp);
        put_cp(r, cp);
    }
}

static void sequence(rx *r, const char *p, const char *e)
{
    while (p < e && !r->bad) {
        const char *a = rx_atom_end(p, e);
        if (!a || a > e) {
            r->bad = true;
            return;
        }
        long lo, hi;
        const char *next = rx_quantifier(a, e, &lo, &hi);
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
        const char *a = rx_atom_end(q, e);
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
