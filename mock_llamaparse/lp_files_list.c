/* Listing files: GET /api/v1/beta/files (query filters) and POST
 * /api/v1/beta/files/query (the same filters in a JSON body), in pages
 * with the SDK's cursor: {"items", "next_page_token", "total_size"}. The
 * token is the offset of the next page in the filtered, ordered list. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "lp_files.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX 1000
#define IDS_MAX 100

typedef struct filter {
    const char *name, *external;
    const char *ids[IDS_MAX];
    size_t nids;
    const char *order; /* NULL, "name", "id" or "created_at" (newest first) */
} filter;

/* One listed file, copied out under the store's lock. */
typedef struct row {
    char *json;
    char *name;
    char id[37];
    uint64_t seq;
} row;

typedef struct listing {
    const filter *f;
    const lp_files *s;
    row *v;
    size_t n, cap;
    bool oom;
} listing;

static bool matches(const filter *f, const lp_file *file)
{
    if (f->name && strcmp(f->name, file->name))
        return false;
    if (f->external && (!file->external_id || strcmp(f->external, file->external_id)))
        return false;
    bool any = f->nids == 0;
    for (size_t i = 0; i < f->nids && !any; i++)
        any = !strcmp(f->ids[i], file->id);
    return any;
}

static void collect(const lp_file *file, void *ctx)
{
    listing *l = ctx;
    if (l->oom || !matches(l->f, file))
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        row *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->oom = true;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    buf b = BUF_INIT;
    lp_file_json(&b, file, l->s);
    row *r = &l->v[l->n];
    r->json = buf_release(&b);
    r->name = strdup(file->name);
    snprintf(r->id, sizeof r->id, "%s", file->id);
    r->seq = file->seq;
    l->n++;
    l->oom = !r->json || !r->name;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const row *)a)->name, ((const row *)b)->name);
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const row *)a)->id, ((const row *)b)->id);
}

static int newest_first(const void *a, const void *b)
{
    uint64_t x = ((const row *)a)->seq, y = ((const row *)b)->seq;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void listing_free(listing *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].json);
        free(l->v[i].name);
    }
    free(l->v);
}

/* The page from offset, or a 400 for a token that is not ours. */
static void answer(srv_req *r, const lp_ctx *c, const filter *f, long size, const char *token)
{
    char *end = NULL;
    long from = token && *token ? strtol(token, &end, 10) : 0;
    if (token && *token && (*end || from < 0)) {
        lp_detail(r, 400, "Invalid page_token.");
        return;
    }
    listing l = {f, c->files, NULL, 0, 0, false};
    lp_files_each(c->files, srv_req_header(r, "x-test-id"), collect, &l); /* a test sees its own files */
    if (l.oom) {
        listing_free(&l);
        lp_detail(r, 500, "Out of memory while listing files.");
        return;
    }
    if (f->order && l.n)
        qsort(l.v, l.n, sizeof *l.v, !strcmp(f->order, "name") ? by_name : !strcmp(f->order, "id") ? by_id : newest_first);
    buf *b = srv_resp_body(r);
    buf_puts(b, "{\"items\":[");
    size_t to = (size_t)from;
    for (size_t i = (size_t)from; i < l.n && i < (size_t)from + (size_t)size; i++, to++)
        buf_printf(b, "%s%s", i > (size_t)from ? "," : "", l.v[i].json);
    if (to < l.n)
        buf_printf(b, "],\"next_page_token\":\"%zu\",\"total_size\":%zu}", to, l.n);
    else
        buf_printf(b, "],\"next_page_token\":null,\"total_size\":%zu}", l.n);
    listing_free(&l);
}

static bool known_order(srv_req *r, const char *order, const char *where)
{
    if (!order || !strcmp(order, "name") || !strcmp(order, "id") || !strcmp(order, "created_at"))
        return true;
    lp_unprocessable(r, where, "order_by", "value_error",
                     "Value error, order_by must be one of 'name', 'id' or 'created_at'", order);
    return false;
}

/* page_size as FastAPI reads an int with ge=1 (larger is coerced down). */
static bool page_size(srv_req *r, const char *text, const char *where, long *size)
{
    char *end = NULL;
    long v = text && *text ? strtol(text, &end, 10) : PAGE_DEFAULT;
    if (text && *text && *end) {
        lp_unprocessable(r, where, "page_size", "int_parsing",
                         "Input should be a valid integer, unable to parse string as an integer", text);
        return false;
    }
    if (v < 1) {
        lp_unprocessable(r, where, "page_size", "greater_than_equal", "Input should be greater than or equal to 1",
                         text);
        return false;
    }
    *size = v > PAGE_MAX ? PAGE_MAX : v;
    return true;
}

static void add_id(const char *value, void *ctx)
{
    filter *f = ctx;
    if (f->nids < IDS_MAX)
        f->ids[f->nids++] = value;
}

void lp_files_list(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (!lp_auth_check(r, c) || !lp_scope_check(r))
        return;
    filter f = {srv_req_query(r, "file_name"), srv_req_query(r, "external_file_id"), {0}, 0,
                srv_req_query(r, "order_by")};
    srv_req_query_each(r, "file_ids", add_id, &f);
    long size;
    if (known_order(r, f.order, "query") && page_size(r, srv_req_query(r, "page_size"), "query", &size))
        answer(r, c, &f, size, srv_req_query(r, "page_token"));
}

static const char *json_str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

void lp_files_query(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (!lp_auth_check(r, c) || !lp_scope_check(r))
        return;
    size_t len;
    const char *body = srv_req_body(r, &len);
    cJSON *j = json_parse_body(body, len);
    const cJSON *flt = cJSON_GetObjectItemCaseSensitive(j, "filter");
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(flt, "file_ids");
    filter f = {json_str(flt, "file_name"), json_str(flt, "external_file_id"), {0}, 0, json_str(j, "order_by")};
    for (const cJSON *id = cJSON_IsArray(ids) ? ids->child : NULL; id; id = id->next) {
        if (cJSON_IsString(id))
            add_id(id->valuestring, &f);
    }
    const cJSON *ps = cJSON_GetObjectItemCaseSensitive(j, "page_size");
    char size_text[32] = "";
    if (cJSON_IsNumber(ps))
        snprintf(size_text, sizeof size_text, "%.0f", ps->valuedouble);
    long size;
    if (!cJSON_IsObject(j))
        lp_unprocessable(r, "body", "filter", "model_attributes_type", "Input should be a valid dictionary or object",
                         NULL);
    else if (known_order(r, f.order, "body") && page_size(r, size_text, "body", &size))
        answer(r, c, &f, size, json_str(j, "page_token"));
    cJSON_Delete(j);
}
