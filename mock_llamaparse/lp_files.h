/* The Files API's handlers (/api/v1/beta/files, /api/v1/files, the
 * presigned /__files/{id}/{token} URLs) and /api/v1/projects. Each takes
 * the lp_ctx as its route context. */
#ifndef LP_FILES_H
#define LP_FILES_H

#include "lp_ctx.h"
#include "lp_files_store.h"

/* The File schema (both APIs' fields) as JSON. */
void lp_file_json(buf *out, const lp_file *f, const lp_files *s);

/* "http://<Host>/__files/<id>/<token>" with its expires_at: the
 * PresignedUrl schema, less its closing brace (callers may add fields). */
void lp_presigned_json(buf *out, srv_req *r, const lp_file *f, const lp_files *s);

/* Hand f to the store and answer with answer (written before the store
 * shares f), or 429 when the store is full (f freed). Frees answer. */
void lp_files_store_answer(srv_req *r, const lp_ctx *c, lp_file *f, buf *answer);

void lp_files_beta_create(srv_req *r, void *ctx);
void lp_files_v1_create(srv_req *r, void *ctx);
void lp_files_get(srv_req *r, void *ctx);
void lp_files_delete(srv_req *r, void *ctx);
void lp_files_content(srv_req *r, void *ctx);
void lp_files_list(srv_req *r, void *ctx);
void lp_files_query(srv_req *r, void *ctx);
void lp_files_presign(srv_req *r, void *ctx);
void lp_files_from_url(srv_req *r, void *ctx);
void lp_files_raw_get(srv_req *r, void *ctx);
void lp_files_raw_put(srv_req *r, void *ctx);
bool lp_files_raw_body(srv_req *r, const char *data, size_t len, void *ctx);
void lp_projects_list(srv_req *r, void *ctx);
void lp_projects_get(srv_req *r, void *ctx);

/* lp_fetch's callback for upload_from_url files: their fetch ids are
 * LP_FILE_FETCH followed by the file id. */
#define LP_FILE_FETCH "file:"
void lp_files_fetched(const lp_ctx *c, const char *file_id, const char *data, size_t len, const char *error);

#endif
