/* Recording keys and file names: what makes two requests one recording,
 * and how the store names and writes files. */
#include <cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "check_main.h"
#include "file.h"
#include "lp_record.h"
#include "oa_record.h"
#include "rec_store.h"

static char *name_of(oa_rec_family f, const char *json)
{
    static char out[64];
    cJSON *body = cJSON_Parse(json);
    bool ok = oa_rec_file_name(f, body, out, sizeof out);
    cJSON_Delete(body);
    return ok ? out : NULL;
}

START_TEST(chat_key_ignores_order_and_volatile_fields)
{
    char a[64];
    snprintf(a, sizeof a, "%s", name_of(OA_REC_CHAT, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
    ck_assert_int_eq((int)strlen(a), (int)strlen("chat-0123456789abcdef.json"));
    ck_assert(strncmp(a, "chat-", 5) == 0);
    /* keys in another order, plus user, metadata, stream, stream_options, store */
    ck_assert_str_eq(name_of(OA_REC_CHAT, "{\"user\":\"u\",\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"model\":\"m\","
                                          "\"metadata\":{\"a\":\"b\"},\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                                          "\"store\":true,\"service_tier\":\"auto\"}"),
                     a);
    /* what changes an answer changes the key */
    ck_assert_str_ne(name_of(OA_REC_CHAT, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":1}"), a);
    ck_assert_str_ne(name_of(OA_REC_CHAT, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0}"), a);
    ck_assert_str_ne(name_of(OA_REC_CHAT, "{\"model\":\"m2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), a);
    ck_assert_ptr_null(name_of(OA_REC_CHAT, "[1,2]"));
}
END_TEST

START_TEST(responses_key_keeps_stream_true_only)
{
    char a[64];
    snprintf(a, sizeof a, "%s", name_of(OA_REC_RESPONSES, "{\"model\":\"m\",\"input\":\"x\"}"));
    ck_assert(strncmp(a, "responses-", 10) == 0);
    ck_assert_str_eq(name_of(OA_REC_RESPONSES, "{\"model\":\"m\",\"input\":\"x\",\"stream\":false}"), a);
    ck_assert_str_ne(name_of(OA_REC_RESPONSES, "{\"model\":\"m\",\"input\":\"x\",\"stream\":true}"), a);
}
END_TEST

START_TEST(embeddings_key_is_model_input_dimensions)
{
    char a[64];
    snprintf(a, sizeof a, "%s", name_of(OA_REC_EMBEDDINGS, "{\"model\":\"e\",\"input\":[\"a\",\"b\"],\"dimensions\":8}"));
    ck_assert(strncmp(a, "embeddings-", 11) == 0);
    ck_assert_str_eq(name_of(OA_REC_EMBEDDINGS, "{\"encoding_format\":\"base64\",\"user\":\"x\",\"dimensions\":8,"
                                                "\"input\":[\"a\",\"b\"],\"model\":\"e\"}"),
                     a);
    ck_assert_str_ne(name_of(OA_REC_EMBEDDINGS, "{\"model\":\"e\",\"input\":[\"b\",\"a\"],\"dimensions\":8}"), a);
    ck_assert_str_ne(name_of(OA_REC_EMBEDDINGS, "{\"model\":\"e\",\"input\":[\"a\",\"b\"]}"), a);
}
END_TEST

START_TEST(test_folders_are_safe_and_distinct)
{
    char out[256];
    ck_assert(rec_folder(out, sizeof out, "rec", NULL));
    ck_assert_str_eq(out, "rec");
    ck_assert(rec_folder(out, sizeof out, "rec", ""));
    ck_assert_str_eq(out, "rec");
    ck_assert(rec_folder(out, sizeof out, "rec", "suite-1.case_2"));
    ck_assert_str_eq(out, "rec/suite-1.case_2");
    char a[256], b[256];
    ck_assert(rec_folder(a, sizeof a, "rec", "a/b"));
    ck_assert(rec_folder(b, sizeof b, "rec", "a b"));
    ck_assert(strncmp(a, "rec/a_b-", 8) == 0 && strlen(a) == 16);
    ck_assert_str_ne(a, b); /* both made "a_b": the hash tells them apart */
    ck_assert(rec_folder(out, sizeof out, "rec", "../up"));
    ck_assert(strncmp(out, "rec/_._up-", 10) == 0);
    ck_assert(!strstr(out + 4, "/"));
    char longid[300];
    memset(longid, 'x', sizeof longid - 1);
    longid[sizeof longid - 1] = '\0';
    ck_assert(rec_folder(out, sizeof out, "rec", longid));
    ck_assert_uint_eq(strlen(out), 4 + 100 + 9);
    ck_assert(!rec_folder(out, 8, "rec", "long-enough-not-to-fit"));
}
END_TEST

START_TEST(write_is_pretty_stable_and_atomic)
{
    char dir[] = "/tmp/record-unit-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char folder[128], err[256];
    snprintf(folder, sizeof folder, "%s/deep/er", dir);
    cJSON *doc = cJSON_Parse("{\"b\":1,\"a\":{\"d\":[1,{\"z\":0,\"y\":\"t\\tx\"}],\"c\":null}}");
    cJSON *sorted = rec_sorted(doc);
    ck_assert(rec_write(folder, "x.json", sorted, err, sizeof err));
    buf b = BUF_INIT;
    char path[256];
    snprintf(path, sizeof path, "%s/x.json", folder);
    ck_assert(file_read_all(path, &b));
    ck_assert_str_eq(b.data, "{\n  \"a\": {\n    \"c\": null,\n    \"d\": [1, {\n        \"y\": \"t\\tx\",\n        \"z\": 0\n"
                             "      }]\n  },\n  \"b\": 1\n}\n");
    cJSON *back = rec_read(folder, "x.json");
    ck_assert(cJSON_Compare(back, doc, true));
    ck_assert_ptr_null(rec_read(folder, "missing.json"));
    DIR *d = opendir(folder);
    int files = 0;
    for (struct dirent *e; (e = readdir(d));)
        files += e->d_name[0] != '.';
    closedir(d);
    ck_assert_int_eq(files, 1); /* no temporary file left behind */
    char k1[REC_KEY_LEN + 1], k2[REC_KEY_LEN + 1];
    rec_key(doc, k1);
    rec_key(sorted, k2);
    ck_assert_str_eq(k1, k2);
    buf_free(&b);
    cJSON_Delete(back);
    cJSON_Delete(sorted);
    cJSON_Delete(doc);
    unlink(path);
}
END_TEST

START_TEST(vectors_round_trip_through_base64)
{
    float v[5] = {1.0f, -2.5f, 0.1f, 3.4e-20f, -0.0f}, back[5];
    char text[BASE64_LEN(sizeof v) + 1];
    text[base64_encode_f32le(text, v, 5)] = '\0';
    ck_assert_int_eq(base64_decode_f32le(text, strlen(text), back, 5), 5);
    ck_assert(memcmp(v, back, sizeof v) == 0);
    ck_assert_int_eq(base64_decode_f32le(text, strlen(text), back, 4), -1); /* no room */
    ck_assert_int_eq(base64_decode_f32le("AACAPw=", 7, back, 5), -1);        /* not padded */
    ck_assert_int_eq(base64_decode_f32le("AACA*w==", 8, back, 5), -1);
    ck_assert_int_eq(base64_decode_f32le("AACAPw==", 8, back, 5), 1);  /* 1.0f */
    ck_assert(back[0] == 1.0f);
    ck_assert_int_eq(base64_decode_f32le("", 0, back, 5), 0);
}
END_TEST

START_TEST(streams_fold_into_a_message)
{
    const char *sse = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}\n\n"
                      "data: {\"choices\":[{\"index\":1,\"delta\":{\"content\":\"other choice\"}}]}\n\n"
                      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" world\"},\"finish_reason\":\"length\"}]}\n\n"
                      "data: [DONE]\n\n";
    const char *finish;
    cJSON *m = oa_rec_sse_message(sse, strlen(sse), &finish);
    ck_assert_str_eq(cJSON_GetObjectItem(m, "content")->valuestring, "Hello world");
    ck_assert_str_eq(finish, "length");
    cJSON_Delete(m);
    const char *tool = "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]}}]}\n\n"
                       "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\":1}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n";
    m = oa_rec_sse_message(tool, strlen(tool), &finish);
    cJSON *fn = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(m, "tool_calls"), 0), "function");
    ck_assert_str_eq(cJSON_GetObjectItem(fn, "name")->valuestring, "f");
    ck_assert_str_eq(cJSON_GetObjectItem(fn, "arguments")->valuestring, "{\"a\":1}");
    ck_assert_str_eq(finish, "tool_calls");
    cJSON_Delete(m);
}
END_TEST

START_TEST(documents_are_named_by_content_and_options)
{
    char a[128], b[128];
    cJSON *f = cJSON_Parse("{\"result_type\":\"markdown\",\"webhook_url\":\"https://x\"}");
    cJSON *g = cJSON_Parse("{\"result_type\":\"markdown\"}");
    lp_rec_base("abc", 3, "a.txt", f, a, sizeof a);
    /* sha256("abc") */
    ck_assert(strncmp(a, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.", 65) == 0);
    ck_assert_uint_eq(strlen(a), 64 + 1 + 16);
    lp_rec_base("abc", 3, "a.txt", g, b, sizeof b);
    ck_assert_str_eq(a, b); /* webhooks do not change a result */
    lp_rec_base("abc", 3, "b.txt", g, b, sizeof b);
    ck_assert_str_ne(a, b);
    cJSON_ReplaceItemInObject(g, "result_type", cJSON_CreateString("text"));
    lp_rec_base("abc", 3, "a.txt", g, b, sizeof b);
    ck_assert_str_ne(a, b);
    cJSON_Delete(f);
    cJSON_Delete(g);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("record");
    TCase *t = tcase_create("core");
    tcase_add_test(t, chat_key_ignores_order_and_volatile_fields);
    tcase_add_test(t, responses_key_keeps_stream_true_only);
    tcase_add_test(t, embeddings_key_is_model_input_dimensions);
    tcase_add_test(t, test_folders_are_safe_and_distinct);
    tcase_add_test(t, write_is_pretty_stable_and_atomic);
    tcase_add_test(t, vectors_round_trip_through_base64);
    tcase_add_test(t, streams_fold_into_a_message);
    tcase_add_test(t, documents_are_named_by_content_and_options);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
