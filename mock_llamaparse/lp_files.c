/* The Files API's single-file routes: create (multipart), retrieve,
 * delete, and the presigned download URL of its content. */
#include "lp_files.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "timer.h"

static void str_or_null(buf *out, const char *s)
{
    if (s)
        buf_json_str(out, s, strlen(s));
    else
        buf_puts(out, "null");
}

/* The extension, lowercased: "Report.PDF" → "pdf"; none → null. */
static void file_type(buf *out, const char *name)
{
    const char *dot = strrchr(name, '.');
    char ext[16];
    size_t n = 0;
    for (const char *p = dot ? dot + 1 : ""; *p && n < sizeof ext - 1; p++)
        ext[n++] = (char)tolower((unsigned char)*p);
    ext[n] = '\0';
    str_or_null(out, n ? ext : NULL);
}

static void expires(char out[32], const lp_file *f, const lp_files *s)
{
    iso_time(out, f->created_at + (time_t)(lp_files_ttl_ms(s) / 1000), 0, 0);
}

void lp_file_json(buf *out, const lp_file *f, const lp_files *s)
{
    char when[32], until[32];
    iso_time(when, f->created_at, 0, 0);
    expires(until, f, s);
    buf_printf(out, "{\"id\":\"%s\",\"name\":", f->id);
    buf_json_str(out, f->name, strlen(f->name));
    buf_printf(out, ",\"project_id\":\"%s\",\"purpose\":", LP_PROJECT_ID);
    str_or_null(out, f->purpose);
    buf_puts(out, ",\"external_file_id\":");
    str_or_null(out, f->external_id);
    buf_puts(out, ",\"file_type\":");
    file_type(out, f->name);
    if (f->uploaded)
        buf_printf(out, ",\"file_size\":%zu", f->len);
    else
        buf_puts(out, ",\"file_size\":null");
    buf_printf(out, ",\"created_at\":\"%s\",\"updated_at\":\"%s\",\"last_modified_at\":\"%s\",\"expires_at\":\"%s\","
                    "\"data_source_id\":null,\"resource_info\":null,\"permission_info\":null,\"download_url\":null}",
               when, when, when, until);
}

void lp_presigned_json(buf *out, srv_req *r, const lp_file *f, const lp_files *s)
{
    const char *host = srv_req_header(r, "host");
    char until[32];
    expires(until, f, s);
    buf_puts(out, "{\"url\":");
    buf tmp = BUF_INIT;
    buf_printf(&tmp, "http://%s/__files/%s/%s", host && *host ? host : "localhost", f->id, f->token);
    buf_json_str(out, tmp.data ? tmp.data : "", tmp.len);
    buf_free(&tmp);
    buf_printf(out, ",\"expires_at\":\"%s\",\"form_fields\":null", until);
}

typedef struct reply {
    srv_req *r;
    const lp_files *s;
} reply;

static void write_file(const lp_file *f, void *ctx)
{
    reply *a = ctx;
    lp_file_json(srv_resp_body(a->r), f, a->s);
}

/* Both creates: the form's file becomes a stored file. */
static void create(srv_req *r, const lp_ctx *c, const char *file_field, const char *purpose, const char *external)
{
    const char *data, *name;
    size_t len;
    if (!lp_upload_file(r, &data, &len, &name)) {
        lp_unprocessable(r, "body", file_field, "missing", "Field required", NULL);
        return;
    }
    lp_file *f = lp_file_new(name, purpose, external, srv_req_header(r, "x-test-id"));
    if (!f || !lp_file_set_bytes(f, data, len)) {
        lp_file_free(f);
        lp_detail(r, 500, "Out of memory while storing the file.");
        return;
    }
    buf answer = BUF_INIT;
    lp_file_json(&answer, f, c->files);
    lp_files_store_answer(r, c, f, &answer);
}

void lp_files_store_answer(srv_req *r, const lp_ctx *c, lp_file *f, buf *answer)
{
    if (lp_files_add(c->files, f)) {
        if (answer->data)
            buf_append(srv_resp_body(r), answer->data, answer->len);
    } else {
        lp_file_free(f);
        lp_detail(r, 429, "The file store is full (--max-files, --max-file-bytes); try again later.");
        srv_resp_header(r, "retry-after", "1");
    }
    buf_free(answer);
}

static bool begin(srv_req *r, const lp_ctx *c)
{
    return lp_auth_check(r, c) && lp_scope_check(r);
}

void lp_files_beta_create(srv_req *r, void *ctx)
{
    static const char *const purposes[] = {"user_data", "parse", "extract", "split", "classify", "sheet", "agent_app"};
    const lp_ctx *c = ctx;
    if (!begin(r, c) || !lp_upload_form(r))
        return;
    const char *purpose = lp_upload_field(r, "purpose");
    bool known = false;
    for (size_t i = 0; purpose && i < sizeof purposes / sizeof purposes[0]; i++)
        known = known || !strcmp(purpose, purposes[i]);
    if (!purpose)
        lp_unprocessable(r, "body", "purpose", "missing", "Field required", NULL);
    else if (!known)
        lp_unprocessable(r, "body", "purpose", "value_error",
                         "Value error, purpose must be one of: user_data, parse, extract, split, classify, sheet, "
                         "agent_app", purpose);
    else
        create(r, c, "file", purpose, lp_upload_field(r, "external_file_id"));
}

void lp_files_v1_create(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (begin(r, c) && lp_upload_form(r))
        create(r, c, "upload_file", NULL, srv_req_query(r, "external_file_id"));
}

static void not_found(srv_req *r)
{
    lp_detail(r, 404, "File not found.");
}

void lp_files_get(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    reply a = {r, c->files};
    if (begin(r, c) && !lp_files_with(c->files, srv_req_param(r, "id"), write_file, &a))
        not_found(r);
}

void lp_files_delete(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (!begin(r, c))
        return;
    if (lp_files_remove(c->files, srv_req_param(r, "id")))
        srv_resp_status(r, 204);
    else
        not_found(r);
}

static void write_presigned(const lp_file *f, void *ctx)
{
    reply *a = ctx;
    buf *b = srv_resp_body(a->r);
    if (!f->uploaded) {
        lp_detail(a->r, 400, "The file has no content yet: PUT its bytes to its upload URL first.");
        return;
    }
    lp_presigned_json(b, a->r, f, a->s);
    buf_puts(b, "}");
}

void lp_files_content(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    reply a = {r, c->files};
    if (begin(r, c) && !lp_files_with(c->files, srv_req_param(r, "id"), write_presigned, &a))
        not_found(r);
}
