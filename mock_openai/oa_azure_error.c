/* Azure's own error bodies. Where Azure passes the model's error through
 * (a bad chat body), the OpenAI envelope stays; these are the ones its
 * gateway writes itself. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "oa_azure.h"
#include "oa_error.h"

void oa_azure_error(srv_req *r, int status, const char *code, const char *message)
{
    buf *b = srv_resp_restart(r, status);
    buf_puts(b, "{\"error\":{\"code\":");
    buf_json_str(b, code, strlen(code));
    buf_puts(b, ",\"message\":");
    buf_json_str(b, message, strlen(message));
    buf_puts(b, "}}");
}

/* The operation name Azure's 429 names, from the path's last part. */
static const char *operation(const srv_req *r)
{
    const char *p = srv_req_path(r);
    size_t n = strlen(p);
    if (n >= 10 && !strcmp(p + n - 10, "embeddings"))
        return "Embeddings_Create";
    if (n >= 16 && !strcmp(p + n - 16, "chat/completions"))
        return "ChatCompletions_Create";
    if (n >= 9 && !strcmp(p + n - 9, "responses"))
        return "Responses_Create";
    return "Completions_Create";
}

static void rate_message(srv_req *r, bool tokens, long seconds)
{
    const char *v = srv_req_query(r, "api-version");
    char msg[512];
    snprintf(msg, sizeof msg,
             "Requests to the %s Operation under Azure OpenAI API version %.40s have exceeded %s rate limit of your "
             "current OpenAI S0 pricing tier. Please retry after %ld second%s. Please go here: "
             "https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.",
             operation(r), v && *v ? v : "v1", tokens ? "token" : "call", seconds, seconds == 1 ? "" : "s");
    oa_azure_error(r, 429, "429", msg);
}

void oa_azure_rate_error(srv_req *r, bool tokens, double wait_s)
{
    long s = (long)ceil(wait_s);
    rate_message(r, tokens, s < 1 ? 1 : s);
}

void oa_azure_core_error(srv_req *r, int status, const char *message)
{
    switch (status) {
    case 404:
    case 405: /* Azure's gateway has no method errors: an unknown operation is not found */
        oa_azure_error(r, 404, "404", "Resource not found");
        return;
    case 429: /* an injected 429: the rule's retry-after (1 s unless it says) */
        rate_message(r, false, 1);
        return;
    default:
        oa_core_error_openai(r, status, message);
        return;
    }
}

void oa_azure_filter_results(buf *b, bool filtered)
{
    buf_printf(b,
               "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
               "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},"
               "\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},"
               "\"violence\":{\"filtered\":%s,\"severity\":\"%s\"}}",
               filtered ? "true" : "false", filtered ? "medium" : "safe");
}

void oa_azure_prompt_filter(buf *b)
{
    buf_puts(b, "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{"
                "\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
                "\"jailbreak\":{\"filtered\":false,\"detected\":false},"
                "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},"
                "\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},"
                "\"violence\":{\"filtered\":false,\"severity\":\"safe\"}}}]");
}

/* Azure's answer to a prompt its filter caught: OpenAI's four keys, plus
 * status and the innererror naming the category. */
void oa_azure_content_filter_error(srv_req *r)
{
    buf *b = srv_resp_restart(r, 400);
    buf_puts(b, "{\"error\":{\"message\":\"The response was filtered due to the prompt triggering Azure OpenAI's "
                "content management policy. Please modify your prompt and retry. To learn more about our content "
                "filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766\","
                "\"type\":null,\"param\":\"prompt\",\"code\":\"content_filter\",\"status\":400,\"innererror\":{"
                "\"code\":\"ResponsibleAIPolicyViolation\",\"content_filter_result\":{"
                "\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
                "\"jailbreak\":{\"filtered\":false,\"detected\":false},"
                "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},"
                "\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},"
                "\"violence\":{\"filtered\":true,\"severity\":\"medium\"}}}}}");
}
