/* tiktoken's pre-tokenizer patterns (from js-tiktoken) compiled for
 * PCRE2. PCRE2 and JavaScript agree on alternation, greedy backtracking
 * and lookahead. They disagree on \s, which in JavaScript is a fixed list
 * (with U+FEFF, without U+0085), and on \p{..} for the characters added to
 * Unicode after libpcre2's tables (14.0 in Debian 12; Node 20's is 17.0).
 * So each pattern is compiled twice, with \s and \S as JavaScript's list:
 *   fast   PCRE2's own \p{..} classes, for a text with no character whose
 *          class differs (nearly every text);
 *   exact  \p{..} as Node's classes (oa_bpe_uclass.c, generated): PCRE2's
 *          class plus the characters it lacks. PCRE2 runs that 2-3 times
 *          slower (measured on large-150k.txt), so only when needed.
 * Both give the same pieces on a text of characters they classify alike. */
#include <stdlib.h>

#include "oa_bpe_internal.h"

/* JavaScript's \s (ECMA-262 WhiteSpace and LineTerminator) as class items.
 * \v is not usable: in PCRE2 it is a class of vertical space. */
static const char js_space[] = "\\t\\n\\x{0b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}"
                               "\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}";

static const char *uclass_items(const char *name, size_t len)
{
    for (const oa_bpe_uclass *c = oa_bpe_uclasses; c->name; c++)
        if (strlen(c->name) == len && memcmp(c->name, name, len) == 0)
            return c->items;
    return NULL;
}

/* Appends the items of the class \p{NAME} at p (inside [..] as they are,
 * else in brackets); the pattern bytes it used, or 0 for an unknown class. */
static size_t put_uclass(const char *p, bool in_class, buf *out)
{
    const char *close = strchr(p, '}');
    if (p[2] != '{' || !close)
        return 0;
    const char *items = uclass_items(p + 3, (size_t)(close - p - 3));
    if (!items)
        return 0;
    bool ok = in_class ? buf_puts(out, items) : buf_puts(out, "[") && buf_puts(out, items) && buf_puts(out, "]");
    return ok ? (size_t)(close - p + 1) : 0;
}

/* The JS pattern with \s and \S spelled out, and \p{..} too when `exact`;
 * false on OOM, an unknown class or a \S inside a class (tiktoken's
 * patterns have none, and it has no spelling there). */
static bool rewrite(const char *js, bool exact, buf *out)
{
    bool in_class = false;
    for (const char *p = js; *p; p++) {
        bool ok;
        if (exact && p[0] == '\\' && p[1] == 'p') {
            size_t used = put_uclass(p, in_class, out);
            if (used == 0)
                return false;
            ok = true;
            p += used - 1;
        } else if (p[0] == '\\' && p[1] == 's') {
            ok = in_class ? buf_puts(out, js_space) : buf_puts(out, "[") && buf_puts(out, js_space) && buf_puts(out, "]");
            p++;
        } else if (p[0] == '\\' && p[1] == 'S') {
            if (in_class)
                return false;
            ok = buf_puts(out, "[^") && buf_puts(out, js_space) && buf_puts(out, "]");
            p++;
        } else if (p[0] == '\\' && p[1] != '\0') {
            ok = buf_append(out, p, 2);
            p++;
        } else {
            if (*p == '[' && !in_class)
                in_class = true;
            else if (*p == ']' && in_class)
                in_class = false;
            ok = buf_append(out, p, 1);
        }
        if (!ok)
            return false;
    }
    return true;
}

static pcre2_code *compile(const char *js_pattern, bool exact)
{
    buf pat = BUF_INIT;
    pcre2_code *re = NULL;
    if (rewrite(js_pattern, exact, &pat)) {
        int err;
        PCRE2_SIZE at;
        re = pcre2_compile((PCRE2_SPTR)pat.data, pat.len, PCRE2_UTF, &err, &at, NULL);
    }
    buf_free(&pat);
    /* Without JIT (a platform lacking it) the interpreter gives the same
     * matches, only slower: not an error. */
    if (re)
        (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

bool oa_bpe_regex_compile(oa_bpe_regex *r, const char *js_pattern)
{
    r->fast = compile(js_pattern, false);
    r->exact = compile(js_pattern, true);
    if (r->fast && r->exact)
        return true;
    oa_bpe_regex_free(r);
    return false;
}

void oa_bpe_regex_free(oa_bpe_regex *r)
{
    pcre2_code_free(r->fast);
    pcre2_code_free(r->exact);
    r->fast = r->exact = NULL;
}

static bool differs(uint32_t cp)
{
    size_t lo = 0, hi = oa_bpe_uclass_differ_n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < oa_bpe_uclass_differ[mid][0])
            hi = mid;
        else if (cp > oa_bpe_uclass_differ[mid][1])
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

bool oa_bpe_regex_needs_exact(const uint8_t *t, size_t n)
{
    uint32_t lowest = oa_bpe_uclass_differ_n ? oa_bpe_uclass_differ[0][0] : UINT32_MAX;
    for (size_t i = 0; i < n;) {
        uint8_t c = t[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        /* Valid UTF-8 here (checked or replaced before). */
        size_t k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        uint32_t cp = c & (0x7f >> k);
        for (size_t j = 1; j < k && i + j < n; j++)
            cp = cp << 6 | (t[i + j] & 0x3f);
        if (cp >= lowest && differs(cp))
            return true;
        i += k;
    }
    return false;
}

const pcre2_code *oa_bpe_regex_for(const oa_bpe_regex *r, const uint8_t *t, size_t n)
{
    return oa_bpe_regex_needs_exact(t, n) ? r->exact : r->fast;
}
