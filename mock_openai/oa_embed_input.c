/* The `input` of an embeddings request: a string, strings, token ids, or
 * arrays of token ids, and the token limits that apply to them. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oa_bpe.h"
#include "oa_embed_req.h"
#include "oa_tokens.h"

#define IRE "invalid_request_error"
#define MAX_TOKEN_ID 2147483647.0

static const char input_invalid_msg[] =
    "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

static bool invalid(oa_err *e)
{
    return oa_fail(e, 400, IRE, NULL, NULL, "%s", input_invalid_msg);
}

static bool add_text(oa_embed_req *q, const cJSON *s, oa_err *e)
{
    size_t len = strlen(s->valuestring);
    if (len == 0)
        return oa_fail(e, 400, IRE, NULL, NULL, "input cannot be an empty string");
    q->inputs[q->n++] = (oa_input){s->valuestring, len, NULL, 0, oa_tokens_count(q->model, s->valuestring, len)};
    return true;
}

/* Copy a run of integer token ids into q->ids at *used; false if any item
 * is not a token id or the run is empty. */
static bool add_ids(oa_embed_req *q, const cJSON *first, size_t *used)
{
    oa_input in = {NULL, 0, q->ids + *used, 0, 0};
    for (const cJSON *t = first; t; t = t->next) {
        if (!oa_json_is_int(t, 0, MAX_TOKEN_ID))
            return false;
        q->ids[(*used)++] = (int64_t)t->valuedouble;
        in.nids++;
    }
    if (in.nids == 0)
        return false;
    in.tokens = in.nids;
    q->inputs[q->n++] = in;
    return true;
}

static size_t count_items(const cJSON *arr)
{
    size_t n = 0;
    for (const cJSON *v = arr->child; v; v = v->next)
        n++;
    return n;
}

/* Room for every token id the input holds (one level of nesting at most). */
static bool alloc_ids(const cJSON *arr, oa_embed_req *q)
{
    size_t total = 0;
    for (const cJSON *v = arr->child; v; v = v->next)
        total += cJSON_IsArray(v) ? count_items(v) : 1;
    q->ids = malloc((total ? total : 1) * sizeof *q->ids);
    return q->ids != NULL;
}

static bool read_array(const cJSON *arr, oa_embed_req *q, oa_err *e)
{
    size_t n = count_items(arr);
    if (n == 0)
        return oa_fail(e, 400, IRE, "input", "empty_array",
                       "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty "
                       "array instead.");
    if (n > OA_MAX_INPUTS)
        return oa_fail(e, 400, IRE, "input", "array_above_max_length",
                       "Invalid 'input': array length must be %d or less.", OA_MAX_INPUTS);
    q->inputs = malloc(n * sizeof *q->inputs);
    if (!q->inputs || !alloc_ids(arr, q))
        return oa_fail(e, 500, "server_error", NULL, NULL, "Out of memory while reading the request.");
    const cJSON *first = arr->child;
    size_t used = 0;
    if (cJSON_IsNumber(first)) { /* int[]: one input given as token ids */
        q->single = true;
        return add_ids(q, first, &used) || invalid(e);
    }
    for (const cJSON *v = first; v; v = v->next) {
        if (cJSON_IsString(first) && cJSON_IsString(v)) {
            if (!add_text(q, v, e))
                return false;
        } else if (!(cJSON_IsArray(first) && cJSON_IsArray(v) && add_ids(q, v->child, &used))) {
            return invalid(e);
        }
    }
    return true;
}

bool oa_embed_read_inputs(const void *input_json, oa_embed_req *q, oa_err *e)
{
    const cJSON *input = input_json;
    if (cJSON_IsString(input)) {
        q->inputs = malloc(sizeof *q->inputs);
        if (!q->inputs)
            return oa_fail(e, 500, "server_error", NULL, NULL, "Out of memory while reading the request.");
        q->single = true;
        return add_text(q, input, e);
    }
    if (cJSON_IsArray(input))
        return read_array(input, q, e);
    return invalid(e);
}

bool oa_embed_check_limits(const oa_embed_req *q, oa_err *e)
{
    size_t total = 0;
    for (size_t i = 0; i < q->n; i++) {
        size_t t = q->inputs[i].tokens;
        if (t > OA_MAX_INPUT_TOKENS && q->single)
            return oa_fail(e, 400, IRE, NULL, NULL, "Invalid 'input': maximum context length is %d tokens.",
                           OA_MAX_INPUT_TOKENS);
        if (t > OA_MAX_INPUT_TOKENS) {
            char param[32];
            snprintf(param, sizeof param, "input[%zu]", i);
            return oa_fail(e, 400, IRE, param, "invalid_value",
                           "Invalid 'input[%zu]': maximum input length is %d tokens.", i, OA_MAX_INPUT_TOKENS);
        }
        total += t;
    }
    if (total > OA_MAX_REQUEST_TOKENS)
        return oa_fail(e, 400, "max_tokens_per_request", NULL, "max_tokens_per_request",
                       "Requested %zu tokens, max %d tokens per request", total, OA_MAX_REQUEST_TOKENS);
    return true;
}

size_t oa_embed_tokens(const oa_embed_req *q)
{
    size_t total = 0;
    for (size_t i = 0; i < q->n; i++)
        total += q->inputs[i].tokens;
    return total;
}

/* One token-id input's text, kept in q->decoded; false for an id outside
 * the vocabulary (or no memory). */
static bool decode_one(oa_embed_req *q, oa_input *in)
{
    uint32_t stack[256], *ids = in->nids <= 256 ? stack : malloc(in->nids * sizeof *ids);
    buf text = BUF_INIT;
    size_t bad = 0;
    bool ok = ids != NULL;
    for (size_t k = 0; ok && k < in->nids; k++) {
        ok = in->ids[k] >= 0 && in->ids[k] <= UINT32_MAX;
        ids[k] = ok ? (uint32_t)in->ids[k] : 0;
    }
    ok = ok && oa_bpe_decode(oa_tokens_encoding(q->model), ids, in->nids, &text, &bad) && buf_puts(&text, "");
    if (ids != stack)
        free(ids);
    if (ok) {
        in->len = text.len;
        in->text = q->decoded[q->ndecoded++] = buf_release(&text);
    }
    buf_free(&text);
    return ok;
}

bool oa_embed_decode_ids(oa_embed_req *q, oa_err *e)
{
    size_t with_ids = 0;
    for (size_t i = 0; i < q->n; i++)
        with_ids += q->inputs[i].ids != NULL;
    if (!with_ids)
        return true;
    if (!(q->decoded = calloc(with_ids, sizeof *q->decoded)))
        return oa_fail(e, 500, "server_error", NULL, NULL, "Out of memory.");
    for (size_t i = 0; i < q->n; i++) {
        if (q->inputs[i].ids && !decode_one(q, &q->inputs[i]))
            return invalid(e);
    }
    return true;
}
