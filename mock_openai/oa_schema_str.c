/* String values: a pattern's match, a format's value, or the
 * conversation's own words, within minLength / maxLength (counted in code
 * points, as JSON Schema counts them). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oa_schema.h"
#include "oa_schema_int.h"

#define MAX_WORDS 256
#define WORD_MAX_BYTES 40
#define PLAIN_MAX 48       /* code points of a plain string with no maxLength */
#define PATTERN_TRIES 24
#define FORMAT_TRIES 6

static const char *const fallback[] = {"summary", "result", "plan", "detail", "answer", "review", "note", "item"};

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static bool word_byte(unsigned char ch)
{
    return ch >= 0x80 || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

sg_word *sg_words(const char *text, size_t *n)
{
    sg_word *w = calloc(MAX_WORDS, sizeof *w);
    *n = 0;
    for (const char *p = text; w && *p && *n < MAX_WORDS;) {
        while (*p && !word_byte((unsigned char)*p))
            p++;
        const char *s = p;
        while (*p && word_byte((unsigned char)*p))
            p++;
        if (p - s >= 2 && p - s <= WORD_MAX_BYTES)
            w[(*n)++] = (sg_word){s, (size_t)(p - s)};
    }
    for (size_t i = 0; w && *n == 0 && i < sizeof fallback / sizeof fallback[0]; i++)
        w[i] = (sg_word){fallback[i], strlen(fallback[i])};
    if (w && *n == 0)
        *n = sizeof fallback / sizeof fallback[0];
    return w;
}

size_t sg_utf8_len(const char *s, size_t n)
{
    size_t cps = 0;
    for (size_t i = 0; i < n; i++)
        cps += ((unsigned char)s[i] & 0xc0) != 0x80;
    return cps;
}

/* Keep the first `cps` code points of b. */
static void cut_cps(buf *b, size_t cps)
{
    size_t i = 0, seen = 0;
    for (; i < b->len; i++) {
        if (((unsigned char)b->data[i] & 0xc0) != 0x80 && seen++ == cps)
            break;
    }
    if (b->data) {
        b->len = i;
        b->data[i] = '\0';
    }
}

/* A few of the conversation's words, grown or cut to [lo, hi] code points. */
static bool plain(sg *g, size_t lo, size_t hi, buf *s)
{
    size_t want = 1 + (size_t)sg_pick(g, 4), n = 0;
    bool ok = true;
    for (size_t i = 0; ok && (i < want || n < lo) && n < hi; i++) {
        const sg_word *w = &g->words[sg_pick(g, g->nwords)];
        ok = (i == 0 || buf_puts(s, " ")) && buf_append(s, w->p, w->n);
        n += (i > 0) + sg_utf8_len(w->p, w->n);
    }
    if (ok && n > hi)
        cut_cps(s, hi);
    while (ok && s->len && s->data[s->len - 1] == ' ' && sg_utf8_len(s->data, s->len) > lo)
        s->data[--s->len] = '\0';
    return ok;
}

/* Pad a match the unanchored side, where extra text keeps it a match. */
static bool pad(buf *s, const char *pattern, size_t lo)
{
    size_t len = strlen(pattern);
    bool end_anchored = len && pattern[len - 1] == '$' && (len < 2 || pattern[len - 2] != '\\');
    bool start_anchored = pattern[0] == '^';
    size_t have = sg_utf8_len(s->data ? s->data : "", s->len), need = lo > have ? lo - have : 0;
    if (!need)
        return true;
    if (end_anchored && start_anchored)
        return true; /* nothing to do without breaking the match */
    buf t = BUF_INIT;
    bool ok = true;
    for (size_t i = 0; ok && i < need; i++)
        ok = buf_puts(&t, "x");
    if (ok && !end_anchored)
        ok = buf_append(s, t.data, t.len);
    else if (ok) {
        ok = buf_append(&t, s->data, s->len);
        buf_clear(s);
        ok = ok && buf_append(s, t.data, t.len);
    }
    buf_free(&t);
    return ok;
}

/* How far n code points are from [lo, hi]. */
static size_t miss(size_t n, size_t lo, size_t hi)
{
    return n < lo ? lo - n : n > hi ? n - hi : 0;
}

/* How a candidate misses: by length, and far worse, by not matching. */
static size_t score(const char *pattern, const buf *s, size_t lo, size_t hi)
{
    const char *t = s->data ? s->data : "";
    size_t off = miss(sg_utf8_len(t, s->len), lo, hi);
    return sg_regex_match(pattern, t, s->len) == 0 ? off + ((size_t)1 << 40) : off;
}

/* A match within [lo, hi] (else the nearest of a few); false if the
 * pattern is beyond the subset. The matcher weeds out what a skipped
 * lookaround or the padding broke. */
static bool from_pattern(sg *g, const char *pattern, size_t lo, size_t hi, buf *s)
{
    buf best = BUF_INIT;
    size_t best_score = SIZE_MAX;
    int bias = 0;
    for (int t = 0; t < PATTERN_TRIES && best_score; t++) {
        buf_clear(s);
        if (!sg_regex(pattern, &g->s, s, bias))
            break;
        if (!pad(s, pattern, lo))
            g->oom = true;
        size_t n = sg_utf8_len(s->data ? s->data : "", s->len), sc = score(pattern, s, lo, hi);
        if (t >= PATTERN_TRIES / 4) /* after a few plain tries, lean towards the side that missed */
            bias = n < lo ? 1 : n > hi ? -1 : 0;
        if (sc < best_score) {
            best_score = sc;
            buf_clear(&best);
            if (!buf_append(&best, s->data ? s->data : "", s->len))
                g->oom = true;
        }
    }
    buf_clear(s);
    if (best_score != SIZE_MAX && !buf_append(s, best.data ? best.data : "", best.len))
        g->oom = true;
    buf_free(&best);
    return best_score != SIZE_MAX;
}

/* A few seeded values of the format within the lengths, and matching the
 * pattern if there is one (a real address reads better than whatever the
 * pattern spells out). */
static bool from_format(sg *g, const char *format, const char *pattern, size_t lo, size_t hi, buf *s)
{
    for (int t = 0; t < FORMAT_TRIES; t++) {
        buf_clear(s);
        if (!sg_format(g, format, s))
            return false;
        size_t n = sg_utf8_len(s->data ? s->data : "", s->len);
        if (n >= lo && n <= hi && (!pattern || sg_regex_match(pattern, s->data ? s->data : "", s->len) == 1))
            return true;
    }
    return false;
}

void sg_string(sg *g, const cJSON *f)
{
    const cJSON *minl = get(f, "minLength"), *maxl = get(f, "maxLength");
    const cJSON *pj = get(f, "pattern"), *fj = get(f, "format");
    const char *pattern = cJSON_IsString(pj) ? pj->valuestring : NULL, *format = cJSON_IsString(fj) ? fj->valuestring : NULL;
    size_t lo = (size_t)sg_count(minl, 0), hi = (size_t)sg_count(maxl, (long)lo + PLAIN_MAX);
    buf s = BUF_INIT;
    bool done = format && from_format(g, format, pattern, lo, hi, &s);
    done = done || (pattern && from_pattern(g, pattern, lo, hi, &s));
    done = done || (format && pattern && from_format(g, format, NULL, lo, hi, &s)); /* a pattern beyond the subset */
    if (!done) { /* words: they fit the lengths, if not a pattern or format the generator could not meet */
        buf_clear(&s);
        if (!plain(g, lo, hi, &s))
            g->oom = true;
    }
    if (!buf_json_str(g->out, s.data ? s.data : "", s.len))
        g->oom = true;
    buf_free(&s);
}
