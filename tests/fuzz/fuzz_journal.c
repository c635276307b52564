/* GET /__control/requests filters: the fuzz input's first line is the query
 * string ("path=/v1/e*&method=post&status=200&limit=2", split on & and =,
 * %XX and + decoded as libmicrohttpd would), every later line a journal
 * entry "METHOD PATH STATUS". The control API's own route handler
 * (control/control_journal.c: read_filter, static, so reached through the route on
 * a fake request) parses the filter and journal_write_json (journal.c)
 * answers from a journal of 8 entries, so a longer input wraps the ring.
 *
 * Beyond "no crash, no leak": a bad status or limit gives 400 with a JSON
 * error; otherwise the answer is valid JSON {"requests":[...]} with at most
 * `limit` entries (when given), none beyond the ring's 8 or the entries
 * recorded, each one passing the method and path filters. */
#include <cJSON.h>
#include <fnmatch.h>
#include <string.h>
#include <strings.h>

#include "control.h"
#include "faults_internal.h"
#include "fuzz_common.h"

#define CAP 8
#define MAX_ENTRIES 64

static int hex(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* In place: "+" is a space, "%XX" a byte (a bad escape stays as is). */
static void unescape(char *s)
{
    char *w = s;
    for (char *p = s; *p; p++) {
        if (*p == '+') {
            *w++ = ' ';
        } else if (*p == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
            *w++ = (char)(hex(p[1]) * 16 + hex(p[2]));
            p += 2;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
}

/* Split the query in place into the lookup table; values stay in q. */
static void add_query(char *q)
{
    char *save = NULL;
    for (char *kv = strtok_r(q, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        if (eq)
            *eq = '\0';
        unescape(kv);
        if (eq)
            unescape(eq + 1);
        /* Lookups find the first of a repeated argument, as libmicrohttpd's
         * do; arguments past the table's room are dropped, like unread ones. */
        if (!fuzz_query_add(kv, eq ? eq + 1 : ""))
            return;
    }
}

static void record(journal *j, char *line, size_t *n)
{
    char *save = NULL, *method = strtok_r(line, " ", &save), *path = strtok_r(NULL, " ", &save);
    char *status = strtok_r(NULL, " ", &save);
    if (!method || !path)
        return;
    journal_in in = {.request_id = "req_1", .method = method, .path = path, .query = "",
                     .status = status ? atoi(status) : 200, .duration_ms = 1.5, .retry_after_ms = -1, .should_retry = -1};
    journal_record(j, &in);
    (*n)++;
}

static void check_answer(const srv_req *r, size_t recorded)
{
    FUZZ_CHECK(fuzz_json_valid(r->resp.data, r->resp.len));
    const char *limit = fuzz_query_get("limit"), *method = fuzz_query_get("method"), *path = fuzz_query_get("path");
    cJSON *j = cJSON_Parse(r->resp.data);
    const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(j, "requests");
    FUZZ_CHECK(cJSON_IsArray(reqs));
    size_t n = (size_t)cJSON_GetArraySize(reqs);
    FUZZ_CHECK(n <= CAP && n <= recorded);
    long lim = limit ? strtol(limit, NULL, 10) : 0;
    if (lim > 0)
        FUZZ_CHECK(n <= (size_t)lim);
    for (const cJSON *e = reqs->child; e; e = e->next) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "method");
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "path");
        FUZZ_CHECK(cJSON_IsString(m) && cJSON_IsString(p));
        /* Invalid UTF-8 comes back as U+FFFD: not the bytes that were matched. */
        if (method && !strstr(m->valuestring, "\xef\xbf\xbd"))
            FUZZ_CHECK(strcasecmp(method, m->valuestring) == 0);
        if (path && !strstr(p->valuestring, "\xef\xbf\xbd"))
            FUZZ_CHECK(fnmatch(path, p->valuestring, 0) == 0);
    }
    cJSON_Delete(j);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    char *nl = strchr(text, '\n');
    if (nl)
        *nl = '\0';

    faults *f = faults_new();
    journal *j = journal_new(CAP);
    control *ctl = f && j ? control_new(NULL, f, j) : NULL;
    FUZZ_CHECK(ctl);
    size_t recorded = 0;
    char *save = NULL;
    for (char *line = nl ? strtok_r(nl + 1, "\n", &save) : NULL; line && recorded < MAX_ENTRIES;
         line = strtok_r(NULL, "\n", &save))
        record(j, line, &recorded);

    fuzz_headers_reset();
    add_query(text);
    srv_routes t = {0};
    control_routes(ctl, &t);
    FUZZ_CHECK(srv_routes_ok(&t));
    const srv_route *routes = t.v;
    size_t nroutes = t.n;
    srv_req *r = fuzz_req_new("GET", "/__control/requests", "", 0);
    FUZZ_CHECK(router_match(routes, nroutes, "GET", "/__control/requests", &r->match) == ROUTE_FOUND);
    r->match.route->fn(r, ctl);
    if (r->status == 400) {
        FUZZ_CHECK(fuzz_json_valid(r->resp.data, r->resp.len));
    } else {
        FUZZ_CHECK(r->status == 200);
        check_answer(r, recorded);
    }
    fuzz_req_free(r);
    srv_routes_free(&t);
    control_free(ctl);
    faults_free(f);
    journal_free(j);
    free(text);
    return 0;
}
