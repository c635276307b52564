#include "oa_embed_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

typedef struct entry {
    atomic_size_t refs; /* the slot's reference plus one per reader */
    uint64_t hash;
    const void *model;
    size_t dims;
    bool base64, tokens;
    size_t klen, vlen;
    char data[]; /* key bytes, then value bytes */
} entry;

struct oa_embed_cache {
    pthread_mutex_t lock;
    size_t mask; /* slots - 1 */
    entry **slots;
};

static uint64_t key_hash(const oa_embed_key *k)
{
    uint64_t seed = (uint64_t)(uintptr_t)k->model ^ (uint64_t)k->dims << 2 ^ (uint64_t)k->base64 << 1 ^ k->tokens;
    return XXH3_64bits_withSeed(k->bytes, k->len, seed);
}

static bool key_equal(const entry *e, uint64_t h, const oa_embed_key *k)
{
    return e->hash == h && e->model == k->model && e->dims == k->dims && e->base64 == k->base64 &&
           e->tokens == k->tokens && e->klen == k->len && memcmp(e->data, k->bytes, k->len) == 0;
}

static void release(entry *e)
{
    if (e && atomic_fetch_sub(&e->refs, 1) == 1)
        free(e);
}

oa_embed_cache *oa_embed_cache_new(size_t slots)
{
    size_t n = 1;
    while (n < slots && n < ((size_t)1 << 20))
        n <<= 1;
    oa_embed_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->slots = calloc(n, sizeof *c->slots);
    if (!c->slots || pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c->slots);
        free(c);
        return NULL;
    }
    c->mask = n - 1;
    return c;
}

void oa_embed_cache_free(oa_embed_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i <= c->mask; i++)
        release(c->slots[i]);
    pthread_mutex_destroy(&c->lock);
    free(c->slots);
    free(c);
}

/* k's entry with a reference taken for the caller, or NULL. */
static entry *lookup(oa_embed_cache *c, const oa_embed_key *k)
{
    if (!c || k->len > OA_EMBED_CACHE_MAX_KEY)
        return NULL;
    uint64_t h = key_hash(k);
    if (pthread_mutex_trylock(&c->lock) != 0)
        return NULL; /* busy: see put */
    entry *e = c->slots[h & c->mask];
    if (e && key_equal(e, h, k))
        atomic_fetch_add(&e->refs, 1);
    else
        e = NULL;
    pthread_mutex_unlock(&c->lock);
    return e;
}

const char *oa_embed_cache_ref(oa_embed_cache *c, const oa_embed_key *k, size_t *len, void **ref)
{
    entry *e = lookup(c, k);
    *ref = e;
    if (!e)
        return NULL;
    *len = e->vlen;
    return e->data + e->klen;
}

void oa_embed_cache_unref(void *ref)
{
    release(ref);
}

bool oa_embed_cache_get(oa_embed_cache *c, const oa_embed_key *k, buf *b, bool *oom)
{
    *oom = false;
    entry *e = lookup(c, k);
    if (!e)
        return false;
    /* Outside the lock: the entry cannot change, and our reference keeps
     * it alive if another thread evicts it meanwhile. */
    bool ok = buf_append(b, e->data + e->klen, e->vlen);
    release(e);
    *oom = !ok;
    return ok;
}

void oa_embed_cache_put(oa_embed_cache *c, const oa_embed_key *k, const char *enc, size_t n)
{
    if (!c || k->len > OA_EMBED_CACHE_MAX_KEY || n > SIZE_MAX - sizeof(entry) - k->len)
        return;
    entry *e = malloc(sizeof *e + k->len + n);
    if (!e)
        return;
    atomic_init(&e->refs, 1);
    e->hash = key_hash(k);
    e->model = k->model;
    e->dims = k->dims;
    e->base64 = k->base64;
    e->tokens = k->tokens;
    e->klen = k->len;
    e->vlen = n;
    if (k->len)
        memcpy(e->data, k->bytes, k->len);
    memcpy(e->data + k->len, enc, n);
    /* Never wait for the cache: on a busy machine the holder may have been
     * preempted, and a thread asleep on this lock serves nobody. A busy
     * cache is a miss, or an entry not stored. */
    if (pthread_mutex_trylock(&c->lock) != 0) {
        free(e);
        return;
    }
    entry **slot = &c->slots[e->hash & c->mask];
    entry *old = *slot;
    *slot = e;
    pthread_mutex_unlock(&c->lock);
    release(old);
}

size_t oa_embed_cache_count(oa_embed_cache *c)
{
    size_t n = 0;
    if (!c)
        return 0;
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i <= c->mask; i++)
        n += c->slots[i] != NULL;
    pthread_mutex_unlock(&c->lock);
    return n;
}
