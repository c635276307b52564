/* Response objects and their events from an engine result: a reasoning
 * model's reasoning item (summary, encrypted content, reasoning tokens),
 * function calls, an incomplete answer, a failed one, and the events each
 * gives (numbered, typed, adding up). Models are made up here: the
 * catalogue need not have a reasoning model for these to run. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "oa_resp.h"

static oa_model model(const char *id)
{
    oa_model m = {0};
    snprintf(m.id, sizeof m.id, "%s", id);
    m.context = 128000;
    m.enc = OA_BPE_O200K;
    snprintf(m.snapshot, sizeof m.snapshot, "%s", id);
    m.kind = id[0] == 'o' || !strncmp(id, "gpt-5", 5) ? OA_KIND_REASONING : OA_KIND_CHAT;
    return m;
}

static cJSON *object(const char *model_id, const char *request, const char *text, const char *finish, const char *fault)
{
    static oa_model m;
    m = model(model_id);
    oa_chat_req q = {0};
    q.model = &m;
    q.last_user = "What does the plan cover?";
    q.prompt_tokens = 20;
    q.seed = 42;
    if (m.kind == OA_KIND_REASONING) { /* what the chat engine would count at the request's effort */
        q.effort = strstr(request, "\"low\"") ? OA_EFFORT_LOW : strstr(request, "\"high\"") ? OA_EFFORT_HIGH : OA_EFFORT_MEDIUM;
        q.reasoning_tokens = q.effort == OA_EFFORT_HIGH ? 600 : q.effort == OA_EFFORT_LOW ? 100 : 300;
    }
    oa_resp_gen g = {0};
    g.finish = finish;
    if (!strcmp(finish, "tool_calls")) {
        snprintf(g.calls[0].name, sizeof g.calls[0].name, "lookup");
        snprintf(g.calls[0].call_id, sizeof g.calls[0].call_id, "call_abc");
        buf_puts(&g.calls[0].args, text);
        g.ncalls = 1;
    } else {
        buf_puts(&g.text, text);
    }
    if (strstr(request, "logprobs")) /* what the engine gives for "Mock reply.": 3 tokens */
        g.logprobs = cJSON_Parse("[{\"token\":\"Mock\",\"logprob\":-0.1,\"bytes\":[77,111,99,107],\"top_logprobs\":[]},"
                                 "{\"token\":\" reply\",\"logprob\":-0.2,\"bytes\":[32,114,101,112,108,121],\"top_logprobs\":[]},"
                                 "{\"token\":\".\",\"logprob\":-0.3,\"bytes\":[46],\"top_logprobs\":[]}]");
    oa_resp_tools t = {0};
    oa_resp_result res = {&q, &g, &t, fault};
    cJSON *root = cJSON_Parse(request);
    cJSON *o = oa_resp_object(root, "resp_1", &res);
    cJSON_Delete(root);
    oa_resp_gen_free(&g);
    return o;
}

static const char *str(const cJSON *o, const char *path)
{
    const cJSON *v = o;
    char copy[128];
    snprintf(copy, sizeof copy, "%s", path);
    for (char *save = NULL, *k = strtok_r(copy, ".", &save); k; k = strtok_r(NULL, ".", &save))
        v = k[0] >= '0' && k[0] <= '9' ? cJSON_GetArrayItem(v, atoi(k)) : cJSON_GetObjectItemCaseSensitive(v, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num(const cJSON *o, const char *a, const char *b)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, a), b)->valuedouble;
}

START_TEST(reasoning_model_gives_a_reasoning_item)
{
    cJSON *o = object("o4-mini", "{\"reasoning\":{\"effort\":\"high\",\"summary\":\"auto\"},\"include\":[\"reasoning.encrypted_content\"]}",
                      "Mock reply.", "stop", NULL);
    ck_assert_str_eq(str(o, "output.0.type"), "reasoning");
    ck_assert_str_eq(str(o, "output.0.summary.0.type"), "summary_text");
    ck_assert_ptr_nonnull(str(o, "output.0.encrypted_content"));
    ck_assert_str_eq(str(o, "output.1.type"), "message");
    ck_assert_str_eq(str(o, "reasoning.effort"), "high");
    const cJSON *u = cJSON_GetObjectItem(o, "usage");
    double reasoning = num(u, "output_tokens_details", "reasoning_tokens");
    ck_assert(reasoning >= 512);
    ck_assert(cJSON_GetObjectItem(u, "output_tokens")->valuedouble > reasoning);
    cJSON_Delete(o);
    /* no summary asked, no encrypted content included; low effort costs less */
    o = object("gpt-5-mini", "{\"reasoning\":{\"effort\":\"low\"}}", "Mock reply.", "stop", NULL);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "output"), 0), "summary")), 0);
    ck_assert_ptr_null(str(o, "output.0.encrypted_content"));
    ck_assert(num(cJSON_GetObjectItem(o, "usage"), "output_tokens_details", "reasoning_tokens") < 512);
    cJSON_Delete(o);
    /* a plain model: none of it */
    o = object("gpt-4o-mini", "{}", "Mock reply.", "stop", NULL);
    ck_assert_str_eq(str(o, "output.0.type"), "message");
    ck_assert(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "reasoning"), "effort")));
    ck_assert(num(cJSON_GetObjectItem(o, "usage"), "output_tokens_details", "reasoning_tokens") == 0);
    cJSON_Delete(o);
}
END_TEST

/* Event types in order, and checks every event is numbered in turn. */
static int events(const cJSON *o, char types[][64], int cap, buf *deltas)
{
    buf b = BUF_INIT;
    oa_resp_events(&b, o, -1, false);
    int n = 0;
    for (char *save = NULL, *block = strtok_r(b.data, "\n", &save); block; block = strtok_r(NULL, "\n", &save)) {
        if (strncmp(block, "data: ", 6))
            continue;
        cJSON *e = cJSON_Parse(block + 6);
        ck_assert_int_eq((int)cJSON_GetObjectItem(e, "sequence_number")->valuedouble, n);
        if (n < cap)
            snprintf(types[n], 64, "%s", cJSON_GetObjectItem(e, "type")->valuestring);
        const cJSON *d = cJSON_GetObjectItem(e, "delta");
        if (deltas && cJSON_IsString(d))
            buf_puts(deltas, d->valuestring);
        cJSON_Delete(e);
        n++;
    }
    buf_free(&b);
    return n;
}

START_TEST(reasoning_summary_streams_its_own_events)
{
    cJSON *o = object("o3", "{\"reasoning\":{\"summary\":\"detailed\"}}", "Mock reply.", "stop", NULL);
    char t[64][64];
    buf d = BUF_INIT;
    int n = events(o, t, 64, &d);
    ck_assert_str_eq(t[2], "response.output_item.added");
    ck_assert_str_eq(t[3], "response.reasoning_summary_part.added");
    ck_assert_str_eq(t[4], "response.reasoning_summary_text.delta");
    ck_assert_str_eq(t[n - 1], "response.completed");
    buf_free(&d);
    cJSON_Delete(o);
}
END_TEST

START_TEST(function_call_and_its_events)
{
    cJSON *o = object("gpt-4o-mini", "{}", "{\"term\":\"a fairly long search term\"}", "tool_calls", NULL);
    ck_assert_str_eq(str(o, "output.0.type"), "function_call");
    ck_assert_str_eq(str(o, "output.0.call_id"), "call_abc");
    ck_assert_str_eq(str(o, "output.0.name"), "lookup");
    char t[64][64];
    buf d = BUF_INIT;
    int n = events(o, t, 64, &d);
    ck_assert_str_eq(d.data, "{\"term\":\"a fairly long search term\"}");
    ck_assert_str_eq(t[3], "response.function_call_arguments.delta");
    ck_assert_str_eq(t[n - 3], "response.function_call_arguments.done");
    buf_free(&d);
    cJSON_Delete(o);
}
END_TEST

START_TEST(cut_and_failed_answers)
{
    cJSON *o = object("gpt-4o-mini", "{\"max_output_tokens\":16}", "Mock reply cut", "length", NULL);
    ck_assert_str_eq(str(o, "status"), "incomplete");
    ck_assert_str_eq(str(o, "incomplete_details.reason"), "max_output_tokens");
    ck_assert_str_eq(str(o, "output.0.status"), "incomplete");
    char t[64][64];
    int n = events(o, t, 64, NULL);
    ck_assert_str_eq(t[n - 1], "response.incomplete");
    cJSON_Delete(o);
    o = object("gpt-4o-mini", "{}", "Mock reply.", "stop", "failed");
    ck_assert_str_eq(str(o, "status"), "failed");
    ck_assert_str_eq(str(o, "error.code"), "server_error");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(o, "output")), 0);
    n = events(o, t, 64, NULL);
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(t[2], "response.failed");
    cJSON_Delete(o);
}
END_TEST

START_TEST(logprobs_go_with_the_text_and_its_deltas)
{
    cJSON *o = object("gpt-4o-mini", "{\"include\":[\"message.output_text.logprobs\"]}", "Mock reply.", "stop", NULL);
    const cJSON *part = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "output"), 0), "content"), 0);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(part, "logprobs")), 3);
    buf b = BUF_INIT;
    oa_resp_events(&b, o, -1, false);
    /* deltas "Mock", " reply." carry 1 and 2 entries; the done event all 3 */
    int per[4] = {0}, n = 0, done = 0;
    for (char *save = NULL, *line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "data: ", 6))
            continue;
        cJSON *e = cJSON_Parse(line + 6);
        const char *type = cJSON_GetObjectItem(e, "type")->valuestring;
        if (!strcmp(type, "response.output_text.delta") && n < 4)
            per[n++] = cJSON_GetArraySize(cJSON_GetObjectItem(e, "logprobs"));
        if (!strcmp(type, "response.output_text.done"))
            done = cJSON_GetArraySize(cJSON_GetObjectItem(e, "logprobs"));
        cJSON_Delete(e);
    }
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(per[0], 1);
    ck_assert_int_eq(per[1], 2);
    ck_assert_int_eq(done, 3);
    buf_free(&b);
    cJSON_Delete(o);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("resp_output");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, reasoning_model_gives_a_reasoning_item);
    tcase_add_test(tc, reasoning_summary_streams_its_own_events);
    tcase_add_test(tc, function_call_and_its_events);
    tcase_add_test(tc, cut_and_failed_answers);
    tcase_add_test(tc, logprobs_go_with_the_text_and_its_deltas);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(suite)
