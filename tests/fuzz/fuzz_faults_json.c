/* Fault rules as JSON: the fuzz input is the body of POST /__control/faults,
 * handled by the control plane's own route (control/control_faults.c) on a fake
 * request, so faults_add_parsed / faults_rule_from_json (faults_parse.c)
 * read it with both servers' extra fields and kinds registered. The rules
 * that get in are then listed, read back by id, and tried against a few
 * requests (faults_pre_dispatch, faults_rule.c), then deleted.
 *
 * Beyond "no crash, no leak": the answer is 201 with valid JSON (one rule,
 * or {"faults":[...]}) or 400 with a JSON error; the listing is valid JSON
 * and holds exactly the rules added; a rule that acts on a request sets a
 * status in 100..599 or a delivery mode or a delay of at most two hours
 * (delay_ms + jitter_ms), and names its kind. */
#include <cJSON.h>
#include <string.h>

#include "control.h"
#include "faults_internal.h"
#include "fuzz_common.h"
#include "lp_ctx.h"

static const srv_route *route(const srv_route *routes, size_t n, const char *method, const char *pattern)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(routes[i].method, method) && !strcmp(routes[i].pattern, pattern))
            return &routes[i];
    }
    FUZZ_CHECK(!"control route missing");
    return NULL;
}

static size_t array_size(const char *json, size_t len, const char *key)
{
    cJSON *j = cJSON_ParseWithLength(json, len);
    int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, key));
    cJSON_Delete(j);
    return (size_t)n;
}

/* A request as the servers see them; the rule decides what happens. */
static void try_request(faults *f, const char *method, const char *path, const char *body)
{
    srv_req *r = fuzz_req_new(method, path, body, strlen(body));
    fuzz_headers_reset();
    FUZZ_CHECK(fuzz_header_add("x-test-id", "t1") && fuzz_header_add("authorization", "Bearer k"));
    bool run = faults_pre_dispatch(r, f);
    FUZZ_CHECK(r->status == 200 || (r->status >= 100 && r->status <= 599));
    FUZZ_CHECK(r->plan.fault_ms <= 2u * 3600000u);
    if (!run)
        FUZZ_CHECK((r->status >= 200 && r->status <= 599) || r->plan.delivery == SRV_DELIVER_RESET || r->plan.delivery == SRV_DELIVER_HANG);
    if (r->fault_rule[0])
        FUZZ_CHECK(r->fault_kind[0]);
    if (r->resp.len)
        FUZZ_CHECK(r->resp.data[r->resp.len] == '\0');
    fuzz_req_free(r);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    faults *f = faults_new();
    FUZZ_CHECK(f && lp_job_faults_register(f) && faults_add_kind(f, "stream_cut") &&
               faults_add_kind(f, "stream_error"));
    control *ctl = control_new(NULL, f, NULL);
    srv_routes t = {0};
    FUZZ_CHECK(ctl);
    control_routes(ctl, &t);
    FUZZ_CHECK(srv_routes_ok(&t));
    const srv_route *routes = t.v;
    size_t nroutes = t.n;
    fuzz_headers_reset();

    srv_req *r = fuzz_req_new("POST", "/__control/faults", (const char *)data, size);
    route(routes, nroutes, "POST", "/__control/faults")->fn(r, ctl);
    FUZZ_CHECK(r->status == 201 || r->status == 400);
    FUZZ_CHECK(fuzz_json_valid(r->resp.data, r->resp.len));
    size_t added = f->n;
    FUZZ_CHECK(r->status == 201 || added == 0); /* all or nothing ("[]" adds nothing, and is fine) */
    fuzz_req_free(r);

    r = fuzz_req_new("GET", "/__control/faults", "", 0);
    route(routes, nroutes, "GET", "/__control/faults")->fn(r, ctl);
    FUZZ_CHECK(fuzz_json_valid(r->resp.data, r->resp.len));
    FUZZ_CHECK(array_size(r->resp.data, r->resp.len, "faults") == added);
    fuzz_req_free(r);

    for (int pass = 0; pass < 2 && added; pass++) {
        try_request(f, "POST", "/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"x\"}");
        try_request(f, "POST", "/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}");
        try_request(f, "GET", "/api/parsing/job/abc", "");
    }

    if (added) { /* read the first rule back through the router, then delete it */
        r = fuzz_req_new("GET", "/__control/faults/1", "", 0);
        FUZZ_CHECK(router_match(routes, nroutes, "GET", "/__control/faults/1", &r->match) == ROUTE_FOUND);
        r->match.route->fn(r, ctl);
        FUZZ_CHECK(r->status == 200 && fuzz_json_valid(r->resp.data, r->resp.len));
        fuzz_req_free(r);
        r = fuzz_req_new("DELETE", "/__control/faults/1", "", 0);
        FUZZ_CHECK(router_match(routes, nroutes, "DELETE", "/__control/faults/1", &r->match) == ROUTE_FOUND);
        r->match.route->fn(r, ctl);
        FUZZ_CHECK(r->status == 204 && f->n == added - 1);
        fuzz_req_free(r);
    }
    srv_routes_free(&t);
    control_free(ctl);
    faults_free(f);
    return 0;
}
