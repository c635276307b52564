/* lp_ctx: mock_llamaparse's configuration and job store, built at start-up;
 * handlers get it as their route context. */
#ifndef LP_CTX_H
#define LP_CTX_H

#include "cli.h"
#include "faults.h"
#include "lp_jobs.h"

struct lp_fetcher;
struct lp_hooks;

typedef struct lp_ctx {
    lp_store *store;
    struct lp_fetcher *fetcher; /* URL jobs' documents */
    struct lp_hooks *hooks;     /* webhook deliveries */
    struct lp_files *files;     /* the Files API's store */
    struct control *ctl;        /* for the control API's token check */
    const cli_list *api_keys; /* empty: any non-empty bearer key */
    long job_delay_ms;        /* every job takes this long ... */
    long job_ms_per_page;     /* ... plus this per page */
    const char *fixtures;     /* --fixtures DIR, or NULL */
} lp_ctx;

/* Bearer key check; false with the 401 written. */
bool lp_auth_check(srv_req *r, const lp_ctx *c);

/* {"detail":"..."} with a status. */
void lp_detail(srv_req *r, int status, const char *detail);

/* FastAPI's 422: {"detail":[{"type","loc":[where, field],"msg","input"}]};
 * where is "body" or "query"; input NULL is null (a missing field). */
void lp_unprocessable(srv_req *r, const char *where, const char *field, const char *type, const char *msg,
                      const char *input);

/* 8-4-4-4-12 hex digits (or 32 without dashes), as FastAPI's UUID reads. */
bool lp_is_uuid(const char *s);

/* ?project_id= and ?organization_id=, when given, must be UUIDs: false
 * with the 422 written. */
bool lp_scope_check(srv_req *r);

struct cJSON;

/* The upload form's known fields checked against the spec's types and
 * enums (lp_v1_fields.c): false with FastAPI's 422 written. */
bool lp_v1_validate(srv_req *r, const struct cJSON *fields);

/* The streamed multipart form of an upload route (lp_upload_body), read to
 * its end: false with the 400 written when it is missing or malformed. */
bool lp_upload_form(srv_req *r);
/* A plain field's (last) value, or NULL. */
const char *lp_upload_field(srv_req *r, const char *name);
/* The plain fields (cJSON object; a repeated name is an array), or NULL. */
const struct cJSON *lp_upload_fields(srv_req *r);
/* The first file part: false when the form has none. */
bool lp_upload_file(srv_req *r, const char **data, size_t *len, const char **filename);

/* v1's page fields as they came (NULL: absent). */
typedef struct lp_page_fields {
    const char *target, *max_pages, *separator, *prefix, *suffix;
} lp_page_fields;

/* The page options of a request, checked (lp_page_opts.c): v1's fields, or
 * v2's page_ranges object (cJSON; NULL when absent). o's target points to
 * *target, which the caller frees. False with the 422 written. */
bool lp_page_opts_v1(srv_req *r, const lp_page_fields *f, lp_page_opts *o, char **target);
bool lp_page_opts_v2(srv_req *r, const struct cJSON *ranges, lp_page_opts *o, char **target);

/* A job for a document's bytes, parsed (or taken from --fixtures) now, its
 * pages selected: NULL when out of memory. tier must be a static string. */
lp_job *lp_doc_job(const lp_ctx *c, const char *filename, const char *data, size_t len, const char *tier,
                   const lp_page_opts *pages, const char *params);

/* The job for this request's streamed upload (v1 fields, or v2 with its
 * "configuration" JSON), or NULL with the error answer written. */
lp_job *lp_upload_job(srv_req *r, const lp_ctx *c);

/* URL jobs (lp_url.c). */
bool lp_url_valid(const char *url);
lp_job *lp_url_job(const char *id, const char *url, const char *tier, const char *separator, long max_pages,
                   const char *params);
/* lp_fetch's callback: ctx is the lp_ctx. */
void lp_on_fetched(void *ctx, const char *job_id, const char *url, const char *data, size_t len, const char *error);
bool lp_url_fetch(const lp_ctx *c, const char *job_id, const char *url);

/* Job-level fault fields (lp_job_faults.c): register them with the fault
 * module, and apply a request's to the job it creates. */
bool lp_job_faults_register(faults *f);
void lp_job_faults_apply(srv_req *r, lp_job *j);

/* Checked webhook_configurations as compact JSON text (caller frees), or
 * NULL with a message (lp_hook_config.c). */
char *lp_hook_configs(const char *json, char *err, size_t n);

/* GET /__control/webhooks: every delivery attempt. */
void lp_handle_webhooks(srv_req *r, void *ctx);

/* Old mock contract (lp_legacy.c). */
void lp_legacy_parse(srv_req *r, void *ctx);
void lp_legacy_job(srv_req *r, void *ctx);

/* Hand the job to the store (and queue its fetch for a URL job); false
 * (429 written, job freed) when the store is full. */
bool lp_upload_store(srv_req *r, const lp_ctx *c, lp_job *j);

void lp_handle_upload(srv_req *r, void *ctx);
void lp_v2_upload(srv_req *r, void *ctx);
void lp_v2_create(srv_req *r, void *ctx);
void lp_v2_get(srv_req *r, void *ctx);
void lp_v2_list(srv_req *r, void *ctx);
void lp_v2_cancel(srv_req *r, void *ctx);
void lp_v2_delete(srv_req *r, void *ctx);
bool lp_upload_body(srv_req *r, const char *data, size_t len, void *ctx);
void lp_handle_job(srv_req *r, void *ctx);
void lp_handle_result(srv_req *r, void *ctx);
void lp_handle_raw_result(srv_req *r, void *ctx);
void lp_handle_details(srv_req *r, void *ctx);
void lp_handle_parameters(srv_req *r, void *ctx);
void lp_handle_extensions(srv_req *r, void *ctx);

/* {"id","status","error_code","error_message"}: a job's status. */
void lp_job_status_json(buf *out, const lp_job *j, lp_status st);

/* Credits a job's pages cost at its tier (lp_results.c). */
size_t lp_job_credits(const lp_job *j);

/* The JSON result's "pages" array for a document (lp_pages_json.c). */
void lp_pages_json(buf *out, const lp_doc *doc);

/* The same for a job's document (j->doc), with the images it asked for. */
void lp_job_pages_json(buf *out, const lp_doc *doc, const lp_job *j);

/* v2's items expansion: {"pages":[StructuredResultPage...]}. */
void lp_items_v2_json(buf *out, const lp_doc *doc);

#endif
