#include "oa_vector.h"
#include "rng.h"

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

#define LANES 8          /* independent xorshift32 generators */
#define STEP (2 * LANES) /* components per step: each lane's low half, then high half */

/* The lanes as two 4-wide vectors (GCC/clang vector extensions: SSE2 on
 * x86-64, NEON on arm64, plain code elsewhere). gcc did not vectorise the
 * scalar loops this replaces; written this way it cannot fail to. Each
 * element still sees the same IEEE float operations in the same order, so
 * the sums are bit-identical to the scalar code's. */
typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));
typedef float f32x4 __attribute__((vector_size(16)));

static inline u32x4 xorshift4(u32x4 v)
{
    v ^= v << 13;
    v ^= v >> 17;
    v ^= v << 5;
    return v;
}

/* a[0..4) += scale × c, unaligned a. */
static inline void add4(float *a, f32x4 c, float scale)
{
    f32x4 t;
    memcpy(&t, a, sizeof t);
    t += scale * c;
    memcpy(a, &t, sizeof t);
}

/* a[0..STEP) += scale × the step's components: lane l's low 16 bits
 * (signed) are component l, its high 16 bits component LANES + l. */
static inline void add_step(float *a, u32x4 x0, u32x4 x1, float scale)
{
    /* Shift left unsigned, then right signed: the arithmetic shift sign-extends. */
    add4(a, __builtin_convertvector((i32x4)(x0 << 16) >> 16, f32x4), scale);
    add4(a + 4, __builtin_convertvector((i32x4)(x1 << 16) >> 16, f32x4), scale);
    add4(a + 8, __builtin_convertvector((i32x4)x0 >> 16, f32x4), scale);
    add4(a + 12, __builtin_convertvector((i32x4)x1 >> 16, f32x4), scale);
}

/* The same for a last, partial step of n < STEP components. */
static void add_partial_step(float *a, u32x4 x0, u32x4 x1, float scale, size_t n)
{
    float full[STEP] = {0};
    add_step(full, x0, x1, scale);
    for (size_t i = 0; i < n; i++)
        a[i] += full[i];
}

/* acc += w × direction(h): dim values uniform in [-1, 1), drawn in order so a
 * shorter dim is a prefix of a longer one. This is the embeddings endpoint's
 * hot loop, so the generator is SIMD-friendly (eight xorshift32 lanes seeded
 * from h by splitmix64, shifts and xors only) and each step's values go
 * straight from the lanes into the sums, four at a time.
 * Only integer operations choose the values: the same on every machine. */
static void add_direction(float *acc, size_t dim, uint64_t h, float w)
{
    uint32_t seeds[LANES];
    uint64_t st = h;
    for (int l = 0; l < LANES; l += 2) {
        uint64_t r = rng_next(&st);
        seeds[l] = (uint32_t)r | 1u; /* xorshift must not start at zero */
        seeds[l + 1] = (uint32_t)(r >> 32) | 1u;
    }
    u32x4 x0, x1;
    memcpy(&x0, seeds, sizeof x0);
    memcpy(&x1, seeds + 4, sizeof x1);
    const float scale = w / 32768.0f;
    size_t base = 0;
    for (; base + STEP <= dim; base += STEP) {
        x0 = xorshift4(x0);
        x1 = xorshift4(x1);
        add_step(acc + base, x0, x1, scale);
    }
    if (base < dim)
        add_partial_step(acc + base, xorshift4(x0), xorshift4(x1), scale, dim - base);
}

/* Character trigrams and word pairs are most of a text's features, so each
 * gets a sparse direction: SPARSE_NNZ entries of ±1 at positions drawn from [0, SPARSE_SPAN)
 * whatever dim is asked (positions past dim add to a part of the sum that is never used,
 * which keeps the prefix property). SPARSE_SCALE gives it the norm a dense direction has at
 * 1536 dimensions (uniform [-1, 1) has variance 1/3): sqrt(1536 / 3 / 64). */
#define SPARSE_NNZ 64
#define SPARSE_SPAN OA_VEC_MAX_DIM
#define SPARSE_SCALE 2.8284271f

/* ±mag: the sign bit set when neg is 1 (exactly -mag: negation flips it). */
static inline float signed_mag(uint32_t mag_bits, uint64_t neg)
{
    uint32_t bits = mag_bits ^ (uint32_t)neg << 31;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* acc has SPARSE_SPAN floats whatever dim is (see oa_vec_text), so no
 * position is tested against dim: the sign and whether a position falls
 * past dim (half of them at 1536) are coin tosses that a branch predictor
 * loses on texts with new words. Components past dim are ignored later. */
static void add_sparse(float acc[SPARSE_SPAN], uint64_t h, float w)
{
    uint64_t st = h;
    const float mag = w * SPARSE_SCALE;
    uint32_t mag_bits;
    memcpy(&mag_bits, &mag, sizeof mag_bits);
    for (int k = 0; k < SPARSE_NNZ; k += 2) {
        uint64_t r = rng_next(&st);
        acc[((r & 0xffffu) * SPARSE_SPAN) >> 16] += signed_mag(mag_bits, (r >> 32) & 1);
        acc[(((r >> 16) & 0xffffu) * SPARSE_SPAN) >> 16] += signed_mag(mag_bits, (r >> 33) & 1);
    }
}

static uint64_t fam_hash(uint64_t seed, int fam, const void *p, size_t n)
{
    return XXH3_64bits_withSeed(p, n, seed + (uint64_t)fam * 0x9e3779b97f4a7c15ULL);
}

/* out[0..dim) = v[0..dim) scaled to unit length. */
static void normalise(const float *v, float *out, size_t dim)
{
    double sum = 0;
    for (size_t i = 0; i < dim; i++)
        sum += (double)v[i] * v[i];
    double inv = sum > 0 ? 1.0 / sqrt(sum) : 0;
    for (size_t i = 0; i < dim; i++)
        out[i] = (float)(v[i] * inv);
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
        add_sparse(acc, fam_hash(seed, FAM_TRIGRAM, padded + i, 3), W_TRIGRAM);
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
            add_sparse(acc, fam_hash(seed, FAM_PAIR, pair, sizeof pair), W_PAIR);
        }
        prev = h;
        have_prev = true;
    }
}

/* Features are summed in a full-size array, not in out: sparse features
 * may land anywhere in it (see add_sparse); only [0, dim) is used. */
void oa_vec_text(uint64_t seed, const char *text, size_t len, float *out, size_t dim)
{
    float acc[SPARSE_SPAN];
    memset(acc, 0, sizeof acc);
    /* The exact text always contributes, so whitespace-only texts still get
     * a vector and case or punctuation changes move it a little. */
    add_direction(acc, dim, fam_hash(seed, FAM_TEXT, text, len), W_TEXT);
    add_words(acc, dim, seed, text, len);
    normalise(acc, out, dim);
}

void oa_vec_tokens(uint64_t seed, const int64_t *ids, size_t n, float *out, size_t dim)
{
    float acc[SPARSE_SPAN];
    memset(acc, 0, sizeof acc);
    add_direction(acc, dim, fam_hash(seed, FAM_TEXT, ids, n * sizeof *ids), W_TEXT);
    for (size_t i = 0; i < n; i++) {
        add_direction(acc, dim, fam_hash(seed, FAM_TOKEN, &ids[i], sizeof ids[i]), W_WORD);
        if (i > 0)
            add_sparse(acc, fam_hash(seed, FAM_TOKPAIR, &ids[i - 1], 2 * sizeof ids[i]), W_PAIR);
    }
    normalise(acc, out, dim);
}
