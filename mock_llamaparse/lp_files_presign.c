/* The presigned side of the Files API: PUT /api/v1/files makes a file with
 * no bytes and answers the URL to PUT them to; PUT .../upload_from_url
 * fetches them (on lp_fetch's worker); /__files/{id}/{token} is the URL
 * itself, answering GET with the bytes and taking PUT. The token in the
 * URL is its only credential, as with a real presigned URL. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "lp_fetch.h"
#include "lp_files.h"

typedef struct reply {
    srv_req *r;
    const lp_files *s;
} reply;

static cJSON *json_body(srv_req *r)
{
    size_t len;
    const char *body = srv_req_body(r, &len);
    cJSON *j = json_parse_body(body, len);
    if (!cJSON_IsObject(j)) {
        lp_unprocessable(r, "body", "name", "model_attributes_type", "Input should be a valid dictionary or object",
                         NULL);
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

static const char *str_field(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Store f and answer what write says about it; 429 when full. */
static void store(srv_req *r, const lp_ctx *c, lp_file *f, bool presigned)
{
    buf answer = BUF_INIT;
    if (presigned) {
        lp_presigned_json(&answer, r, f, c->files);
        buf_printf(&answer, ",\"file_id\":\"%s\"}", f->id);
    } else {
        lp_file_json(&answer, f, c->files);
    }
    lp_files_store_answer(r, c, f, &answer);
}

void lp_files_presign(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (!lp_auth_check(r, c) || !lp_scope_check(r))
        return;
    cJSON *j = json_body(r);
    const char *name = j ? str_field(j, "name") : NULL;
    if (j && !name)
        lp_unprocessable(r, "body", "name", "missing", "Field required", NULL);
    lp_file *f = name ? lp_file_new(name, NULL, str_field(j, "external_file_id"), srv_req_header(r, "x-test-id")) : NULL;
    if (name && !f)
        lp_detail(r, 500, "Out of memory.");
    if (f)
        store(r, c, f, true);
    cJSON_Delete(j);
}

void lp_files_from_url(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (!lp_auth_check(r, c) || !lp_scope_check(r))
        return;
    cJSON *j = json_body(r);
    const char *url = j ? str_field(j, "url") : NULL;
    if (j && !url)
        lp_unprocessable(r, "body", "url", "missing", "Field required", NULL);
    else if (url && !lp_url_valid(url))
        lp_unprocessable(r, "body", "url", "url_parsing", "Input should be a valid URL (http or https)", url);
    const char *name = url ? str_field(j, "name") : NULL;
    if (url && !name) { /* the URL's last segment, as the service names it */
        name = url + strcspn(url, "?#");
        while (name > url && name[-1] != '/')
            name--;
    }
    lp_file *f = url && lp_url_valid(url) ? lp_file_new(name, NULL, NULL, srv_req_header(r, "x-test-id")) : NULL;
    char fetch_id[64];
    if (f) {
        snprintf(fetch_id, sizeof fetch_id, LP_FILE_FETCH "%s", f->id);
        store(r, c, f, false); /* f may be gone (reset) once stored: fetch_id is a copy */
        if (srv_resp_get_status(r) < 300 && !lp_fetcher_enqueue(c->fetcher, fetch_id, url))
            lp_detail(r, 500, "Out of memory queueing the fetch.");
    } else if (url && lp_url_valid(url)) {
        lp_detail(r, 500, "Out of memory.");
    }
    cJSON_Delete(j);
}

void lp_files_fetched(const lp_ctx *c, const char *file_id, const char *data, size_t len, const char *error)
{
    /* A failed fetch leaves the file without content: its content URL says so. */
    if (!error)
        lp_files_put(c->files, file_id, NULL, data, len);
}

static const char *content_type(const char *name)
{
    static const char *const types[][2] = {{".pdf", "application/pdf"}, {".png", "image/png"},
                                           {".jpg", "image/jpeg"},      {".txt", "text/plain"},
                                           {".md", "text/markdown"},    {".csv", "text/csv"},
                                           {".html", "text/html"},      {".json", "application/json"}};
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++) {
        if (!strcasecmp(dot, types[i][0]))
            return types[i][1];
    }
    return "application/octet-stream";
}

static void write_bytes(const lp_file *f, void *ctx)
{
    reply *a = ctx;
    if (!f->uploaded || strcmp(f->token, srv_req_param(a->r, "token"))) {
        lp_detail(a->r, 404, "No such object.");
        return;
    }
    srv_resp_header(a->r, "content-type", content_type(f->name));
    buf_append(srv_resp_body(a->r), f->data, f->len);
}

void lp_files_raw_get(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    reply a = {r, c->files};
    if (!lp_files_with(c->files, srv_req_param(r, "id"), write_bytes, &a))
        lp_detail(r, 404, "No such object.");
}

static void body_free(void *p)
{
    buf_free(p);
    free(p);
}

bool lp_files_raw_body(srv_req *r, const char *data, size_t len, void *ctx)
{
    (void)ctx;
    buf *b = srv_req_state(r);
    if (!b) {
        b = calloc(1, sizeof *b);
        if (!b)
            return false;
        srv_req_set_state(r, b, body_free);
    }
    return buf_append(b, data, len);
}

void lp_files_raw_put(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    const buf *b = srv_req_state(r);
    int rc = lp_files_put(c->files, srv_req_param(r, "id"), srv_req_param(r, "token"), b && b->data ? b->data : "",
                          b ? b->len : 0);
    if (rc == 404)
        lp_detail(r, 404, "No such object.");
    else if (rc == 429)
        lp_detail(r, 429, "The file store is full (--max-file-bytes); try again later.");
    else if (rc)
        lp_detail(r, 500, "Out of memory while storing the file.");
}
