#include "oa_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "oa_azure.h"

static void json_or_null(buf *b, const char *s)
{
    if (s && *s)
        buf_json_str(b, s, strlen(s));
    else
        buf_puts(b, "null");
}

void oa_error(srv_req *r, int status, const char *message, const char *type, const char *param,
              const char *code)
{
    buf *b = srv_resp_restart(r, status);
    buf_puts(b, "{\"error\":{\"message\":");
    buf_json_str(b, message, strlen(message));
    buf_puts(b, ",\"type\":");
    json_or_null(b, type);
    buf_puts(b, ",\"param\":");
    json_or_null(b, param);
    buf_puts(b, ",\"code\":");
    json_or_null(b, code);
    buf_puts(b, "}}");
}

void oa_error_send(srv_req *r, const oa_err *e)
{
    oa_error(r, e->status, e->message, e->type, e->param, e->code);
}

bool oa_fail(oa_err *e, int status, const char *type, const char *param, const char *code,
             const char *fmt, ...)
{
    e->status = status;
    e->type = type;
    e->code = code;
    snprintf(e->param, sizeof e->param, "%s", param ? param : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return false;
}

void oa_error_model_not_found(srv_req *r, const char *model)
{
    char msg[400];
    snprintf(msg, sizeof msg, "The model `%.300s` does not exist or you do not have access to it.", model);
    oa_error(r, 404, msg, "invalid_request_error", NULL, "model_not_found");
}

/* Azure's paths get its gateway's errors; the OpenAI paths keep OpenAI's. */
void oa_core_error(srv_req *r, int status, const char *message)
{
    if (oa_azure_request(r))
        oa_azure_core_error(r, status, message);
    else
        oa_core_error_openai(r, status, message);
}

void oa_core_error_openai(srv_req *r, int status, const char *message)
{
    switch (status) {
    case 429:
        oa_error(r, status,
                 "Rate limit reached for requests. Please try again in 1s. Visit "
                 "https://platform.openai.com/account/rate-limits to learn more.",
                 "requests", NULL, "rate_limit_exceeded");
        return;
    case 502:
        oa_error(r, status, "Bad gateway.", "server_error", NULL, NULL);
        return;
    case 504:
        oa_error(r, status, "Gateway timeout.", "server_error", NULL, NULL);
        return;
    case 413:
        oa_error(r, status, message, "invalid_request_error", NULL, "request_too_large");
        return;
    case 500:
        oa_error(r, status, "The server had an error while processing your request. Sorry about that!",
                 "server_error", NULL, NULL);
        return;
    case 503:
        oa_error(r, status, "The server is overloaded or not ready yet.", "service_unavailable_error", NULL,
                 "server_is_overloaded");
        return;
    default:
        oa_error(r, status, message, status >= 500 ? "server_error" : "invalid_request_error", NULL, NULL);
        return;
    }
}
