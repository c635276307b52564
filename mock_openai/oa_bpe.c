/* oa_bpe's public functions: one walk over the pieces of a text, merging
 * each piece into tokens and handing every token to the caller's need
 * (count it, store its id, or stop after N). See oa_bpe.h for contracts. */
#include <stdlib.h>

#include "oa_bpe_internal.h"

typedef enum { WALK_ON, WALK_STOP, WALK_ERR } walk_rc;

typedef struct walk {
    const oa_bpe_vocab *v;
    size_t limit;    /* stop once this many tokens are out */
    size_t count;    /* tokens so far */
    size_t last_end; /* end of the last token, in the walked text */
    bool want_ids;
    uint32_t *ids;
    size_t cap;
} walk;

static bool push_id(walk *w, uint32_t id)
{
    if (w->count == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 256;
        uint32_t *ids = cap <= SIZE_MAX / sizeof *ids ? realloc(w->ids, cap * sizeof *ids) : NULL;
        if (!ids)
            return false;
        w->ids = ids;
        w->cap = cap;
    }
    w->ids[w->count] = id;
    return true;
}

/* One token, the bytes tok[0..n) ending at `end` of the text; its rank if
 * known already, else OA_BPE_NO_RANK (looked up only if ids are wanted). */
static walk_rc emit(walk *w, uint32_t rank, const uint8_t *tok, size_t n, size_t end)
{
    if (w->want_ids && !push_id(w, rank != OA_BPE_NO_RANK ? rank : oa_bpe_vocab_rank(w->v, tok, n)))
        return WALK_ERR;
    w->count++;
    w->last_end = end;
    return w->count == w->limit ? WALK_STOP : WALK_ON;
}

/* Token starts of pieces up to this long live on the stack. */
#define STACK_PIECE 256

/* The tokens of the piece p[0..n) found at offset `at` of the text. */
static walk_rc walk_piece(walk *w, const uint8_t *p, size_t n, size_t at)
{
    /* Most pieces are one token: try the whole piece first. */
    uint32_t whole = oa_bpe_vocab_rank(w->v, p, n);
    if (whole != OA_BPE_NO_RANK)
        return emit(w, whole, p, n, at + n);
    size_t small[STACK_PIECE];
    size_t *starts = n <= STACK_PIECE ? small : malloc(n * sizeof *starts);
    if (!starts)
        return WALK_ERR;
    size_t m = oa_bpe_merge(w->v, p, n, starts);
    walk_rc rc = m == SIZE_MAX ? WALK_ERR : WALK_ON;
    for (size_t k = 0; k < m && rc == WALK_ON; k++) {
        size_t end = k + 1 < m ? starts[k + 1] : n;
        rc = emit(w, OA_BPE_NO_RANK, p + starts[k], end - starts[k], at + end);
    }
    if (starts != small)
        free(starts);
    return rc;
}

static walk_rc walk_text(walk *w, const pcre2_code *re, const uint8_t *t, size_t len)
{
    oa_bpe_pieces it;
    if (!oa_bpe_pieces_init(&it, re, t, len)) {
        oa_bpe_pieces_fini(&it);
        return WALK_ERR;
    }
    walk_rc rc = WALK_ON;
    size_t a, b;
    int more = 0;
    while (rc == WALK_ON && (more = oa_bpe_pieces_next(&it, &a, &b)) == 1)
        rc = walk_piece(w, t + a, b - a, a);
    if (rc == WALK_ON && more < 0)
        rc = WALK_ERR;
    oa_bpe_pieces_fini(&it);
    return rc;
}

/* The text to tokenize: the input itself when it is valid UTF-8 (the usual
 * case: no copy), else a copy with U+FFFD for invalid runs in *owned. */
static const uint8_t *clean_text(const char *text, size_t len, size_t *clean_len, uint8_t **owned)
{
    const uint8_t *t = (const uint8_t *)text;
    *owned = NULL;
    *clean_len = len;
    if (oa_bpe_utf8_valid_prefix(t, len) == len)
        return t;
    *owned = oa_bpe_utf8_replace(t, len, clean_len);
    return *owned;
}

/* Walks text with w; the walked (clean) text's length in *clean_len, and
 * the replaced copy in *owned for the caller to map offsets and free. */
static walk_rc run(oa_bpe_enc enc, const char *text, size_t len, walk *w, uint8_t **owned)
{
    *owned = NULL;
    const oa_bpe_encoding *e = oa_bpe_encoding_get(enc);
    if (!e || (!text && len > 0))
        return WALK_ERR;
    w->v = &e->vocab;
    if (len == 0)
        return WALK_ON;
    size_t clean_len;
    const uint8_t *t = clean_text(text, len, &clean_len, owned);
    if (!t)
        return WALK_ERR;
    return walk_text(w, oa_bpe_regex_for(&e->re, t, clean_len), t, clean_len);
}

size_t oa_bpe_count(oa_bpe_enc enc, const char *text, size_t len)
{
    walk w = {.limit = SIZE_MAX};
    uint8_t *owned;
    walk_rc rc = run(enc, text, len, &w, &owned);
    free(owned);
    return rc == WALK_ERR ? OA_BPE_ERROR : w.count;
}

bool oa_bpe_encode(oa_bpe_enc enc, const char *text, size_t len, uint32_t **ids, size_t *n)
{
    walk w = {.limit = SIZE_MAX, .want_ids = true};
    uint8_t *owned;
    walk_rc rc = run(enc, text, len, &w, &owned);
    free(owned);
    if (rc == WALK_ERR) {
        free(w.ids);
        *ids = NULL;
        *n = 0;
        return false;
    }
    *ids = w.ids;
    *n = w.count;
    return true;
}

size_t oa_bpe_cut(oa_bpe_enc enc, const char *text, size_t len, size_t max_tokens)
{
    if (max_tokens == 0)
        return oa_bpe_encoding_get(enc) ? 0 : OA_BPE_ERROR;
    walk w = {.limit = max_tokens};
    uint8_t *owned;
    walk_rc rc = run(enc, text, len, &w, &owned);
    size_t at = len; /* fewer tokens than max_tokens: the whole text */
    if (rc == WALK_STOP)
        at = owned ? oa_bpe_utf8_source_offset((const uint8_t *)text, len, w.last_end) : w.last_end;
    free(owned);
    return rc == WALK_ERR ? OA_BPE_ERROR : at;
}

/* The bytes of one id: an ordinary token or a special one; false if neither. */
static bool token_bytes(const oa_bpe_encoding *e, uint32_t id, const uint8_t **p, size_t *n)
{
    const oa_bpe_vocab *v = &e->vocab;
    if (id < v->count) {
        *p = v->bytes + v->off[id];
        *n = v->off[id + 1] - v->off[id];
        return true;
    }
    for (size_t i = 0; i < e->n_specials; i++)
        if (e->specials[i].id == id) {
            *p = (const uint8_t *)e->specials[i].text;
            *n = strlen(e->specials[i].text);
            return true;
        }
    return false;
}

bool oa_bpe_decode(oa_bpe_enc enc, const uint32_t *ids, size_t n, buf *out, size_t *bad_index)
{
    size_t bad_sink;
    if (!bad_index)
        bad_index = &bad_sink;
    const oa_bpe_encoding *e = oa_bpe_encoding_get(enc);
    if (!e) {
        *bad_index = n;
        return false;
    }
    /* Check every id and size the output first, so out is untouched on error. */
    size_t total = 0;
    const uint8_t *p;
    size_t k;
    for (size_t i = 0; i < n; i++) {
        if (!token_bytes(e, ids[i], &p, &k)) {
            *bad_index = i;
            return false;
        }
        total += k;
    }
    char *dst = buf_reserve(out, total);
    if (!dst) {
        *bad_index = n;
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        (void)token_bytes(e, ids[i], &p, &k); /* every id was checked above */
        memcpy(dst, p, k);
        dst += k;
    }
    buf_advance(out, total);
    return true;
}

const char *oa_bpe_unicode_version(void)
{
    return oa_bpe_unicode_version_str;
}
