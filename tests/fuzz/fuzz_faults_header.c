/* The x-mock-fault request header: the fuzz input is the header's value
 * (cut at the first NUL, CR or LF, which a header cannot hold), handled by
 * faults_pre_dispatch on a fake request exactly as a server would
 * (faults_dispatch.c -> faults_rule_from_header in faults_parse.c ->
 * faults_rule_apply in faults_rule.c), both servers' extra fields and kinds
 * registered.
 *
 * Beyond "no crash, no leak": a bad header gives false, status 400 and a
 * JSON error naming the problem; a good one marks the request with a kind,
 * sets a status in 100..599 or a delivery mode or a delay of at most two
 * hours, and response headers without CR or LF; the same value parsed
 * directly gives a rule whose echo (its JSON) is valid JSON. */
#include <cJSON.h>
#include <string.h>

#include "faults_internal.h"
#include "fuzz_common.h"
#include "lp_ctx.h"

static faults *f;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    f = faults_new();
    FUZZ_CHECK(f && lp_job_faults_register(f) && faults_add_kind(f, "stream_cut") &&
               faults_add_kind(f, "stream_error"));
    return 0;
}

static void check_headers(const srv_req *r)
{
    for (size_t off = 0; off < r->headers.len;) {
        const char *name = r->headers.data + off, *value = name + strlen(name) + 1;
        FUZZ_CHECK(name[0] && !strpbrk(name, "\r\n: ") && !strpbrk(value, "\r\n"));
        off = (size_t)(value + strlen(value) + 1 - r->headers.data);
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    size_t n = 0;
    while (n < size && data[n] && data[n] != '\r' && data[n] != '\n')
        n++;
    char *value = fuzz_cstr(data, n);

    srv_req *r = fuzz_req_new("POST", "/v1/embeddings", "{\"model\":\"text-embedding-3-small\"}", 34);
    fuzz_headers_reset();
    FUZZ_CHECK(fuzz_header_add("x-mock-fault", value));
    bool run = faults_pre_dispatch(r, f);

    char err[300];
    faults_rule *rule = faults_rule_from_header(value, &f->x, err, sizeof err);
    if (!rule) {
        FUZZ_CHECK(!run && r->status == 400 && fuzz_json_valid(r->resp.data, r->resp.len));
        FUZZ_CHECK(memchr(err, '\0', sizeof err) && err[0]);
    } else {
        FUZZ_CHECK(!strcmp(r->fault_rule, "header") && r->fault_kind[0]);
        FUZZ_CHECK(r->status == 200 || (r->status >= 100 && r->status <= 599));
        FUZZ_CHECK(r->plan.fault_ms <= 2u * 3600000u);
        if (!run)
            FUZZ_CHECK((r->status >= 200 && r->status <= 599) || r->plan.delivery == SRV_DELIVER_RESET || r->plan.delivery == SRV_DELIVER_HANG);
        check_headers(r);
        char *echo = cJSON_PrintUnformatted(rule->json);
        FUZZ_CHECK(echo && fuzz_json_valid(echo, strlen(echo)));
        free(echo);
        faults_rule_free(rule);
    }
    fuzz_req_free(r);
    free(value);
    return 0;
}
