/* The embeddings response writer: valid JSON in the real shape, floats and
 * base64 carrying the very same float32 values. */
#include <cJSON.h>
#include <math.h>
#include <string.h>

#include "check_main.h"
#include "oa_embed_resp.h"

static oa_ctx ctx;

static void setup(void)
{
    char err[100];
    ck_assert(oa_ctx_models(&ctx, NULL, err, sizeof err));
}

static cJSON *write_for(const char *body)
{
    oa_embed_req q;
    oa_err e;
    ck_assert_msg(oa_embed_parse(&ctx, body, strlen(body), &q, &e), "%s", e.message);
    buf b = BUF_INIT;
    ck_assert(oa_embed_write(&b, &q, NULL, NULL));
    oa_embed_req_free(&q);
    cJSON *root = cJSON_Parse(b.data);
    ck_assert_msg(root != NULL, "invalid JSON: %.200s", b.data);
    buf_free(&b);
    return root;
}

/* Decode standard base64 (test-side, independent of the encoder). */
static size_t unbase64(const char *s, unsigned char *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = 0;
    unsigned acc = 0;
    int bits = 0;
    for (; *s && *s != '='; s++) {
        acc = acc << 6 | (unsigned)(strchr(a, *s) - a);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    return n;
}

START_TEST(float_shape_and_values)
{
    cJSON *root = write_for("{\"model\":\"text-embedding-3-small\",\"input\":[\"hello world\",\"second\"]}");
    ck_assert_str_eq(cJSON_GetObjectItem(root, "object")->valuestring, "list");
    ck_assert_str_eq(cJSON_GetObjectItem(root, "model")->valuestring, "text-embedding-3-small");
    cJSON *data = cJSON_GetObjectItem(root, "data");
    ck_assert_int_eq(cJSON_GetArraySize(data), 2);
    cJSON *d1 = cJSON_GetArrayItem(data, 1);
    ck_assert_str_eq(cJSON_GetObjectItem(d1, "object")->valuestring, "embedding");
    ck_assert_int_eq(cJSON_GetObjectItem(d1, "index")->valueint, 1);
    cJSON *emb = cJSON_GetObjectItem(cJSON_GetArrayItem(data, 0), "embedding");
    ck_assert_int_eq(cJSON_GetArraySize(emb), 1536);
    double norm = 0;
    for (cJSON *v = emb->child; v; v = v->next)
        norm += v->valuedouble * v->valuedouble;
    ck_assert(fabs(sqrt(norm) - 1.0) < 1e-5);
    cJSON *usage = cJSON_GetObjectItem(root, "usage");
    ck_assert_int_eq(cJSON_GetObjectItem(usage, "prompt_tokens")->valueint, 3);
    ck_assert_int_eq(cJSON_GetObjectItem(usage, "total_tokens")->valueint, 3);
    cJSON_Delete(root);
}
END_TEST

START_TEST(base64_equals_floats)
{
    cJSON *f = write_for("{\"model\":\"text-embedding-3-small\",\"input\":\"same text\",\"dimensions\":100}");
    cJSON *b = write_for("{\"model\":\"text-embedding-3-small\",\"input\":\"same text\",\"dimensions\":100,"
                         "\"encoding_format\":\"base64\"}");
    cJSON *fv = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(f, "data"), 0), "embedding");
    const char *bv = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(b, "data"), 0), "embedding")->valuestring;
    unsigned char raw[400];
    ck_assert_uint_eq(unbase64(bv, raw), 400);
    int i = 0;
    for (cJSON *v = fv->child; v; v = v->next, i++) {
        const unsigned char *p = raw + 4 * i;
        uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        float x;
        memcpy(&x, &u, 4);
        ck_assert_msg((float)v->valuedouble == x, "component %d: %.9g vs %.9g", i, v->valuedouble, (double)x);
    }
    ck_assert_int_eq(i, 100);
    cJSON_Delete(f);
    cJSON_Delete(b);
}
END_TEST

START_TEST(same_text_same_vector_anywhere_in_batch)
{
    cJSON *a = write_for("{\"model\":\"text-embedding-3-small\",\"input\":[\"x\",\"target\"],\"encoding_format\":\"base64\"}");
    cJSON *b = write_for("{\"model\":\"text-embedding-3-small\",\"input\":\"target\",\"encoding_format\":\"base64\"}");
    const char *va = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(a, "data"), 1), "embedding")->valuestring;
    const char *vb = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(b, "data"), 0), "embedding")->valuestring;
    ck_assert_str_eq(va, vb);
    cJSON_Delete(a);
    cJSON_Delete(b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("embed_resp");
    TCase *t = tcase_create("core");
    tcase_add_unchecked_fixture(t, setup, NULL);
    tcase_add_test(t, float_shape_and_values);
    tcase_add_test(t, base64_equals_floats);
    tcase_add_test(t, same_text_same_vector_anywhere_in_batch);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
