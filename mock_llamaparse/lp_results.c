/* GET .../job/{id}, its results, details and parameters; supported
 * extensions. Each answer is written under the store's lock. */
#include <stdio.h>
#include <string.h>

#include "lp_ctx.h"

void lp_job_status_json(buf *out, const lp_job *j, lp_status st)
{
    buf_printf(out, "{\"id\":\"%s\",\"status\":\"%s\",\"error_code\":", j->id, lp_status_name(st));
    if (st == LP_ERROR && j->error_code[0])
        buf_printf(out, "\"%s\",\"error_message\":", j->error_code);
    else
        buf_puts(out, "null,\"error_message\":");
    if (st == LP_ERROR && j->error_message)
        buf_json_str(out, j->error_message, strlen(j->error_message));
    else
        buf_puts(out, "null");
    buf_puts(out, "}");
}

/* Credits per page by tier, as LlamaCloud bills them. */
static unsigned credits(const char *tier)
{
    return !strcmp(tier, "fast") ? 1 : !strcmp(tier, "agentic") ? 10 : !strcmp(tier, "agentic_plus") ? 45 : 3;
}

size_t lp_job_credits(const lp_job *j)
{
    return j->doc->npages * credits(j->tier);
}

static void metadata(buf *out, const lp_job *j)
{
    size_t pages = j->doc->npages, used = lp_job_credits(j);
    buf_printf(out,
               "\"job_metadata\":{\"credits_used\":%zu,\"job_credits_usage\":%zu,\"job_pages\":%zu,"
               "\"job_auto_mode_triggered_pages\":0,\"job_is_cache_hit\":%s}",
               used, used, pages, j->cache_hit ? "true" : "false");
}

typedef struct answer {
    srv_req *r;
    const char *kind; /* markdown, text, json; or NULL for status */
    bool raw;
} answer;

/* Results exist only for finished, successful jobs. */
static bool finished(srv_req *r, const lp_job *j, lp_status st)
{
    char msg[300];
    if (st == LP_PENDING) {
        lp_detail(r, 400, "Job is not finished yet: its status is PENDING.");
        return false;
    }
    if (st != LP_SUCCESS && st != LP_PARTIAL_SUCCESS) {
        snprintf(msg, sizeof msg, "Job %s has no result: its status is %s (%s).", j->id, lp_status_name(st),
                 j->error_message ? j->error_message : "no detail");
        lp_detail(r, 400, msg);
        return false;
    }
    return true;
}

static void write_result(const lp_job *j, lp_status st, void *ctx)
{
    answer *a = ctx;
    buf *b = srv_resp_body(a->r);
    if (!a->kind) {
        lp_job_status_json(b, j, st);
        return;
    }
    if (!finished(a->r, j, st))
        return;
    bool md = !strcmp(a->kind, "markdown");
    if (a->raw) {
        srv_resp_header(a->r, "content-type", md ? "text/markdown; charset=utf-8" : "text/plain; charset=utf-8");
        lp_job_joined(b, j, md);
        return;
    }
    if (!strcmp(a->kind, "json")) {
        buf_puts(b, "{\"pages\":");
        lp_job_pages_json(b, j->doc, j);
    } else {
        buf tmp = BUF_INIT;
        lp_job_joined(&tmp, j, md);
        buf_printf(b, "{\"%s\":", md ? "markdown" : "text");
        buf_json_str(b, tmp.data ? tmp.data : "", tmp.len);
        buf_free(&tmp);
    }
    buf_puts(b, ",");
    metadata(b, j);
    buf_puts(b, "}");
}

static void with_job(srv_req *r, void *ctx, const char *kind, bool raw, lp_job_fn fn)
{
    const lp_ctx *c = ctx;
    if (!lp_auth_check(r, c) || !lp_scope_check(r))
        return;
    answer a = {r, kind, raw};
    if (!lp_store_with(c->store, srv_req_param(r, "id"), fn, &a))
        lp_detail(r, 404, "Job not found.");
}

void lp_handle_job(srv_req *r, void *ctx)
{
    with_job(r, ctx, NULL, false, write_result);
}

static bool known_kind(srv_req *r, bool raw)
{
    const char *k = srv_req_param(r, "kind");
    if (!strcmp(k, "markdown") || !strcmp(k, "text") || (!raw && !strcmp(k, "json")))
        return true;
    lp_detail(r, 404, raw ? "Unknown raw result type: use markdown or text." : "Unknown result type: use markdown, text or json.");
    return false;
}

void lp_handle_result(srv_req *r, void *ctx)
{
    if (known_kind(r, false))
        with_job(r, ctx, srv_req_param(r, "kind"), false, write_result);
}

void lp_handle_raw_result(srv_req *r, void *ctx)
{
    if (known_kind(r, true))
        with_job(r, ctx, srv_req_param(r, "kind"), true, write_result);
}

static void write_details(const lp_job *j, lp_status st, void *ctx)
{
    answer *a = ctx;
    buf *b = srv_resp_body(a->r);
    char when[32];
    iso_time(when, j->created_at, 0, 0);
    buf_printf(b, "{\"id\":\"%s\",\"status\":\"%s\",\"created_at\":\"%s\",\"file_name\":", j->id, lp_status_name(st), when);
    buf_json_str(b, j->filename, strlen(j->filename));
    buf_printf(b, ",\"file_size\":%zu,\"tier\":\"%s\",\"pages\":%zu,", j->bytes, j->tier, j->doc->npages);
    metadata(b, j);
    buf_puts(b, "}");
}

void lp_handle_details(srv_req *r, void *ctx)
{
    with_job(r, ctx, NULL, false, write_details);
}

static void write_parameters(const lp_job *j, lp_status st, void *ctx)
{
    (void)st;
    answer *a = ctx;
    buf_puts(srv_resp_body(a->r), j->params);
}

void lp_handle_parameters(srv_req *r, void *ctx)
{
    with_job(r, ctx, NULL, false, write_parameters);
}

void lp_handle_extensions(srv_req *r, void *ctx)
{
    static const char *const ext[] = {
        "pdf", "doc", "docx", "docm", "dot", "dotx", "dotm", "rtf", "wps", "wpd", "sxw", "stw", "sxg", "pages",
        "mw", "mcw", "uot", "uof", "uos", "uop", "ppt", "pptx", "pot", "pptm", "potx", "potm", "key", "odp",
        "odg", "otp", "fopd", "sxi", "sti", "epub", "jpg", "jpeg", "png", "gif", "bmp", "svg", "tiff", "webp",
        "html", "htm", "xls", "xlsx", "xlsm", "xlsb", "xlw", "csv", "dif", "sylk", "slk", "prn", "numbers", "et",
        "ods", "fods", "uos1", "uos2", "dbf", "wk1", "wk2", "wk3", "wk4", "wks", "wq1", "wq2", "wb1", "wb2", "wb3",
        "qpw", "xlr", "eth", "tsv", "txt", "md", "json", "xml"};
    if (!lp_auth_check(r, ctx))
        return;
    buf *b = srv_resp_body(r);
    buf_puts(b, "[");
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
        buf_printf(b, "%s\".%s\"", i ? "," : "", ext[i]);
    buf_puts(b, "]");
}
