/* mock_openai: a fake OpenAI API (embeddings, models) for tests. */
#include <stdio.h>

#include "app.h"
#include "oa_ctx.h"
#include "oa_error.h"
#include "oa_handlers.h"

int main(int argc, char **argv)
{
    app_common c = APP_COMMON_DEFAULTS(8002);
    cli_list keys = {0}, models = {0};
    oa_ctx ctx = {.api_keys = &keys, .rpm = 3000, .tpm = 1000000};
    const cli_opt opts[] = {
        APP_COMMON_OPTS(c),
        {"api-key", "MOCK_API_KEYS", CLI_LIST, &keys,
         "accept only this bearer key (repeatable; env: comma-separated); none = any non-empty key", 0, 0},
        {"model", "MOCK_MODELS", CLI_LIST, &models,
         "add an embedding model or resize one, NAME:DIMS (repeatable; env: comma-separated)", 0, 0},
        {"rpm", "MOCK_RPM", CLI_INT, &ctx.rpm, "requests per minute reported in x-ratelimit-* headers", 1, 1e12},
        {"tpm", "MOCK_TPM", CLI_INT, &ctx.tpm, "tokens per minute reported in x-ratelimit-* headers", 1, 1e12},
    };
    const cli_about about = {"mock_openai", MOCKWORKS_VERSION, "a fake OpenAI API (embeddings, models) for tests"};
    int rc = 2;
    char err[256];
    cli_result parsed = cli_parse(opts, sizeof opts / sizeof opts[0], argc, argv, &about);
    if (parsed == CLI_EXIT) {
        rc = 0;
    } else if (parsed == CLI_OK && !oa_ctx_models(&ctx, &models, err, sizeof err)) {
        fprintf(stderr, "mock_openai: %s\n", err);
    } else if (parsed == CLI_OK) {
        const srv_route routes[] = {
            {"GET", "/health", oa_handle_health, &ctx},
            {"POST", "/v1/embeddings", oa_handle_embeddings, &ctx},
            {"GET", "/v1/models", oa_handle_models_list, &ctx},
            {"GET", "/v1/models/{id}", oa_handle_model_get, &ctx},
        };
        srv_config cfg = {.service = "mock-openai", .routes = routes, .nroutes = sizeof routes / sizeof routes[0],
                          .on_error = oa_core_error, .before_send = oa_add_headers, .hook_ctx = &ctx};
        if (app_configure(&c, &cfg))
            rc = app_run(&c, &cfg);
    }
    cli_list_free(&keys);
    cli_list_free(&models);
    return rc;
}
