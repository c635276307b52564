/* GET /api/v2/parse/{id}?expand=...: every expansion the SDK lists. The
 * content ones (text, markdown, items, metadata, forms) come inline, and
 * their *_content_metadata as result_content_metadata entries whose
 * presigned_url the mock serves itself at /__results/{id}/{kind}; kinds the
 * mock never produces (raw words, xlsx, output pdf) say exists: false. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_pages_select.h"
#include "lp_v2.h"

enum {
    X_TEXT = 1 << 0,
    X_MARKDOWN = 1 << 1,
    X_ITEMS = 1 << 2,
    X_METADATA = 1 << 3,
    X_FORMS = 1 << 4,
    X_JOB_METADATA = 1 << 5,
    X_USAGE = 1 << 6,
    X_IMAGES_CM = 1 << 7,
    X_CM = 8, /* the content-metadata bits start here, in kinds[] order */
};

/* The result kinds, in the order of their *_content_metadata bits. */
static const struct {
    const char *name;
    unsigned inline_bit; /* 0: the mock has no such content */
} kinds[] = {
    {"text", X_TEXT},   {"markdown", X_MARKDOWN}, {"items", X_ITEMS}, {"metadata", X_METADATA},
    {"forms", X_FORMS}, {"raw_words", 0},         {"xlsx", 0},        {"output_pdf", 0},
};

#define NKINDS (sizeof kinds / sizeof kinds[0])

static unsigned bit_of(const char *name)
{
    static const struct {
        const char *name;
        unsigned bit;
    } plain[] = {{"text", X_TEXT},         {"text_full", X_TEXT}, {"markdown", X_MARKDOWN}, {"markdown_full", X_MARKDOWN},
                 {"items", X_ITEMS},       {"metadata", X_METADATA}, {"forms", X_FORMS},    {"job_metadata", X_JOB_METADATA},
                 {"usage", X_USAGE},       {"images_content_metadata", X_IMAGES_CM}};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        if (!strcmp(name, plain[i].name))
            return plain[i].bit;
    }
    char cm[64];
    for (size_t k = 0; k < NKINDS; k++) {
        snprintf(cm, sizeof cm, "%s_content_metadata", kinds[k].name);
        if (!strcmp(name, cm))
            return 1u << (X_CM + k);
    }
    return 0;
}

typedef struct expand_read {
    unsigned bits;
    char bad[128]; /* the first unknown name */
} expand_read;

/* expand=text&expand=markdown or expand=text,markdown */
static void add_expand(const char *value, void *ctx)
{
    expand_read *e = ctx;
    char copy[512];
    snprintf(copy, sizeof copy, "%s", value);
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        unsigned bit = bit_of(t);
        e->bits |= bit;
        if (!bit && !e->bad[0])
            snprintf(e->bad, sizeof e->bad, "%s", t);
    }
}

bool lp_v2_expand_parse(srv_req *r, unsigned *x)
{
    expand_read e = {0, ""};
    srv_req_query_each(r, "expand", add_expand, &e);
    *x = e.bits;
    if (!e.bad[0])
        return true;
    lp_unprocessable(r, "query", "expand", "value_error",
                     "Value error, expand takes text, markdown, items, metadata, forms, job_metadata, usage, "
                     "images_content_metadata and <kind>_content_metadata",
                     e.bad);
    return false;
}

static void text_pages(buf *b, const lp_job *j, bool md)
{
    buf scratch = BUF_INIT;
    buf_puts(b, "{\"pages\":[");
    for (size_t i = 0; i < j->doc->npages; i++) {
        const char *s = md ? j->doc->pages[i].md : lp_page_text(&j->doc->pages[i], &scratch);
        buf_printf(b, "%s{\"page_number\":%zu,\"%s\":", i ? "," : "", lp_page_number(j->doc, i), md ? "markdown" : "text");
        buf_json_str(b, s, strlen(s));
        buf_puts(b, md ? ",\"success\":true}" : "}");
    }
    buf_puts(b, "]}");
    buf_free(&scratch);
}

/* Page metadata: the mock is always sure of itself. */
static void metadata(buf *b, const lp_job *j)
{
    size_t n = j->doc->npages;
    buf_puts(b, "{\"pages\":[");
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%s{\"page_number\":%zu,\"confidence\":1.0,\"cost_optimized\":false,\"original_orientation_angle\":0,"
                      "\"printed_page_number\":null,\"triggered_auto_mode\":false}",
                   i ? "," : "", lp_page_number(j->doc, i));
    buf_printf(b, "],\"document\":{\"confidence\":1.0,\"confidence_breakdown\":{\"min_page_score\":1.0,\"scored_pages\":%zu,"
                  "\"total_pages\":%zu}}}",
               n, n);
}

static void forms(buf *b, const lp_job *j)
{
    buf_puts(b, "{\"pages\":[");
    for (size_t i = 0; i < j->doc->npages; i++)
        buf_printf(b, "%s{\"page_number\":%zu,\"success\":true,\"forms\":[],\"page_width\":612,\"page_height\":792}",
                   i ? "," : "", lp_page_number(j->doc, i));
    buf_puts(b, "]}");
}

/* One content kind's JSON (kinds[k] with an inline bit). */
static void render(buf *b, const lp_job *j, unsigned bit)
{
    if (bit == X_TEXT || bit == X_MARKDOWN)
        text_pages(b, j, bit == X_MARKDOWN);
    else if (bit == X_ITEMS)
        lp_items_v2_json(b, j->doc);
    else if (bit == X_METADATA)
        metadata(b, j);
    else
        forms(b, j);
}

static void content_metadata(buf *b, srv_req *r, const lp_job *j, unsigned x)
{
    const char *host = srv_req_header(r, "host");
    buf_puts(b, ",\"result_content_metadata\":{");
    bool first = true;
    for (size_t k = 0; k < NKINDS; k++) {
        if (!(x & (1u << (X_CM + k))))
            continue;
        buf_printf(b, "%s\"%s\":", first ? "" : ",", kinds[k].name);
        first = false;
        if (!kinds[k].inline_bit) {
            buf_puts(b, "{\"size_bytes\":0,\"exists\":false,\"presigned_url\":null}");
            continue;
        }
        buf tmp = BUF_INIT;
        render(&tmp, j, kinds[k].inline_bit);
        buf_printf(b, "{\"size_bytes\":%zu,\"exists\":true,\"presigned_url\":", tmp.len);
        buf_clear(&tmp);
        buf_printf(&tmp, "http://%s/__results/%s/%s", host && *host ? host : "localhost", j->id, kinds[k].name);
        buf_json_str(b, tmp.data ? tmp.data : "", tmp.len); /* the Host header is the client's: escaped */
        buf_puts(b, "}");
        buf_free(&tmp);
    }
    buf_puts(b, "}");
}

static void inline_kinds(buf *b, const lp_job *j, unsigned x)
{
    for (size_t k = 0; k < NKINDS; k++) {
        unsigned bit = kinds[k].inline_bit;
        if (!bit || !(x & bit))
            continue;
        buf_printf(b, ",\"%s\":", kinds[k].name);
        render(b, j, bit);
        if (bit == X_TEXT || bit == X_MARKDOWN) {
            buf full = BUF_INIT;
            lp_job_joined(&full, j, bit == X_MARKDOWN);
            buf_printf(b, ",\"%s_full\":", kinds[k].name);
            buf_json_str(b, full.data ? full.data : "", full.len);
            buf_free(&full);
        }
    }
}

void lp_v2_expanded(buf *b, srv_req *r, const lp_job *j, lp_status st, unsigned x)
{
    buf_puts(b, "{\"job\":");
    lp_v2_job_json(b, j, st, x & X_USAGE);
    bool done = st == LP_SUCCESS || st == LP_PARTIAL_SUCCESS;
    if (done)
        inline_kinds(b, j, x);
    if (done && (x >> X_CM))
        content_metadata(b, r, j, x);
    if (done && (x & X_IMAGES_CM))
        buf_puts(b, ",\"images_content_metadata\":{\"images\":[],\"total_count\":0}");
    if (x & X_JOB_METADATA)
        buf_printf(b, ",\"job_metadata\":{\"job_pages\":%zu,\"job_is_cache_hit\":%s,\"credits_used\":%zu}", j->doc->npages,
                   j->cache_hit ? "true" : "false", lp_job_credits(j));
    buf_puts(b, "}");
}

typedef struct raw_answer {
    srv_req *r;
    unsigned bit;
} raw_answer;

static void write_raw(const lp_job *j, lp_status st, void *ctx)
{
    raw_answer *a = ctx;
    if (st == LP_SUCCESS || st == LP_PARTIAL_SUCCESS)
        render(srv_resp_body(a->r), j, a->bit);
    else
        lp_detail(a->r, 404, "No such object.");
}

/* GET /__results/{id}/{kind}: the presigned URL of a result's content. */
void lp_v2_result_raw(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    raw_answer a = {r, 0};
    for (size_t k = 0; k < NKINDS && !a.bit; k++)
        a.bit = !strcmp(kinds[k].name, srv_req_param(r, "kind")) ? kinds[k].inline_bit : 0;
    if (!a.bit || !lp_store_with(c->store, srv_req_param(r, "id"), write_raw, &a))
        lp_detail(r, 404, "No such object.");
}
