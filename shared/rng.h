/* rng: splitmix64, the small seeded generator every deterministic part of
 * the mocks uses (vectors, replies, synthetic documents, fault triggers):
 * the same seed gives the same sequence on every machine.
 *
 *     uint64_t s = seed;
 *     uint64_t a = rng_next(&s), b = rng_next(&s);
 */
#ifndef MW_RNG_H
#define MW_RNG_H

#include <stdint.h>

static inline uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#endif
