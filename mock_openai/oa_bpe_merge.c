/* tiktoken's byte-pair merge of one piece: start from single bytes and
 * repeatedly merge the adjacent pair whose concatenation has the lowest
 * rank (the leftmost of equals) until no pair is a token.
 *
 * Short pieces (nearly all) use tiktoken's own scheme: an array of parts
 * with the rank of each part joined to the next, scanned for the minimum,
 * O(n^2) at worst. A long piece (a run of one character, a minified line
 * of symbols) would make that quadratic in the text, so past SHORT bytes a
 * heap of (rank, start) pairs with lazy deletion picks the same pair in
 * O(log n): the minimum over current pairs, ties to the lowest start, which
 * is the leftmost part. Both are checked against js-tiktoken. */
#include <stdlib.h>

#include "oa_bpe_internal.h"

#define SHORT 256

/* ---- short pieces: the array scan ---- */

/* Rank of the bytes from part i's start to part i+2's start, i.e. part i
 * merged with part i+1 (end[] holds n past the last part). */
static uint32_t pair_rank(const oa_bpe_vocab *v, const uint8_t *p, const size_t *start, size_t m,
                          size_t n, size_t i)
{
    if (i + 1 >= m)
        return OA_BPE_NO_RANK;
    size_t to = i + 2 < m ? start[i + 2] : n;
    return oa_bpe_vocab_rank(v, p + start[i], to - start[i]);
}

static size_t merge_short(const oa_bpe_vocab *v, const uint8_t *p, size_t n, size_t *start)
{
    uint32_t rank[SHORT];
    size_t m = n;
    for (size_t i = 0; i < n; i++)
        start[i] = i;
    for (size_t i = 0; i < m; i++)
        rank[i] = pair_rank(v, p, start, m, n, i);
    for (;;) {
        uint32_t best = OA_BPE_NO_RANK;
        size_t at = 0;
        for (size_t i = 0; i + 1 < m; i++)
            if (rank[i] < best) {
                best = rank[i];
                at = i;
            }
        if (best == OA_BPE_NO_RANK)
            return m;
        /* Part at+1 joins part at: drop its start and its rank. */
        memmove(start + at + 1, start + at + 2, (m - at - 2) * sizeof *start);
        memmove(rank + at + 1, rank + at + 2, (m - at - 2) * sizeof *rank);
        m--;
        rank[at] = pair_rank(v, p, start, m, n, at);
        if (at > 0)
            rank[at - 1] = pair_rank(v, p, start, m, n, at - 1);
    }
}

/* ---- long pieces: a heap over a linked list of parts ---- */

/* A candidate merge of part `left` (named by its start) with the part that
 * followed it when pushed, which ended at `right_end`. Stale when either
 * part has changed since: left gone, or left's next part ends elsewhere. */
typedef struct cand {
    uint32_t rank;
    size_t left, right_end;
} cand;

typedef struct parts {
    const oa_bpe_vocab *v;
    const uint8_t *p;
    size_t n;
    size_t *next;  /* next[s]: start of the part after the part starting at s (n: none) */
    size_t *prev;  /* prev[s]: start of the part before (SIZE_MAX: none) */
    bool *alive;   /* a part starts at s */
    cand *heap;
    size_t heap_len;
} parts;

static bool before(const cand *a, const cand *b)
{
    return a->rank != b->rank ? a->rank < b->rank : a->left < b->left;
}

static void heap_push(parts *s, cand c)
{
    size_t i = s->heap_len++;
    while (i > 0 && before(&c, &s->heap[(i - 1) / 2])) {
        s->heap[i] = s->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->heap[i] = c;
}

static cand heap_pop(parts *s)
{
    cand top = s->heap[0];
    cand last = s->heap[--s->heap_len];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= s->heap_len)
            break;
        if (c + 1 < s->heap_len && before(&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!before(&s->heap[c], &last))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    s->heap[i] = last;
    return top;
}

/* Pushes the merge of the part at `left` with its successor, if a token. */
static void push_pair(parts *s, size_t left)
{
    size_t right = s->next[left];
    if (right >= s->n)
        return;
    size_t right_end = s->next[right];
    uint32_t r = oa_bpe_vocab_rank(s->v, s->p + left, right_end - left);
    if (r != OA_BPE_NO_RANK)
        heap_push(s, (cand){r, left, right_end});
}

static bool still_valid(const parts *s, const cand *c)
{
    if (!s->alive[c->left])
        return false;
    size_t right = s->next[c->left];
    return right < s->n && s->next[right] == c->right_end;
}

static void run_heap(parts *s)
{
    for (size_t i = 0; i + 1 < s->n; i++)
        push_pair(s, i);
    while (s->heap_len > 0) {
        cand c = heap_pop(s);
        if (!still_valid(s, &c))
            continue;
        size_t right = s->next[c.left];
        s->alive[right] = false;
        s->next[c.left] = c.right_end;
        if (c.right_end < s->n)
            s->prev[c.right_end] = c.left;
        push_pair(s, c.left);
        if (s->prev[c.left] != SIZE_MAX)
            push_pair(s, s->prev[c.left]);
    }
}

static size_t merge_long(const oa_bpe_vocab *v, const uint8_t *p, size_t n, size_t *start)
{
    /* Each merge pushes at most two candidates: n initial + 2n in all. */
    parts s = {.v = v, .p = p, .n = n};
    s.next = malloc(n * sizeof *s.next);
    s.prev = malloc(n * sizeof *s.prev);
    s.alive = malloc(n * sizeof *s.alive);
    s.heap = n <= SIZE_MAX / (3 * sizeof *s.heap) ? malloc(3 * n * sizeof *s.heap) : NULL;
    size_t m = SIZE_MAX;
    if (s.next && s.prev && s.alive && s.heap) {
        for (size_t i = 0; i < n; i++) {
            s.next[i] = i + 1;
            s.prev[i] = i ? i - 1 : SIZE_MAX;
            s.alive[i] = true;
        }
        run_heap(&s);
        m = 0;
        for (size_t i = 0; i < n; i = s.next[i])
            start[m++] = i;
    }
    free(s.next);
    free(s.prev);
    free(s.alive);
    free(s.heap);
    return m;
}

size_t oa_bpe_merge(const oa_bpe_vocab *v, const uint8_t *p, size_t n, size_t *starts)
{
    return n <= SHORT ? merge_short(v, p, n, starts) : merge_long(v, p, n, starts);
}
