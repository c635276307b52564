/* Azure's routes as adapters in front of the /v1 handlers: Azure's checks,
 * then the deployment's model put into the body, then the same handler. */
#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "oa_azure.h"
#include "oa_azure_internal.h"
#include "oa_completions.h"
#include "oa_error.h"
#include "oa_handlers.h"

/* One operation: the handler it reaches and the kind of model it needs. */
typedef struct azure_op {
    const char *name; /* as Azure's OperationNotSupported names it */
    srv_handler fn;
    bool embeds; /* needs an embedding model (else a chat model) */
    bool completes; /* needs a completion model (legacy completions) */
} azure_op;

static const azure_op op_embed = {"embeddings", oa_handle_embeddings, true, false};
static const azure_op op_chat = {"chatCompletion", oa_handle_chat, false, false};
static const azure_op op_responses = {"responses", oa_handle_responses, false, false};
static const azure_op op_completions = {"completion", oa_handle_completions, false, true};

static const char not_found_msg[] =
    "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, "
    "please wait a moment and try again.";

bool oa_azure_request(const srv_req *r)
{
    return strncmp(srv_req_path(r), "/openai/", 8) == 0;
}

const char *oa_req_body(srv_req *r, size_t *len)
{
    const char *b = srv_req_note(r, "azure_body") ? srv_req_state(r) : NULL;
    if (!b)
        return srv_req_body(r, len);
    *len = strlen(b);
    return b;
}

/* What every Azure path checks before the operation: the key, then the
 * api-version (Azure answers an unknown one as an unknown resource). */
static bool gate(srv_req *r, const oa_ctx *c, bool v1_path)
{
    if (!oa_azure_auth_check(r, c))
        return false;
    if (oa_azure_version_ok(srv_req_query(r, "api-version"), v1_path))
        return true;
    oa_azure_error(r, 404, "404", "Resource not found");
    return false;
}

/* The deployment's model, or false with Azure's 404 or 400 written. */
static bool resolve(srv_req *r, const oa_ctx *c, const char *name, const azure_op *op, const oa_model **out)
{
    const oa_model *m = oa_azure_model(c, name);
    if (!m) {
        oa_azure_error(r, 404, "DeploymentNotFound", not_found_msg);
        return false;
    }
    bool completion = oa_completion_model(m->id) != NULL;
    if (op->embeds ? m->dims == 0 : op->completes ? !completion : (m->context == 0 || completion)) {
        char msg[400];
        snprintf(msg, sizeof msg,
                 "The %s operation does not work with the specified model, %.100s. Please choose different model and "
                 "try again. You can learn more about which models can be used with each operation here: "
                 "https://go.microsoft.com/fwlink/?linkid=2197993.",
                 op->name, m->id);
        oa_azure_error(r, 400, "OperationNotSupported", msg);
        return false;
    }
    *out = m;
    return true;
}

/* The body the handler reads: the deployment decides the model, whatever
 * the body says (LangChain sends its own default there). Kept as the
 * request's state, freed with the request. */
static bool put_model(srv_req *r, cJSON *root, const oa_model *m)
{
    cJSON_DeleteItemFromObjectCaseSensitive(root, "model");
    if (!cJSON_AddStringToObject(root, "model", m->id))
        return false;
    char *text = cJSON_PrintUnformatted(root);
    if (!text)
        return false;
    srv_req_set_state(r, text, cJSON_free);
    return srv_req_note_set(r, "azure_body", "1");
}

/* The deployment named by the URL, or on the v1 paths by the body's
 * model; NULL when a v1 body names none (the handler then says what is
 * wrong with the body, as Azure passes that error through). */
static const char *deployment_name(srv_req *r, const cJSON *root)
{
    const char *d = srv_req_param(r, "deployment");
    if (d)
        return d;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "model");
    return cJSON_IsString(m) ? m->valuestring : NULL;
}

/* A content_filter fault on a prompt: Azure refuses it with a 400 before
 * any answer starts; a stream is cut by the chat handler instead. */
static bool prompt_filtered(srv_req *r, const azure_op *op, const cJSON *root)
{
    const char *kind = srv_req_note(r, "kind");
    return op == &op_chat && kind && !strcmp(kind, "content_filter") &&
           !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "stream"));
}

static void adapt(srv_req *r, void *ctx, const azure_op *op, bool v1_path)
{
    const oa_ctx *c = ctx;
    if (!gate(r, c, v1_path))
        return;
    size_t len;
    const char *body = srv_req_body(r, &len);
    cJSON *root = json_parse_body(body, len);
    const char *name = cJSON_IsObject(root) ? deployment_name(r, root) : srv_req_param(r, "deployment");
    const oa_model *m = NULL;
    if (name && !resolve(r, c, name, op, &m)) {
        /* Azure's 404 or 400 is written */
    } else if (m && cJSON_IsObject(root) && prompt_filtered(r, op, root)) {
        oa_azure_content_filter_error(r);
    } else if (m && cJSON_IsObject(root) && !put_model(r, root, m)) {
        oa_core_error(r, 500, "out of memory");
    } else {
        op->fn(r, ctx);
    }
    cJSON_Delete(root);
}

static void dep_embeddings(srv_req *r, void *ctx) { adapt(r, ctx, &op_embed, false); }
static void dep_chat(srv_req *r, void *ctx) { adapt(r, ctx, &op_chat, false); }
static void dep_responses(srv_req *r, void *ctx) { adapt(r, ctx, &op_responses, false); }
static void dep_completions(srv_req *r, void *ctx) { adapt(r, ctx, &op_completions, false); }
static void v1_embeddings(srv_req *r, void *ctx) { adapt(r, ctx, &op_embed, true); }
static void v1_chat(srv_req *r, void *ctx) { adapt(r, ctx, &op_chat, true); }
static void v1_responses(srv_req *r, void *ctx) { adapt(r, ctx, &op_responses, true); }

static void v1_models(srv_req *r, void *ctx)
{
    if (gate(r, ctx, true))
        oa_handle_models_list(r, ctx);
}

static void v1_model(srv_req *r, void *ctx)
{
    if (gate(r, ctx, true))
        oa_handle_model_get(r, ctx);
}

void oa_azure_routes(srv_routes *t, oa_ctx *ctx)
{
    /* The bare /openai/... forms are what @ai-sdk/azure calls when its
     * baseURL is not an *.openai.azure.com host (a proxy, or this mock). */
    const srv_route own[] = {
        {"POST", "/openai/deployments/{deployment}/embeddings", dep_embeddings, ctx},
        {"POST", "/openai/deployments/{deployment}/chat/completions", dep_chat, ctx},
        {"POST", "/openai/deployments/{deployment}/responses", dep_responses, ctx},
        {"POST", "/openai/deployments/{deployment}/completions", dep_completions, ctx},
        {"POST", "/openai/v1/embeddings", v1_embeddings, ctx},
        {"POST", "/openai/v1/chat/completions", v1_chat, ctx},
        {"POST", "/openai/v1/responses", v1_responses, ctx},
        {"GET", "/openai/v1/models", v1_models, ctx},
        {"GET", "/openai/v1/models/{id}", v1_model, ctx},
        {"POST", "/openai/embeddings", v1_embeddings, ctx},
        {"POST", "/openai/chat/completions", v1_chat, ctx},
        {"POST", "/openai/responses", v1_responses, ctx},
        {"GET", "/openai/models", v1_models, ctx},
        {"GET", "/openai/models/{id}", v1_model, ctx},
    };
    SRV_ROUTES_ADD_ALL(t, own);
}
