/* Micro-benchmark of the embeddings hot path without the server: thread CPU
 * time per 1536-d vector (oa_vec_text) and per float printed (fmt_f32_list),
 * best of 15 rounds of 2,000 vectors, for one sentence over and over and
 * for 256 texts of nine random common words. Not built by meson; from the
 * repository root:
 *
 *   gcc -O3 -ffp-contract=off -Ishared -Imock_openai bench/micro_embed.c \
 *       mock_openai/oa_vector.c shared/fmt_float.c -lxxhash -lm -o /tmp/micro_embed
 *   /tmp/micro_embed
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fmt_float.h"
#include "oa_vector.h"
#include "rng.h"

#define DIM 1536
#define NTEXTS 256
#define ROUNDS 15
#define PER_ROUND 2000

static const char *const vocab[] = {
    "time", "person", "year",  "way",   "day",   "thing", "man",   "world", "life",  "hand",  "part",
    "child", "eye",   "woman", "place", "work",  "week",  "case",  "point", "group", "number", "fact",
    "have", "say",    "get",   "make",  "know",  "take",  "see",   "come",  "think", "look",  "want",
    "give", "use",    "find",  "tell",  "ask",   "seem",  "feel",  "try",   "leave", "call",  "good",
    "new",  "first",  "last",  "long",  "great", "little", "own",  "other", "old",   "right", "big",
    "the",  "and",    "a",     "of",    "in",    "for",   "on",    "with",  "at",    "by",    "from",
};
#define NVOCAB (sizeof vocab / sizeof vocab[0])

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Best-of-ROUNDS seconds per vector to compute, and to print, texts[i % n]. */
static void measure(const char *label, char (*texts)[128], size_t n)
{
    static float v[NTEXTS][DIM];
    static char out[DIM * (FMT_F32_MAX + 1)];
    uint64_t seed = oa_vec_seed("text-embedding-3-small");
    double best_vec = 1e9, best_fmt = 1e9;
    size_t bytes = 0;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = cpu_now();
        for (size_t i = 0; i < PER_ROUND; i++)
            oa_vec_text(seed, texts[i % n], strlen(texts[i % n]), v[i % n], DIM);
        double t1 = cpu_now();
        for (size_t i = 0; i < PER_ROUND; i++)
            bytes += fmt_f32_list(out, v[i % n], DIM);
        double t2 = cpu_now();
        if ((t1 - t0) / PER_ROUND < best_vec)
            best_vec = (t1 - t0) / PER_ROUND;
        if ((t2 - t1) / PER_ROUND < best_fmt)
            best_fmt = (t2 - t1) / PER_ROUND;
    }
    printf("%-28s vector %5.2f us   print %5.2f us (%.2f ns/float)   [%zu bytes]\n", label, best_vec * 1e6,
           best_fmt * 1e6, best_fmt / DIM * 1e9, bytes);
}

int main(void)
{
    static char texts[NTEXTS][128];
    strcpy(texts[0], "The quick brown fox jumps over the lazy dog");
    measure("one sentence, repeated", texts, 1);
    uint64_t st = 7;
    for (size_t i = 0; i < NTEXTS; i++) {
        texts[i][0] = '\0';
        for (int w = 0; w < 9; w++) {
            strcat(texts[i], vocab[rng_next(&st) % NVOCAB]);
            strcat(texts[i], w < 8 ? " " : "");
        }
    }
    measure("256 texts of random words", texts, NTEXTS);
    return 0;
}
