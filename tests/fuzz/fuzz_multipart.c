/* Multipart (and urlencoded) upload forms: the fuzz input's first byte
 * chooses the Content-Type (multipart with the fixed boundary XyZ, or with
 * the boundary taken from the input up to the first newline, bare or
 * quoted; or urlencoded) and the size of the chunks the body arrives in;
 * the rest is the body. It is read twice, as the servers read uploads:
 * by srv_multipart (shared/multipart.c over libmicrohttpd's post processor)
 * with a checking callback, and by mock_llamaparse's upload route
 * (lp_upload_body, then lp_upload_job: form fields, the "configuration"
 * JSON, field checks, the file through lp_doc_parse).
 *
 * Beyond "no crash, no leak": every part has a name, data whenever it has
 * bytes, and offsets that continue the same field without gaps; no more
 * bytes come out than went in; the upload ends in a job (with a document,
 * file name, separator, a known tier and params that are valid JSON) or in
 * a 400/401/422/500 answer whose body is valid JSON. */
#include <string.h>

#include "fuzz_common.h"
#include "lp_ctx.h"
#include "multipart.h"

typedef struct seen {
    char name[256];
    uint64_t next; /* offset the field's next chunk must start at */
    size_t bytes;
} seen;

static bool on_part(void *ctx, const srv_part *p)
{
    seen *s = ctx;
    FUZZ_CHECK(p->name);
    FUZZ_CHECK(p->len == 0 || p->data);
    bool same = strncmp(s->name, p->name, sizeof s->name - 1) == 0;
    if (p->offset != 0)
        FUZZ_CHECK(same && p->offset == s->next);
    snprintf(s->name, sizeof s->name, "%s", p->name);
    s->next = p->offset + p->len;
    s->bytes += p->len;
    return true;
}

static void feed_direct(const char *body, size_t len, size_t chunk)
{
    srv_req *r = fuzz_req_new("POST", "/upload", "", 0);
    seen s = {"", 0, 0};
    srv_multipart *mp = srv_multipart_new(r, on_part, &s);
    if (mp) {
        bool ok = true; /* the servers stop reading a form once it is bad */
        for (size_t at = 0; ok && at < len; at += chunk)
            ok = srv_multipart_feed(mp, body + at, len - at < chunk ? len - at : chunk);
        (void)srv_multipart_finish(mp); /* whole or cut short: both are fine here */
        srv_multipart_free(mp);
    }
    FUZZ_CHECK(s.bytes <= len);
    fuzz_req_free(r);
}

static void upload(const char *body, size_t len, size_t chunk)
{
    lp_ctx c = {0};
    c.store = lp_store_new(16, 3600000);
    FUZZ_CHECK(c.store);
    srv_req *r = fuzz_req_new("POST", "/api/v1/parsing/upload", "", 0);
    bool more = true;
    for (size_t at = 0; more && at < len; at += chunk)
        more = lp_upload_body(r, body + at, len - at < chunk ? len - at : chunk, &c);
    if (len == 0) /* the route's body function sees a call even for no body */
        (void)lp_upload_body(r, "", 0, &c); /* false (no form) is answered by lp_upload_job */
    lp_job *j = lp_upload_job(r, &c);
    if (j) {
        FUZZ_CHECK(j->doc && j->filename && j->separator && j->params && j->tier);
        FUZZ_CHECK(!strcmp(j->tier, "fast") || !strcmp(j->tier, "cost_effective") || !strcmp(j->tier, "agentic") ||
                   !strcmp(j->tier, "agentic_plus"));
        FUZZ_CHECK(fuzz_json_valid(j->params, strlen(j->params)));
        lp_job_release(j);
    } else {
        FUZZ_CHECK(r->status == 400 || r->status == 401 || r->status == 422 || r->status == 500);
        FUZZ_CHECK(fuzz_json_valid(r->resp.data, r->resp.len));
    }
    fuzz_req_free(r);
    lp_store_free(c.store);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned flags = data[0];
    const unsigned char *in = data + 1;
    size_t left = size - 1;
    char type[160];
    if (flags & 4) {
        snprintf(type, sizeof type, "application/x-www-form-urlencoded");
    } else if (flags & 1) {
        const unsigned char *b;
        size_t blen;
        fuzz_field(&in, &left, '\n', &b, &blen);
        if (memchr(b, '\0', blen))
            return 0; /* a header value cannot hold NUL */
        snprintf(type, sizeof type, (flags & 2) ? "multipart/form-data; boundary=\"%.*s\"" : "multipart/form-data; boundary=%.*s",
                 (int)(blen < 100 ? blen : 100), (const char *)b);
    } else {
        snprintf(type, sizeof type, "multipart/form-data; boundary=XyZ");
    }
    size_t chunk = (flags >> 3) ? 1 + (flags >> 3) * 37 : left + 1;
    char *body = fuzz_copy(in ? in : (const unsigned char *)"", in ? left : 0);
    size_t len = in ? left : 0;

    fuzz_headers_reset();
    FUZZ_CHECK(fuzz_header_add("content-type", type) && fuzz_header_add("authorization", "Bearer k"));
    feed_direct(body, len, chunk);
    upload(body, len, chunk);
    free(body);
    return 0;
}
