/* oa_azure: Azure OpenAI in front of the same handlers.
 *
 * Azure's paths (/openai/deployments/{deployment}/..., /openai/v1/...,
 * and the bare /openai/... that @ai-sdk/azure calls with a non-Azure base
 * URL) are small adapters: they check what Azure checks (its key, the
 * api-version, the deployment), put the deployment's model into the body
 * and call the /v1 handler, so faults, journal, metrics, rate limits and
 * streaming behave the same. Answers differ only where Azure's do: its
 * error envelope, its headers, the content filter annotations on chat.
 *
 *     oa_azure_routes(&routes, ctx);                 // in the kind's build
 *     if (oa_azure_request(r)) oa_azure_headers(r);  // before sending
 */
#ifndef OA_AZURE_H
#define OA_AZURE_H

#include <stdbool.h>

#include "cli.h"
#include "oa_ctx.h"
#include "server.h"

/* Is this request on one of Azure's paths (under /openai/)? */
bool oa_azure_request(const srv_req *r);

/* Append the Azure routes, each with ctx (an oa_ctx) as its context. */
void oa_azure_routes(srv_routes *t, oa_ctx *ctx);

/* --azure-deployment NAME=MODEL entries into c->deployments; false with a
 * message for a malformed entry or an unknown model. */
bool oa_azure_deployments(oa_ctx *c, const cli_list *specs, char *err, size_t errlen);

/* The model a deployment name serves: a configured deployment, else a
 * known model of that name; NULL when there is none. */
const oa_model *oa_azure_model(const oa_ctx *c, const char *name);

/* The request's body as the handlers should read it: on an Azure path,
 * the body with the deployment's model put in; else the body itself. */
const char *oa_req_body(srv_req *r, size_t *len);

/* Auth: the caller's key (not NUL-terminated, *len bytes; NULL if none):
 * on Azure's paths from "api-key" or else "Authorization: Bearer", on
 * OpenAI's from the bearer only; and Azure's check of it (false with
 * Azure's 401 written). */
const char *oa_req_key(const srv_req *r, size_t *len);
bool oa_azure_auth_check(srv_req *r, const oa_ctx *c);

/* Azure's error envelope: {"error":{"code":CODE,"message":MESSAGE}}. */
void oa_azure_error(srv_req *r, int status, const char *code, const char *message);
/* Errors the core decides (404, 405, 429, ...) on an Azure path. */
void oa_azure_core_error(srv_req *r, int status, const char *message);
/* The rate limiter's 429 on an Azure path: Azure's wording and retry-after. */
void oa_azure_rate_error(srv_req *r, bool tokens, double wait_s);
/* The 400 a prompt caught by the content filter gets. */
void oa_azure_content_filter_error(srv_req *r);

/* Azure's response headers (apim-request-id, x-ms-region, the client's
 * x-ms-client-request-id echoed, ...). */
void oa_azure_headers(srv_req *r);

/* Content filter annotations as Azure writes them: all categories safe,
 * or (filtered) one category caught. */
void oa_azure_filter_results(buf *b, bool filtered);
void oa_azure_prompt_filter(buf *b);

#endif
