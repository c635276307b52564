/* The way another team's C test suite uses mockworks: only <mockworks.h>,
 * built with `pkg-config --cflags --libs mockworks` (run.sh installs the
 * library into a scratch prefix first), and libcurl as the client under
 * test would use it. */
#include <check.h>
#include <curl/curl.h>
#include <dirent.h>
#include <mockworks.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef struct reply {
    long status;
    char body[8192];
    size_t len;
} reply;

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
    reply *r = ctx;
    size_t take = size * n;
    if (take > sizeof r->body - 1 - r->len)
        take = sizeof r->body - 1 - r->len;
    memcpy(r->body + r->len, p, take);
    r->len += take;
    r->body[r->len] = '\0';
    return size * n;
}

/* One request; mime (may be NULL) is sent as a multipart form; header (may
 * be NULL) is one more request header, e.g. "x-test-id: t1". */
static reply call_with(const char *url, const char *json, curl_mime *mime, const char *header)
{
    reply r = {0};
    CURL *c = curl_easy_init();
    ck_assert_ptr_nonnull(c);
    struct curl_slist *h = curl_slist_append(NULL, "Authorization: Bearer sk-test");
    if (header)
        h = curl_slist_append(h, header);
    if (json)
        h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    if (json)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
    if (mime)
        curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
    ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return r;
}

static reply call(const char *url, const char *json, curl_mime *mime)
{
    return call_with(url, json, mime, NULL);
}

static reply embed(const mockworks *m)
{
    char url[128];
    snprintf(url, sizeof url, "%s/v1/embeddings", mockworks_url(m));
    return call(url, "{\"model\":\"text-embedding-3-small\",\"input\":\"a cat on a mat\"}", NULL);
}

START_TEST(embeddings_with_a_fault_and_the_journal)
{
    char err[256];
    mockworks *m = mockworks_start(MOCKWORKS_OPENAI, NULL, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    ck_assert_uint_gt(mockworks_port(m), 0);
    ck_assert_int_eq(embed(m).status, 200);

    long id = mockworks_fault_add(m, "{\"path\":\"/v1/embeddings\",\"status\":429,\"times\":1}", err, sizeof err);
    ck_assert_msg(id > 0, "%s", err);
    reply limited = embed(m);
    ck_assert_int_eq(limited.status, 429);
    ck_assert_ptr_nonnull(strstr(limited.body, "\"rate_limit_exceeded\""));
    ck_assert_int_eq(embed(m).status, 200); /* times: 1 */

    ck_assert_uint_eq(mockworks_request_count(m, "/v1/embeddings", "POST", 0), 3);
    ck_assert_uint_eq(mockworks_request_count(m, "/v1/*", NULL, 429), 1);
    char *json = mockworks_requests_json(m, "/v1/embeddings", NULL, 429, 0);
    ck_assert_ptr_nonnull(json);
    ck_assert_ptr_nonnull(strstr(json, "\"fault\":\"rule "));
    free(json);

    ck_assert(mockworks_fault_remove(m, id));
    ck_assert(!mockworks_fault_remove(m, id));
    mockworks_reset(m);
    ck_assert_uint_eq(mockworks_request_count(m, NULL, NULL, 0), 0);
    mockworks_stop(m);
}
END_TEST

/* Tests sharing a server keep apart by x-test-id: a rule with "test_id"
 * acts on that test's requests only, and GET /__control/report?test_id=
 * says whether its client retried as it should (README "In your test suite"). */
START_TEST(a_tests_own_faults_and_its_report)
{
    char err[256], url[256];
    mockworks *m = mockworks_start(MOCKWORKS_OPENAI, NULL, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    long id = mockworks_fault_add(m,
        "{\"test_id\":\"c-test-1\",\"path\":\"/v1/embeddings\",\"status\":429,\"times\":1,"
        "\"headers\":{\"retry-after-ms\":\"50\",\"retry-after\":\"0\"}}", err, sizeof err);
    ck_assert_msg(id > 0, "%s", err);
    snprintf(url, sizeof url, "%s/v1/embeddings", mockworks_url(m));
    const char *body = "{\"model\":\"text-embedding-3-small\",\"input\":\"scoped\"}";
    ck_assert_int_eq(call_with(url, body, NULL, "x-test-id: c-test-2").status, 200);
    ck_assert_int_eq(call_with(url, body, NULL, "x-test-id: c-test-1").status, 429);
    usleep(80000); /* the retry waits what the 429 asked for */
    ck_assert_int_eq(call_with(url, body, NULL, "x-test-id: c-test-1").status, 200);

    snprintf(url, sizeof url, "%s/__control/report?test_id=c-test-1", mockworks_url(m));
    reply report = call(url, NULL, NULL);
    ck_assert_int_eq(report.status, 200);
    ck_assert_msg(strstr(report.body, "\"clean\":true") != NULL, "%s", report.body);
    snprintf(url, sizeof url, "%s/__control/reset?test_id=c-test-1", mockworks_url(m));
    ck_assert_int_eq(call(url, "", NULL).status, 204);
    ck_assert_uint_eq(mockworks_request_count(m, "/v1/embeddings", NULL, 0), 1); /* c-test-2's */
    mockworks_stop(m);
}
END_TEST

START_TEST(bad_rules_and_flags_are_refused_with_a_reason)
{
    char err[256];
    mockworks *m = mockworks_start(MOCKWORKS_OPENAI, NULL, err, sizeof err);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(mockworks_fault_add(m, "{\"status\":\"soon\"}", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "status"));
    ck_assert_int_eq(mockworks_fault_add(m, "not json", err, sizeof err), -1);
    /* An array is all or nothing: the good first rule was not kept. */
    ck_assert_int_eq(mockworks_fault_add(m, "[{\"status\":500},{\"times\":-1}]", err, sizeof err), -1);
    ck_assert_int_eq(embed(m).status, 200);
    mockworks_faults_clear(m);
    mockworks_stop(m);

    const char *bad[] = {"--threads", "many", NULL};
    ck_assert_ptr_null(mockworks_start(MOCKWORKS_OPENAI, bad, err, sizeof err));
    ck_assert_str_ne(err, "");
    const char *missing[] = {"--faults", "/nonexistent/faults.json", NULL};
    ck_assert_ptr_null(mockworks_start(MOCKWORKS_LLAMAPARSE, missing, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/faults.json"));
}
END_TEST

/* Poll a job until it leaves PENDING (the job store is clock-driven). */
static reply poll_job(const mockworks *m, const char *id)
{
    char url[256];
    snprintf(url, sizeof url, "%s/api/v1/parsing/job/%s", mockworks_url(m), id);
    reply r = {0};
    for (int i = 0; i < 100; i++) {
        r = call(url, NULL, NULL);
        if (!strstr(r.body, "\"PENDING\""))
            break;
        usleep(20000);
    }
    return r;
}

START_TEST(two_servers_at_once_and_a_parse_job)
{
    char err[256];
    const char *args[] = {"--job-delay-ms", "0", "--job-ms-per-page", "0", NULL};
    mockworks *oa = mockworks_start(MOCKWORKS_OPENAI, NULL, err, sizeof err);
    mockworks *lp = mockworks_start(MOCKWORKS_LLAMAPARSE, args, err, sizeof err);
    ck_assert_msg(oa && lp, "%s", err);
    ck_assert_str_ne(mockworks_url(oa), mockworks_url(lp));
    char expect[64];
    snprintf(expect, sizeof expect, "http://127.0.0.1:%u", mockworks_port(lp));
    ck_assert_str_eq(mockworks_url(lp), expect);

    const char *v6[] = {"--host", "::1", NULL};
    mockworks *six = mockworks_start(MOCKWORKS_OPENAI, v6, err, sizeof err);
    if (six) { /* a machine without IPv6 loopback cannot listen there */
        snprintf(expect, sizeof expect, "http://[::1]:%u", mockworks_port(six));
        ck_assert_str_eq(mockworks_url(six), expect);
        ck_assert_int_eq(embed(six).status, 200);
        mockworks_stop(six);
    }

    CURL *c = curl_easy_init();
    curl_mime *mime = curl_mime_init(c);
    curl_mimepart *part = curl_mime_addpart(mime);
    curl_mime_name(part, "file");
    curl_mime_filename(part, "policy.txt");
    curl_mime_data(part, "POLICY\nThe deductible is 500 dollars.\n", CURL_ZERO_TERMINATED);
    char url[256];
    snprintf(url, sizeof url, "%s/api/v1/parsing/upload", mockworks_url(lp));
    reply up = call(url, NULL, mime);
    curl_mime_free(mime);
    curl_easy_cleanup(c);
    ck_assert_int_eq(up.status, 200);
    char id[64] = {0};
    const char *p = strstr(up.body, "\"id\":\"");
    ck_assert_ptr_nonnull(p);
    sscanf(p + 6, "%63[^\"]", id);

    reply job = poll_job(lp, id);
    ck_assert_msg(strstr(job.body, "\"SUCCESS\"") != NULL, "%s", job.body);
    snprintf(url, sizeof url, "%s/api/v1/parsing/job/%s/result/markdown", mockworks_url(lp), id);
    reply md = call(url, NULL, NULL);
    ck_assert_ptr_nonnull(strstr(md.body, "deductible is 500 dollars"));
    ck_assert_int_eq(embed(oa).status, 200);
    ck_assert_uint_eq(mockworks_request_count(oa, NULL, NULL, 0), 1);
    ck_assert_uint_ge(mockworks_request_count(lp, "/api/v1/parsing/*", "GET", 200), 2);
    mockworks_stop(lp);
    mockworks_stop(oa);
}
END_TEST

static pthread_t handled_on;
static atomic_int handled;

static void on_usr1(int sig)
{
    (void)sig;
    handled_on = pthread_self();
    atomic_fetch_add(&handled, 1);
}

/* How many of this process's threads, other than the caller, leave sig
 * unblocked (from each /proc/self/task/<tid>/status SigBlk mask). */
static int threads_taking(int sig)
{
    DIR *d = opendir("/proc/self/task");
    ck_assert_ptr_nonnull(d);
    int open_ = 0;
    long self = (long)syscall(SYS_gettid);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || atol(e->d_name) == self)
            continue;
        char path[300], line[256];
        snprintf(path, sizeof path, "/proc/self/task/%s/status", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue; /* the thread ended meanwhile */
        while (fgets(line, sizeof line, f)) {
            unsigned long long mask;
            if (sscanf(line, "SigBlk: %llx", &mask) == 1 && !(mask & (1ULL << (sig - 1))))
                open_++;
        }
        fclose(f);
    }
    closedir(d);
    return open_;
}

/* A library must leave the host's signals alone: the caller's mask is as it
 * was, and a process-directed signal reaches the host's own thread (every
 * thread the library starts blocks all signals), many times over while
 * requests, a parse job and its webhook thread are busy. */
START_TEST(the_host_keeps_its_signals)
{
    sigset_t before, after;
    pthread_sigmask(SIG_SETMASK, NULL, &before);
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    ck_assert_int_eq(sigaction(SIGUSR1, &sa, NULL), 0);
    char err[256];
    const char *args[] = {"--job-delay-ms", "0", NULL};
    mockworks *oa = mockworks_start(MOCKWORKS_OPENAI, NULL, err, sizeof err);
    mockworks *lp = mockworks_start(MOCKWORKS_LLAMAPARSE, args, err, sizeof err);
    ck_assert_msg(oa && lp, "%s", err);
    pthread_sigmask(SIG_SETMASK, NULL, &after);
    for (int s = 1; s < NSIG; s++)
        ck_assert_int_eq(sigismember(&before, s), sigismember(&after, s));
    ck_assert_int_eq(threads_taking(SIGUSR1), 0);
    ck_assert_int_eq(threads_taking(SIGTERM), 0);
    for (int i = 0; i < 50; i++) {
        ck_assert_int_eq(embed(oa).status, 200);
        ck_assert_int_eq(kill(getpid(), SIGUSR1), 0);
        ck_assert_int_eq(atomic_load(&handled), i + 1); /* delivered before kill returns: to this thread */
        ck_assert(pthread_equal(handled_on, pthread_self()));
    }
    mockworks_stop(lp);
    mockworks_stop(oa);
    signal(SIGUSR1, SIG_DFL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("inprocess");
    TCase *tc = tcase_create("mockworks");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, embeddings_with_a_fault_and_the_journal);
    tcase_add_test(tc, a_tests_own_faults_and_its_report);
    tcase_add_test(tc, bad_rules_and_flags_are_refused_with_a_reason);
    tcase_add_test(tc, two_servers_at_once_and_a_parse_job);
    tcase_add_test(tc, the_host_keeps_its_signals);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    curl_global_cleanup();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
