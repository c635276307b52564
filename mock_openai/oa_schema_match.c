/* Does a string match a pattern? A small backtracking matcher over the
 * same ECMAScript subset the generator reads, with JSON Schema's search
 * semantics (a match anywhere, unless anchored) and lookaheads. It lets
 * the generator prefer a format's own value when it fits the pattern, and
 * drop generated strings a lookaround or a padding broke. It answers
 * "cannot tell" for lookbehinds, backreferences and anything costly. */
#include <string.h>

#include "oa_schema_int.h"
#include "oa_schema_rx.h"

#define MATCH_MAX_STEPS 200000
#define MATCH_MAX_LEN 1024 /* each matched character is a few stack frames deep */

typedef struct mctx {
    const char *s;
    size_t n;
    long steps;
    bool bad; /* beyond the subset, or too costly */
} mctx;

typedef struct cont cont;
struct cont {
    bool (*fn)(mctx *m, const cont *k, size_t pos);
    const char *p, *e; /* the rest of a sequence, or a repeated atom */
    long lo, hi, count;
    size_t last;
    const cont *next;
};

static bool m_alt(mctx *m, const char *p, const char *e, size_t pos, const cont *k);

static bool accept(mctx *m, const cont *k, size_t pos)
{
    (void)m, (void)k, (void)pos;
    return true;
}

static bool is_word(unsigned cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
}

static bool is_space(unsigned cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000 || cp == 0xfeff;
}

/* The code point at pos and its length; 0 at the end. */
static size_t cp_at(const mctx *m, size_t pos, unsigned *cp)
{
    return pos < m->n ? rx_utf8_at(m->s + pos, m->s + m->n, cp) : 0;
}

static bool word_before(const mctx *m, size_t pos)
{
    return pos > 0 && is_word((unsigned char)m->s[pos - 1]);
}

/* An escape atom at p: a class shorthand, a boundary or a literal. */
static bool m_escape(mctx *m, const char *p, const char *e, size_t pos, const cont *k)
{
    unsigned cp = 0, want;
    size_t len = cp_at(m, pos, &cp);
    bool hit;
    switch (p[1]) {
    case 'd': case 'D': hit = len && (cp >= '0' && cp <= '9') == (p[1] == 'd'); break;
    case 'w': case 'W': hit = len && is_word(cp) == (p[1] == 'w'); break;
    case 's': case 'S': hit = len && is_space(cp) == (p[1] == 's'); break;
    case 'b': case 'B': {
        bool edge = word_before(m, pos) != (len && is_word(cp));
        return edge == (p[1] == 'b') && k->fn(m, k, pos);
    }
    default:
        if (!rx_escape_cp(p, e, &want, false)) {
            m->bad = true;
            return false;
        }
        hit = len && cp == want;
    }
    return hit && k->fn(m, k, pos + len);
}

static bool m_group(mctx *m, const char *p, const char *e, size_t pos, const cont *k)
{
    const char *in = p + 1, *end = e - 1;
    if (in < end && *in == '?') {
        if (in + 1 < end && (in[1] == '=' || in[1] == '!')) { /* lookahead */
            cont yes = {accept, NULL, NULL, 0, 0, 0, 0, NULL};
            bool found = m_alt(m, in + 2, end, pos, &yes);
            return found == (in[1] == '=') && !m->bad && k->fn(m, k, pos);
        }
        if (in + 1 < end && in[1] == ':') {
            in += 2;
        } else if (in + 2 < end && in[1] == '<' && in[2] != '=' && in[2] != '!') {
            in = memchr(in, '>', (size_t)(end - in));
            if (!in) {
                m->bad = true;
                return false;
            }
            in++;
        } else { /* lookbehind, inline flags */
            m->bad = true;
            return false;
        }
    }
    return m_alt(m, in, end, pos, k);
}

static bool m_atom(mctx *m, const char *p, const char *e, size_t pos, const cont *k)
{
    unsigned cp = 0, want;
    size_t len = cp_at(m, pos, &cp);
    if (*p == '(')
        return m_group(m, p, e, pos, k);
    if (*p == '[') {
        rx_cls c;
        if (!rx_class_parse(&c, p + 1, e - 1) || c.partial) {
            m->bad = true;
            return false;
        }
        return len && rx_in_class(&c, cp) != c.neg && k->fn(m, k, pos + len);
    }
    if (*p == '\\')
        return m_escape(m, p, e, pos, k);
    if (*p == '.')
        return len && cp != '\n' && cp != '\r' && cp != 0x2028 && cp != 0x2029 && k->fn(m, k, pos + len);
    if (*p == '^')
        return pos == 0 && k->fn(m, k, pos);
    if (*p == '$')
        return pos == m->n && k->fn(m, k, pos);
    rx_utf8_at(p, e, &want);
    return len && cp == want && k->fn(m, k, pos + len);
}

static bool m_rep(mctx *m, const char *ap, const char *ae, long lo, long hi, long count, size_t pos, const cont *k);

/* After one more repetition of an atom: repeat again, unless it matched
 * nothing past the minimum (an empty loop). */
static bool rep_more(mctx *m, const cont *k, size_t pos)
{
    if (pos == k->last && k->count > k->lo)
        return false;
    return m_rep(m, k->p, k->e, k->lo, k->hi, k->count, pos, k->next);
}

/* Greedy: one more repetition first, then what follows. */
static bool m_rep(mctx *m, const char *ap, const char *ae, long lo, long hi, long count, size_t pos, const cont *k)
{
    if (++m->steps > MATCH_MAX_STEPS) {
        m->bad = true;
        return false;
    }
    if (hi < 0 || count < hi) {
        cont again = {rep_more, ap, ae, lo, hi, count + 1, pos, k};
        if (m_atom(m, ap, ae, pos, &again))
            return true;
        if (m->bad)
            return false;
    }
    return count >= lo && k->fn(m, k, pos);
}

static bool m_seq(mctx *m, const char *p, const char *e, size_t pos, const cont *k);

static bool seq_rest(mctx *m, const cont *k, size_t pos)
{
    return m_seq(m, k->p, k->e, pos, k->next);
}

static bool m_seq(mctx *m, const char *p, const char *e, size_t pos, const cont *k)
{
    if (p == e)
        return k->fn(m, k, pos);
    const char *a = rx_atom_end(p, e);
    long lo, hi;
    if (!a || a > e) {
        m->bad = true;
        return false;
    }
    const char *q = rx_quantifier(a, e, &lo, &hi);
    if (lo > RX_MAX_REPEAT || hi > RX_MAX_REPEAT || (hi >= 0 && hi < lo)) {
        m->bad = true;
        return false;
    }
    cont rest = {seq_rest, q, e, 0, 0, 0, 0, k};
    return m_rep(m, p, a, lo, hi, 0, pos, &rest);
}

static bool m_alt(mctx *m, const char *p, const char *e, size_t pos, const cont *k)
{
    const char *s = p;
    for (const char *q = p; q <= e && !m->bad;) {
        if (q == e || *q == '|') {
            if (m_seq(m, s, q, pos, k))
                return true;
            if (q == e)
                break;
            s = ++q;
            continue;
        }
        const char *a = rx_atom_end(q, e);
        if (!a)
            m->bad = true;
        q = a ? a : e;
    }
    return false;
}

int sg_regex_match(const char *pattern, const char *s, size_t n)
{
    if (n > MATCH_MAX_LEN)
        return -1;
    mctx m = {s, n, 0, false};
    cont done = {accept, NULL, NULL, 0, 0, 0, 0, NULL};
    const char *e = pattern + strlen(pattern);
    for (size_t start = 0; start <= n && !m.bad; start++) {
        if (start < n && ((unsigned char)s[start] & 0xc0) == 0x80)
            continue; /* inside a character */
        if (m_alt(&m, pattern, e, start, &done))
            return 1;
    }
    return m.bad ? -1 : 0;
}
