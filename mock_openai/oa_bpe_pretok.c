/* The pre-tokenizer's walk: the pieces of a text, found by the compiled
 * pattern (oa_bpe_regex.c) the way JavaScript's String.matchAll finds them:
 * the leftmost match, then on from its end. */
#include <stdlib.h>

#include "oa_bpe_internal.h"

bool oa_bpe_pieces_init(oa_bpe_pieces *it, const pcre2_code *re, const uint8_t *text, size_t len)
{
    memset(it, 0, sizeof *it);
    it->re = re;
    it->text = text;
    it->len = len;
    size_t jit_size = 0;
    it->jit = pcre2_pattern_info(re, PCRE2_INFO_JITSIZE, &jit_size) == 0 && jit_size > 0;
    it->md = pcre2_match_data_create(1, NULL);
    return it->md != NULL;
}

/* The JIT's default 32 KB stack is plenty for these patterns; this is the
 * safety net should some text need more. */
static bool grow_jit_stack(oa_bpe_pieces *it)
{
    if (it->jstack)
        return false; /* already at the larger size */
    it->mctx = pcre2_match_context_create(NULL);
    it->jstack = pcre2_jit_stack_create(64 * 1024, 8 * 1024 * 1024, NULL);
    if (!it->mctx || !it->jstack)
        return false;
    pcre2_jit_stack_assign(it->mctx, NULL, it->jstack);
    return true;
}

/* One pcre2_match from it->pos, on a larger JIT stack if the default is
 * too small: PCRE2's return code. */
static int match_at(oa_bpe_pieces *it)
{
    for (;;) {
        /* The text was validated (or replaced) before: no UTF check. The
         * JIT entry point skips pcre2_match's per-call checks (~10 % of
         * the time per piece). */
        int rc = it->jit ? pcre2_jit_match(it->re, it->text, it->len, it->pos, 0, it->md, it->mctx)
                         : pcre2_match(it->re, it->text, it->len, it->pos, PCRE2_NO_UTF_CHECK, it->md, it->mctx);
        if (rc != PCRE2_ERROR_JIT_STACKLIMIT || !grow_jit_stack(it))
            return rc;
    }
}

int oa_bpe_pieces_next(oa_bpe_pieces *it, size_t *start, size_t *end)
{
    while (it->pos < it->len) {
        int rc = match_at(it);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0)
            return -1;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(it->md);
        *start = ov[0];
        *end = ov[1];
        if (*end > *start) {
            it->pos = *end;
            return 1;
        }
        /* An empty match cannot come from tiktoken's patterns; were it to,
         * matchAll steps one character on, and so do we. */
        it->pos = *start + 1;
        while (it->pos < it->len && (it->text[it->pos] & 0xc0) == 0x80)
            it->pos++;
    }
    it->pos = it->len;
    return 0;
}

void oa_bpe_pieces_fini(oa_bpe_pieces *it)
{
    pcre2_match_data_free(it->md);
    pcre2_match_context_free(it->mctx);
    pcre2_jit_stack_free(it->jstack);
    memset(it, 0, sizeof *it);
}
