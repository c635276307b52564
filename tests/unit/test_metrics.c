/* Prometheus metrics: counters by label set, cumulative histogram, faults. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "metrics.h"

static void extra(buf *out, void *ctx)
{
    buf_printf(out, "mock_extra %d\n", *(int *)ctx);
}

START_TEST(exposition)
{
    metrics *m = metrics_new();
    metrics_record(m, &(metrics_in){"/v1/embeddings", "POST", 200, 0.003, NULL, NULL});
    metrics_record(m, &(metrics_in){"/v1/embeddings", "POST", 200, 0.2, NULL, NULL});
    metrics_record(m, &(metrics_in){"/v1/embeddings", "POST", 429, 0.0001, "3", "status"});
    metrics_record(m, &(metrics_in){"unmatched", "BREW", 404, 20, NULL, NULL});
    int seven = 7;
    ck_assert(metrics_add_writer(m, extra, &seven));
    buf b = BUF_INIT;
    metrics_write(m, &b);
    const char *want[] = {
        "# TYPE mock_requests_total counter\n",
        "mock_requests_total{route=\"/v1/embeddings\",method=\"POST\",status=\"200\"} 2\n",
        "mock_requests_total{route=\"/v1/embeddings\",method=\"POST\",status=\"429\"} 1\n",
        "mock_requests_total{route=\"unmatched\",method=\"OTHER\",status=\"404\"} 1\n",
        "mock_request_duration_seconds_bucket{le=\"0.001\"} 1\n",
        "mock_request_duration_seconds_bucket{le=\"0.005\"} 2\n",
        "mock_request_duration_seconds_bucket{le=\"0.25\"} 3\n",
        "mock_request_duration_seconds_bucket{le=\"10\"} 3\n",
        "mock_request_duration_seconds_bucket{le=\"+Inf\"} 4\n",
        "mock_request_duration_seconds_count 4\n",
        "mock_faults_injected_total{rule=\"3\",kind=\"status\"} 1\n",
        "mock_extra 7\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(b.data, want[i]) != NULL, "missing: %s", want[i]);
    buf_free(&b);
    metrics_free(m);
}
END_TEST

START_TEST(label_sets_are_bounded)
{
    metrics *m = metrics_new();
    char route[32];
    for (int i = 0; i < METRICS_MAX_SERIES + 50; i++) {
        snprintf(route, sizeof route, "/r%d", i);
        metrics_record(m, &(metrics_in){route, "GET", 200, 0.001, NULL, NULL});
    }
    buf b = BUF_INIT;
    metrics_write(m, &b);
    ck_assert_ptr_nonnull(strstr(b.data, "mock_requests_total{route=\"other\",method=\"OTHER\",status=\"0\"} 51\n"));
    ck_assert_ptr_null(strstr(b.data, "/r300\""));
    buf_free(&b);
    metrics_free(m);
}
END_TEST

/* Found by the soak: past the table's size every rule was counted under
 * the 256th rule's label. */
START_TEST(fault_series_are_bounded_under_other)
{
    metrics *m = metrics_new();
    char rule[32];
    for (int i = 1; i <= METRICS_MAX_SERIES + 50; i++) {
        snprintf(rule, sizeof rule, "%d", i);
        metrics_record(m, &(metrics_in){"/v1/embeddings", "POST", 503, 0.001, rule, "status"});
    }
    buf b = BUF_INIT;
    metrics_write(m, &b);
    ck_assert_ptr_nonnull(strstr(b.data, "mock_faults_injected_total{rule=\"255\",kind=\"status\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(b.data, "mock_faults_injected_total{rule=\"other\",kind=\"other\"} 51\n"));
    ck_assert_ptr_null(strstr(b.data, "rule=\"256\""));
    buf_free(&b);
    metrics_free(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *t = tcase_create("core");
    tcase_add_test(t, exposition);
    tcase_add_test(t, label_sets_are_bounded);
    tcase_add_test(t, fault_series_are_bounded_under_other);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
