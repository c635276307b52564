/* The job store: states follow the clock, bounds and eviction, cancel and
 * remove, URL jobs; and the webhook digests (SHA-256, HMAC-SHA256). */
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "lp_fixtures.h"
#include "lp_jobs.h"
#include "lp_webhook.h"
#include "timer.h"

static lp_job *job(uint64_t ready_in_ms)
{
    lp_job *j = lp_job_new();
    j->doc = lp_doc_parse("a.md", "# A\n", 4);
    j->filename = strdup("a.md");
    j->separator = strdup("\n---\n");
    j->params = strdup("{}");
    j->tier = "fast";
    j->ready_ms = timer_now_ms() + ready_in_ms;
    return j;
}

static void get_status(const lp_job *j, lp_status st, void *ctx)
{
    (void)j;
    *(lp_status *)ctx = st;
}

static lp_status status_of(lp_store *s, const char *id)
{
    lp_status st = LP_NSTATUS;
    ck_assert(lp_store_with(s, id, get_status, &st));
    return st;
}

START_TEST(status_follows_the_clock)
{
    lp_store *s = lp_store_new(10, 60000);
    lp_job *j = job(150);
    char id[LP_ID_MAX + 1];
    strcpy(id, j->id);
    ck_assert(lp_store_add(s, j) == LP_ADDED);
    ck_assert_int_eq(status_of(s, id), LP_PENDING);
    usleep(200 * 1000);
    ck_assert_int_eq(status_of(s, id), LP_SUCCESS);
    ck_assert(!lp_store_with(s, "no-such-job", get_status, NULL));
    lp_job *twin = job(0); /* the same id again: refused, never a second job */
    strcpy(twin->id, id);
    ck_assert(lp_store_add(s, twin) == LP_EXISTS);
    lp_job_release(twin);
    lp_store_free(s);
}
END_TEST

START_TEST(bounded_with_ttl_eviction)
{
    lp_store *s = lp_store_new(2, 0); /* finished jobs expire at once */
    lp_job *pending = job(60000), *done = job(0);
    char pid[LP_ID_MAX + 1], did[LP_ID_MAX + 1];
    strcpy(pid, pending->id);
    strcpy(did, done->id);
    ck_assert(lp_store_add(s, pending) == LP_ADDED);
    ck_assert(lp_store_add(s, done) == LP_ADDED);
    lp_job *third = job(0);
    ck_assert(lp_store_add(s, third) == LP_ADDED); /* the finished one made room */
    ck_assert(!lp_store_with(s, did, get_status, &(lp_status){0}));
    ck_assert_int_eq(status_of(s, pid), LP_PENDING); /* accepted jobs are never lost */
    lp_job *fourth = job(60000);
    lp_store *full = lp_store_new(1, 60000);
    lp_job *only = job(60000);
    ck_assert(lp_store_add(full, only) == LP_ADDED);
    ck_assert(lp_store_add(full, fourth) == LP_FULL); /* full of live jobs: refused */
    lp_job_release(fourth);
    lp_store_free(full);
    lp_store_free(s);
}
END_TEST

START_TEST(cancel_and_remove)
{
    lp_store *s = lp_store_new(10, 60000);
    lp_job *j = job(60000);
    char id[LP_ID_MAX + 1];
    strcpy(id, j->id);
    lp_store_add(s, j);
    bool found;
    ck_assert(!lp_store_remove(s, id, &found)); /* still running */
    ck_assert(found);
    lp_status st;
    ck_assert(lp_store_cancel(s, id, &st));
    ck_assert_int_eq(st, LP_CANCELLED);
    ck_assert(!lp_store_cancel(s, id, &st)); /* already terminal */
    ck_assert(lp_store_remove(s, id, &found));
    ck_assert(!lp_store_remove(s, id, &found));
    ck_assert(!found);
    lp_store_free(s);
}
END_TEST

START_TEST(url_jobs_wait_for_their_document)
{
    lp_store *s = lp_store_new(10, 60000);
    lp_job *j = job(0);
    j->fetching = true;
    j->ready_ms = UINT64_MAX;
    j->source_url = strdup("http://x/a.md");
    char id[LP_ID_MAX + 1];
    strcpy(id, j->id);
    lp_store_add(s, j);
    ck_assert_int_eq(status_of(s, id), LP_PENDING);
    lp_store_fetched(s, id, lp_doc_parse("a.md", "# B\n\ntext\n", 10), NULL, 0, 0);
    ck_assert_int_eq(status_of(s, id), LP_SUCCESS);
    lp_job *k = job(0);
    k->fetching = true;
    k->ready_ms = UINT64_MAX;
    k->source_url = strdup("http://x/b.md");
    strcpy(id, k->id);
    lp_store_add(s, k);
    lp_store_fetched(s, id, NULL, "HTTP 404", 0, 0);
    ck_assert_int_eq(status_of(s, id), LP_ERROR);
    lp_store_free(s);
}
END_TEST

START_TEST(digests)
{
    char out[65];
    lp_sha256_hex("abc", 3, out);
    ck_assert_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* RFC 4231, test case 2 */
    lp_hmac_hex("Jefe", "what do ya want for nothing?", 28, out);
    ck_assert_str_eq(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lp_jobs");
    TCase *t = tcase_create("core");
    tcase_add_test(t, status_follows_the_clock);
    tcase_add_test(t, bounded_with_ttl_eviction);
    tcase_add_test(t, cancel_and_remove);
    tcase_add_test(t, url_jobs_wait_for_their_document);
    tcase_add_test(t, digests);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
