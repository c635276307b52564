/* The embeddings cache: exact keys, bounded, byte-identical answers, and
 * safe under concurrent readers and writers (run under TSan in CI). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "oa_embed_cache.h"
#include "oa_embed_resp.h"

static const int model_a = 1, model_b = 2; /* identities only */

static oa_embed_key key(const void *model, size_t dims, bool base64, const char *text)
{
    return (oa_embed_key){model, dims, base64, false, text, strlen(text)};
}

/* Get into a fresh buf; returns its text (caller frees) or NULL on a miss. */
static char *get(oa_embed_cache *c, const oa_embed_key *k)
{
    buf b = BUF_INIT;
    bool oom;
    if (!oa_embed_cache_get(c, k, &b, &oom)) {
        ck_assert(!oom);
        buf_free(&b);
        return NULL;
    }
    return buf_release(&b);
}

START_TEST(hit_needs_the_whole_key)
{
    oa_embed_cache *c = oa_embed_cache_new(64);
    ck_assert_ptr_nonnull(c);
    oa_embed_key k = key(&model_a, 1536, false, "hello");
    oa_embed_cache_put(c, &k, "[0.5]", 5);
    char *s = get(c, &k);
    ck_assert_str_eq(s, "[0.5]");
    free(s);
    oa_embed_key other[] = {key(&model_b, 1536, false, "hello"), key(&model_a, 256, false, "hello"),
                            key(&model_a, 1536, true, "hello"), key(&model_a, 1536, false, "hellO"),
                            key(&model_a, 1536, false, "hell")};
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
        ck_assert_ptr_null(get(c, &other[i]));
    oa_embed_key tokens = k;
    tokens.tokens = true;
    ck_assert_ptr_null(get(c, &tokens));
    oa_embed_cache_free(c);
}
END_TEST

START_TEST(bounded)
{
    oa_embed_cache *c = oa_embed_cache_new(10); /* rounded up to 16 slots */
    ck_assert_ptr_nonnull(c);
    char text[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(text, sizeof text, "text %d", i);
        oa_embed_key k = key(&model_a, 8, false, text);
        oa_embed_cache_put(c, &k, "[1.0]", 5);
    }
    ck_assert_uint_le(oa_embed_cache_count(c), 16);
    static char big[OA_EMBED_CACHE_MAX_KEY + 2];
    memset(big, 'x', sizeof big - 1);
    oa_embed_key k = key(&model_a, 8, false, big);
    oa_embed_cache_put(c, &k, "[1.0]", 5);
    ck_assert_ptr_null(get(c, &k));
    oa_embed_cache_free(c);
    oa_embed_cache_free(NULL);
    bool oom;
    buf b = BUF_INIT;
    ck_assert(!oa_embed_cache_get(NULL, &k, &b, &oom) && !oom);
    oa_embed_cache_put(NULL, &k, "x", 1);
}
END_TEST

static oa_ctx ctx;

static char *write_body(const char *body, oa_embed_cache *cache)
{
    oa_embed_req q;
    oa_err e;
    ck_assert_msg(oa_embed_parse(&ctx, body, strlen(body), &q, &e), "%s", e.message);
    buf b = BUF_INIT;
    ck_assert(oa_embed_write(&b, &q, cache, NULL));
    oa_embed_req_free(&q);
    return buf_release(&b);
}

/* A cached answer is the very same bytes as a computed one. */
START_TEST(cached_answers_are_identical)
{
    char err[100];
    ck_assert(oa_ctx_models(&ctx, NULL, err, sizeof err));
    const char *bodies[] = {
        "{\"model\":\"text-embedding-3-small\",\"input\":\"The quick brown fox\"}",
        "{\"model\":\"text-embedding-3-small\",\"input\":\"The quick brown fox\",\"encoding_format\":\"base64\"}",
        "{\"model\":\"text-embedding-3-small\",\"input\":\"The quick brown fox\",\"dimensions\":17}",
        "{\"model\":\"text-embedding-3-large\",\"input\":[\"The quick brown fox\",\"a b\"]}",
        "{\"model\":\"text-embedding-3-small\",\"input\":[9906,1917]}",
        "{\"model\":\"text-embedding-3-small\",\"input\":[[9906,1917],[1]]}",
    };
    oa_embed_cache *c = oa_embed_cache_new(4096);
    ck_assert_ptr_nonnull(c);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
            char *plain = write_body(bodies[i], NULL), *cached = write_body(bodies[i], c);
            ck_assert_msg(strcmp(plain, cached) == 0, "round %d, body %zu differs", round, i);
            free(plain);
            free(cached);
        }
    }
    /* Seven distinct keys: token ids are decoded to their text, so body 6's
     * first input is body 5's ("Hello world"). The cache is direct-mapped
     * and keys hash the model's address, which moves from run to run: with
     * 4096 slots, losing more than two keys to collisions is a 1-in-10^5
     * event. */
    ck_assert_uint_ge(oa_embed_cache_count(c), 5);
    oa_embed_cache_free(c);
}
END_TEST

/* A batch over OA_EMBED_CACHE_MAX_BATCH inputs reads the cache but adds nothing. */
START_TEST(large_batches_do_not_fill_it)
{
    char err[100];
    ck_assert(oa_ctx_models(&ctx, NULL, err, sizeof err));
    char body[512] = "{\"model\":\"text-embedding-3-small\",\"input\":[";
    for (int i = 0; i <= OA_EMBED_CACHE_MAX_BATCH; i++)
        snprintf(body + strlen(body), sizeof body - strlen(body), "%s\"text %d\"", i ? "," : "", i);
    strcat(body, "]}");
    oa_embed_cache *c = oa_embed_cache_new(64);
    ck_assert_ptr_nonnull(c);
    free(write_body(body, c));
    ck_assert_uint_eq(oa_embed_cache_count(c), 0);
    oa_embed_cache_free(c);
}
END_TEST

static oa_embed_cache *shared_cache;

/* Readers and writers on a few keys of a tiny cache, so entries are evicted
 * while others read them: what each reader gets must be whole and right. */
static void *hammer(void *arg)
{
    long id = (long)arg;
    char text[16], val[32];
    for (int i = 0; i < 20000; i++) {
        int n = (int)((i * 7 + id) % 12);
        snprintf(text, sizeof text, "k%d", n);
        snprintf(val, sizeof val, "[value of k%d]", n);
        oa_embed_key k = key(&model_a, 4, false, text);
        char *got = get(shared_cache, &k);
        if (got) {
            ck_assert_str_eq(got, val);
            free(got);
        } else {
            oa_embed_cache_put(shared_cache, &k, val, strlen(val));
        }
    }
    return NULL;
}

START_TEST(concurrent_use)
{
    shared_cache = oa_embed_cache_new(4);
    ck_assert_ptr_nonnull(shared_cache);
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, hammer, (void *)i), 0);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_join(t[i], NULL), 0);
    oa_embed_cache_free(shared_cache);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("embed_cache");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, hit_needs_the_whole_key);
    tcase_add_test(t, bounded);
    tcase_add_test(t, cached_answers_are_identical);
    tcase_add_test(t, large_batches_do_not_fill_it);
    tcase_add_test(t, concurrent_use);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
