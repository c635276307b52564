/* The logger: text and JSON lines, levels, escaping, nothing lost on shutdown. */
#include <cJSON.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "log.h"

/* Run fn with the logger writing into a temporary file; return what it
 * wrote. A file, not a pipe: a pipe read only after log_shutdown() would
 * block the flusher once its buffer filled (as small as 4 KiB when the
 * machine is short of pipe pages), and the test would hang. */
static char *capture(log_format fmt, log_level lvl, void (*fn)(void))
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert(log_init(fmt, lvl, fileno(f)));
    fn();
    log_shutdown();
    static char out[1 << 17];
    rewind(f);
    size_t n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    fclose(f);
    return out;
}

static void some_requests(void)
{
    log_access a = {"req_1", "GET", "/health", 200, 0.5, 42};
    log_request(&a);
    log_access b = {"req_2", "POST", "/x\"y\n", 404, 1.25, 7};
    log_request(&b);
    log_msg(LOG_DEBUG, "hidden at info");
    log_msg(LOG_WARN, "careful: %d", 3);
}

START_TEST(text_lines)
{
    char *out = capture(LOG_TEXT, LOG_INFO, some_requests);
    ck_assert_ptr_nonnull(strstr(out, " info req_1 GET /health 200 0.500ms 42B\n"));
    ck_assert_ptr_nonnull(strstr(out, " info req_2 POST /x\"y\\x0a 404 1.250ms 7B\n"));
    ck_assert_ptr_nonnull(strstr(out, " warn careful: 3\n"));
    ck_assert_ptr_null(strstr(out, "hidden"));
}
END_TEST

START_TEST(json_lines_parse)
{
    char *out = capture(LOG_JSON, LOG_INFO, some_requests);
    int lines = 0;
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        cJSON *j = cJSON_Parse(line);
        ck_assert_msg(j != NULL, "not JSON: %s", line);
        ck_assert_ptr_nonnull(cJSON_GetObjectItem(j, "ts"));
        if (lines == 1) {
            ck_assert_str_eq(cJSON_GetObjectItem(j, "path")->valuestring, "/x\"y\n");
            ck_assert_int_eq(cJSON_GetObjectItem(j, "status")->valueint, 404);
        }
        cJSON_Delete(j);
    }
    ck_assert_int_eq(lines, 3);
}
END_TEST

static void many(void)
{
    for (int i = 0; i < 1000; i++) {
        log_access a = {"req_x", "GET", "/loop", 200, 0.1, 1};
        log_request(&a);
    }
}

START_TEST(shutdown_flushes_everything)
{
    char *out = capture(LOG_TEXT, LOG_INFO, many);
    int n = 0;
    for (char *p = out; (p = strstr(p, "/loop")); p++)
        n++;
    ck_assert_int_eq(n, 1000);
    ck_assert_uint_eq(log_dropped(), 0);
}
END_TEST

START_TEST(parse_names)
{
    log_level l;
    log_format f;
    ck_assert(log_parse_level("warn", &l) && l == LOG_WARN);
    ck_assert(!log_parse_level("loud", &l));
    ck_assert(log_parse_format("json", &f) && f == LOG_JSON);
    ck_assert(!log_parse_format("xml", &f));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("log");
    TCase *t = tcase_create("core");
    tcase_add_test(t, text_lines);
    tcase_add_test(t, json_lines_parse);
    tcase_add_test(t, shutdown_flushes_everything);
    tcase_add_test(t, parse_names);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
