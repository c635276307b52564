/* POST /v1/responses bodies, past the handler's own field checks: the
 * input items (oa_resp_input.c, item references resolved from a store that
 * holds one earlier response), the chat request built from them
 * (oa_resp_chat.c, oa_resp_messages.c; with previous_response_id, after
 * the stored response's history), the chat engine's parse and reply,
 * the response object (oa_resp_output.c) and its events (oa_resp_events.c),
 * then stored and read back as the retrieve endpoint does.
 *
 * Beyond "no crash, no leak": a refused body gets a 400 or 404 with a
 * message and a param that never names chat's messages[...]; an accepted
 * one gives a response object and events that are valid JSON, numbered
 * from 0, ending in response.completed, incomplete or failed. */
#include <string.h>

#include "fuzz_common.h"
#include "oa_resp.h"
#include "oa_resp_store.h"
#include "timer.h"

static oa_ctx ctx;
static oa_resp_store *store;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[128];
    FUZZ_CHECK(oa_ctx_models(&ctx, NULL, err, sizeof err));
    store = oa_resp_store_new(4, 3600 * 1000);
    FUZZ_CHECK(store);
    /* one earlier response whose items the input can reference */
    oa_resp_rec *r = calloc(1, sizeof *r);
    FUZZ_CHECK(r);
    snprintf(r->id, sizeof r->id, "resp_1");
    r->created_ms = r->done_ms = timer_now_ms();
    r->response = cJSON_Parse("{\"id\":\"resp_1\",\"status\":\"completed\",\"output\":[{\"id\":\"msg_1\",\"type\":"
                              "\"message\",\"role\":\"assistant\",\"status\":\"completed\",\"content\":[{\"type\":"
                              "\"output_text\",\"text\":\"hello\",\"annotations\":[]}]},{\"id\":\"fc_1\",\"type\":"
                              "\"function_call\",\"call_id\":\"call_1\",\"name\":\"f\",\"arguments\":\"{}\"}]}");
    r->input = cJSON_Parse("[{\"id\":\"msg_0\",\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":"
                           "\"input_text\",\"text\":\"hi\"}]}]");
    r->history = cJSON_Duplicate(r->input, true);
    FUZZ_CHECK(r->response && r->input && r->history);
    oa_resp_store_add(store, r);
    return 0;
}

static void check_events(const cJSON *resp)
{
    buf b = BUF_INIT;
    oa_resp_events(&b, resp, -1, false);
    FUZZ_CHECK(b.data);
    long n = 0;
    const char *last = NULL;
    for (const char *p = b.data; p < b.data + b.len; n++) {
        const char *end = strstr(p, "\n\n");
        const char *data = strstr(p, "\ndata: ");
        FUZZ_CHECK(end && !strncmp(p, "event: ", 7) && data && data < end);
        cJSON *e = cJSON_ParseWithLength(data + 7, (size_t)(end - data - 7));
        FUZZ_CHECK(e);
        FUZZ_CHECK(cJSON_GetObjectItem(e, "sequence_number")->valuedouble == (double)n);
        last = p;
        cJSON_Delete(e);
        p = end + 2;
    }
    FUZZ_CHECK(last && (!strncmp(last, "event: response.completed\n", 26) || !strncmp(last, "event: response.incomplete\n", 27) ||
                        !strncmp(last, "event: response.failed\n", 23)));
    buf_free(&b);
}

static void answer(const cJSON *root, const oa_chat_req *q, const oa_resp_tools *t, bool failed)
{
    oa_resp_gen g;
    oa_resp_engine_run(q, &g);
    oa_resp_result res = {q, &g, t, failed ? "failed" : NULL};
    cJSON *resp = oa_resp_object(root, "resp_2", &res);
    FUZZ_CHECK(resp);
    char *text = cJSON_PrintUnformatted(resp);
    FUZZ_CHECK(text && fuzz_json_valid(text, strlen(text)));
    cJSON_free(text);
    check_events(resp);
    cJSON_Delete(resp);
    oa_resp_gen_free(&g);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *body = fuzz_copy(data, size);
    cJSON *root = cJSON_ParseWithLength(body, size);
    const cJSON *input = cJSON_GetObjectItem(root, "input");
    oa_err e = {0};
    oa_chat_req q = {0};
    oa_resp_tools t = {0};
    if (cJSON_IsObject(root) && (cJSON_IsString(input) || cJSON_IsArray(input))) {
        cJSON *items = oa_resp_input_items(input, "input", store, &e);
        /* any previous_response_id continues the stored one, as the handler would */
        cJSON *conv = items && cJSON_GetObjectItem(root, "previous_response_id") ? oa_resp_store_history(store, "resp_1") : NULL;
        for (const cJSON *it = conv && items ? items->child : NULL; it; it = it->next)
            cJSON_AddItemToArray(conv, cJSON_Duplicate(it, true));
        char *chat = items ? oa_resp_chat_body(root, conv ? conv : items, &t, &e) : NULL;
        cJSON_Delete(conv);
        bool ok = chat && oa_chat_parse(&ctx, chat, strlen(chat), &q, &e);
        if (chat && !ok)
            oa_resp_chat_error(&e);
        if (ok) {
            answer(root, &q, &t, size % 7 == 0);
        } else {
            FUZZ_CHECK(e.status == 400 || e.status == 404);
            FUZZ_CHECK(e.type && memchr(e.message, '\0', sizeof e.message) && e.message[0]);
            FUZZ_CHECK(strncmp(e.param, "messages", 8) != 0);
        }
        cJSON_free(chat);
        cJSON_Delete(items);
    }
    oa_chat_req_free(&q);
    cJSON_Delete(root);
    free(body);
    return 0;
}
