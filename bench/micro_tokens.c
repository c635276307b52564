/* What exact token counting costs an embeddings request (issue 14's "the hot
 * path must not lose more than 10 %"): thread CPU time of oa_bpe_count on the
 * texts bench/post_varied.lua sends ("The quick brown fox jumps over the lazy
 * dog <id>-<n>", each new), best of 15 rounds of 20,000, in the embeddings
 * models' encoding (cl100k_base). bench/token_share.sh divides it by the
 * server's CPU per varied request (bench/cpu_per_req.sh) from the same run.
 * Built by bench/token_share.sh against build-bench's libraries. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "oa_bpe.h"

#define ROUNDS 15
#define PER_ROUND 20000

static double thread_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(void)
{
    char text[96];
    size_t sink = oa_bpe_count(OA_BPE_CL100K, "load", 4); /* the vocabulary loads once, outside the timing */
    double best = 1e30;
    unsigned long n = 0;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = thread_ns();
        for (int i = 0; i < PER_ROUND; i++) {
            int len = snprintf(text, sizeof text, "The quick brown fox jumps over the lazy dog %d-%lu", r % 2, ++n);
            sink += oa_bpe_count(OA_BPE_CL100K, text, (size_t)len);
        }
        double per = (thread_ns() - t0) / PER_ROUND;
        best = per < best ? per : best;
    }
    printf("%.0f\n", best); /* ns per count */
    return sink == 0; /* keeps the calls; never 0 */
}
