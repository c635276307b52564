#include "oa_vector.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <xxhash.h>

/* Distinct seeds keep the feature families apart: the word "ab" and the
 * trigram "ab" must not land on the same direction. */
enum { FAM_TEXT = 1, FAM_WORD, FAM_PAIR, FAM_TRIGRAM, FAM_TOKEN, FAM_TOKPAIR };

#define W_TEXT 0.35f
#define W_WORD 1.0f
#define W_STOPWORD 0.25f
#define W_PAIR 0.5f
#define W_TRIGRAM 0.3f
#define MAX_WORD 64

uint64_t oa_vec_seed(const char *model)
{
    return XXH3_64bits(model, strlen(model));
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* acc += w × direction(h): dim values uniform in [-1, 1), four per 64 random
 * bits, drawn in order so a shorter dim is a prefix of a longer one. */
static void add_direction(float *acc, size_t dim, uint64_t h, float w)
{
    uint64_t state = h;
    const float scale = w / 32768.0f;
    size_t i = 0;
    for (; i + 4 <= dim; i += 4) {
        uint64_t r = splitmix64(&state);
        acc[i] += scale * (float)(int16_t)r;
        acc[i + 1] += scale * (float)(int16_t)(r >> 16);
        acc[i + 2] += scale * (float)(int16_t)(r >> 32);
        acc[i + 3] += scale * (float)(int16_t)(r >> 48);
    }
    uint64_t r = splitmix64(&state);
    for (int k = 0; i < dim; i++, k++)
        acc[i] += scale * (float)(int16_t)(r >> (16 * k));
}

static uint64_t fam_hash(uint64_t seed, int fam, const void *p, size_t n)
{
    return XXH3_64bits_withSeed(p, n, seed + (uint64_t)fam * 0x9e3779b97f4a7c15ULL);
}

static void normalise(float *v, size_t dim)
{
    double sum = 0;
    for (size_t i = 0; i < dim; i++)
        sum += (double)v[i] * v[i];
    double inv = sum > 0 ? 1.0 / sqrt(sum) : 0;
    for (size_t i = 0; i < dim; i++)
        v[i] = (float)(v[i] * inv);
}

static bool is_stopword(const char *w, size_t n)
{
    static const char *const stop[] = {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from",
                                       "in", "is", "it", "of", "on", "or", "that", "the", "this", "to",
                                       "was", "were", "will", "with"};
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++) {
        if (strlen(stop[i]) == n && memcmp(stop[i], w, n) == 0)
            return true;
    }
    return false;
}

static bool word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Add the word's own direction and its character trigrams ("<wo", "wor",
 * "ord", "rd>"), which make near-spellings similar. */
static void add_word(float *acc, size_t dim, uint64_t seed, const char *w, size_t n)
{
    add_direction(acc, dim, fam_hash(seed, FAM_WORD, w, n), is_stopword(w, n) ? W_STOPWORD : W_WORD);
    char padded[MAX_WORD + 2];
    padded[0] = '<';
    memcpy(padded + 1, w, n);
    padded[n + 1] = '>';
    for (size_t i = 0; n >= 2 && i + 3 <= n + 2; i++)
        add_direction(acc, dim, fam_hash(seed, FAM_TRIGRAM, padded + i, 3), W_TRIGRAM);
}

/* Lower-cased words (letters, digits, any non-ASCII byte), at most MAX_WORD
 * bytes each, with each consecutive pair. */
static void add_words(float *acc, size_t dim, uint64_t seed, const char *text, size_t len)
{
    char word[MAX_WORD];
    uint64_t prev = 0;
    bool have_prev = false;
    for (size_t i = 0; i < len;) {
        if (!word_byte((unsigned char)text[i])) {
            i++;
            continue;
        }
        size_t n = 0;
        for (; i < len && word_byte((unsigned char)text[i]); i++) {
            if (n < MAX_WORD) {
                unsigned char c = (unsigned char)text[i];
                word[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
        }
        add_word(acc, dim, seed, word, n);
        uint64_t h = fam_hash(seed, FAM_PAIR, word, n);
        if (have_prev) {
            uint64_t pair[2] = {prev, h};
            add_direction(acc, dim, fam_hash(seed, FAM_PAIR, pair, sizeof pair), W_PAIR);
        }
        prev = h;
        have_prev = true;
    }
}

void oa_vec_text(uint64_t seed, const char *text, size_t len, float *out, size_t dim)
{
    memset(out, 0, dim * sizeof *out);
    /* The exact text always contributes, so whitespace-only texts still get
     * a vector and case or punctuation changes move it a little. */
    add_direction(out, dim, fam_hash(seed, FAM_TEXT, text, len), W_TEXT);
    add_words(out, dim, seed, text, len);
    normalise(out, dim);
}

void oa_vec_tokens(uint64_t seed, const int64_t *ids, size_t n, float *out, size_t dim)
{
    memset(out, 0, dim * sizeof *out);
    add_direction(out, dim, fam_hash(seed, FAM_TEXT, ids, n * sizeof *ids), W_TEXT);
    for (size_t i = 0; i < n; i++) {
        add_direction(out, dim, fam_hash(seed, FAM_TOKEN, &ids[i], sizeof ids[i]), W_WORD);
        if (i > 0)
            add_direction(out, dim, fam_hash(seed, FAM_TOKPAIR, &ids[i - 1], 2 * sizeof ids[i]), W_PAIR);
    }
    normalise(out, dim);
}
