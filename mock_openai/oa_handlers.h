/* mock_openai's route handlers and the checks they share. Each handler takes
 * the oa_ctx as its route context. */
#ifndef OA_HANDLERS_H
#define OA_HANDLERS_H

#include "oa_ctx.h"
#include "server.h"

/* Bearer-key check: false (401 written) when the request may not proceed. */
bool oa_auth_check(srv_req *r, const oa_ctx *c);

/* before_send hook: OpenAI's headers on every response. */
void oa_add_headers(srv_req *r, void *ctx);

void oa_handle_health(srv_req *r, void *ctx);
void oa_handle_models_list(srv_req *r, void *ctx);
void oa_handle_model_get(srv_req *r, void *ctx);
void oa_handle_embeddings(srv_req *r, void *ctx);
void oa_handle_chat(srv_req *r, void *ctx);
void oa_handle_responses(srv_req *r, void *ctx);
void oa_handle_ratelimit_get(srv_req *r, void *ctx);
void oa_handle_ratelimit_set(srv_req *r, void *ctx);

#endif
