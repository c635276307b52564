#include "reqid.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

static atomic_uint_fast64_t counter;
static uint64_t seed;
static pthread_once_t seed_once = PTHREAD_ONCE_INIT;

static void init_seed(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t parts[3] = {(uint64_t)ts.tv_sec, (uint64_t)ts.tv_nsec, (uint64_t)getpid()};
    seed = XXH3_64bits(parts, sizeof parts);
}

void reqid_next(char out[REQID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    pthread_once(&seed_once, init_seed);
    uint64_t n = atomic_fetch_add(&counter, 1);
    XXH128_hash_t h = XXH3_128bits_withSeed(&n, sizeof n, seed);
    memcpy(out, "req_", 4);
    for (int i = 0; i < 16; i++) {
        out[4 + i] = hex[(h.high64 >> (60 - 4 * i)) & 15];
        out[20 + i] = hex[(h.low64 >> (60 - 4 * i)) & 15];
    }
    out[REQID_LEN] = '\0';
}
