/* Reading a legacy completions request, with the real API's errors. */
#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "json.h"
#include "oa_bpe.h"
#include "oa_chat.h"
#include "oa_completions.h"
#include "oa_embed_req.h"
#include "oa_tokens.h"

#define IRE "invalid_request_error"

static const char *const known_fields[] = {
    "model", "prompt", "max_tokens", "n", "stop", "echo", "logprobs", "suffix", "stream", "stream_options",
    "temperature", "top_p", "seed", "user", "best_of", "frequency_penalty", "presence_penalty", "logit_bias"};

/* Until the catalogue carries a kind for each model (issue 12's model
 * catalogue), the completion models are listed here. */
static const oa_model completion_models[] = {
    {.id = "gpt-3.5-turbo-instruct", .context = 4097, .created = 1692901427, .owned_by = "system", .enc = OA_BPE_CL100K},
    {.id = "davinci-002", .context = 16384, .created = 1692634301, .owned_by = "system", .enc = OA_BPE_CL100K},
    {.id = "babbage-002", .context = 16384, .created = 1692634615, .owned_by = "system", .enc = OA_BPE_CL100K},
};

const oa_model *oa_completion_model(const char *id)
{
    for (size_t i = 0; id && i < sizeof completion_models / sizeof completion_models[0]; i++)
        if (!strcmp(completion_models[i].id, id))
            return &completion_models[i];
    return NULL;
}

static bool is_token_list(const cJSON *a)
{
    if (!cJSON_IsArray(a) || !a->child)
        return false;
    for (const cJSON *t = a->child; t; t = t->next)
        if (!oa_json_is_int(t, 0, 4294967295.0))
            return false;
    return true;
}

/* One prompt's text: a string, or token ids decoded. */
static bool add_prompt(oa_cmpl_req *q, const cJSON *p, oa_err *e)
{
    buf text = BUF_INIT;
    if (cJSON_IsString(p)) {
        buf_puts(&text, p->valuestring);
    } else {
        size_t n = (size_t)cJSON_GetArraySize(p), k = 0, bad = 0;
        uint32_t *ids = malloc(n * sizeof *ids);
        for (const cJSON *t = p->child; ids && t; t = t->next)
            ids[k++] = (uint32_t)t->valuedouble;
        bool ok = ids && oa_bpe_decode(oa_tokens_encoding(q->model), ids, n, &text, &bad);
        free(ids);
        if (!ok) {
            buf_free(&text);
            return oa_fail(e, 400, IRE, "prompt", "invalid_value", "Invalid token in prompt: %.0f.",
                           bad < n ? cJSON_GetArrayItem(p, (int)bad)->valuedouble : 0.0);
        }
    }
    char *s = malloc(text.len + 1);
    if (!s) {
        buf_free(&text);
        return oa_fail(e, 500, "server_error", NULL, NULL, "out of memory");
    }
    memcpy(s, text.data ? text.data : "", text.len);
    s[text.len] = '\0';
    buf_free(&text);
    q->prompts[q->nprompts++] = s;
    q->prompt_tokens += oa_tokens_count(q->model, s, strlen(s));
    return true;
}

/* prompt: a string, a list of strings, a list of token ids, or a list of
 * lists of token ids. */
static bool read_prompts(const cJSON *p, oa_cmpl_req *q, oa_err *e)
{
    if (!p || cJSON_IsNull(p))
        return oa_fail(e, 400, IRE, "prompt", "missing_required_parameter", "Missing required parameter: 'prompt'.");
    bool one = cJSON_IsString(p) || is_token_list(p);
    bool many = !one && cJSON_IsArray(p) && p->child;
    for (const cJSON *x = many ? p->child : NULL; x; x = x->next)
        many = many && (cJSON_IsString(x) || is_token_list(x));
    if (!one && !many)
        return oa_fail(e, 400, IRE, "prompt", "invalid_type",
                       "Invalid type for 'prompt': expected a string, an array of strings, an array of integers, or "
                       "an array of arrays of integers, but got %s instead.",
                       cJSON_IsArray(p) && !p->child ? "an empty array" : oa_json_type_name(p));
    size_t n = one ? 1 : (size_t)cJSON_GetArraySize(p);
    q->prompts = calloc(n, sizeof *q->prompts);
    if (!q->prompts)
        return oa_fail(e, 500, "server_error", NULL, NULL, "out of memory");
    if (one)
        return add_prompt(q, p, e);
    for (const cJSON *x = p->child; x; x = x->next)
        if (!add_prompt(q, x, e))
            return false;
    return true;
}

/* An integer field from lo to hi with the real API's messages; absent or
 * null leaves *out. */
static bool read_int(const cJSON *root, const char *name, long lo, long hi, long *out, oa_err *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    if (!v || cJSON_IsNull(v))
        return true;
    if (!oa_json_is_int(v, -HUGE_VAL, HUGE_VAL))
        return oa_fail(e, 400, IRE, name, "invalid_type", "Invalid type for '%s': expected an integer, but got %s instead.",
                       name, oa_json_type_name(v));
    if (v->valuedouble < lo)
        return oa_fail(e, 400, IRE, name, "integer_below_min_value",
                       "Invalid '%s': integer below minimum value. Expected a value >= %ld, but got %.0f instead.", name,
                       lo, v->valuedouble);
    if (v->valuedouble > hi)
        return oa_fail(e, 400, IRE, name, "integer_above_max_value",
                       "Invalid '%s': integer above maximum value. Expected a value <= %ld, but got %.0f instead.", name,
                       hi, v->valuedouble);
    *out = (long)v->valuedouble;
    return true;
}

static bool read_stop(const cJSON *stop, oa_cmpl_req *q, oa_err *e)
{
    if (!stop || cJSON_IsNull(stop))
        return true;
    bool ok = cJSON_IsString(stop) || cJSON_IsArray(stop);
    for (const cJSON *s = cJSON_IsArray(stop) ? stop->child : NULL; s; s = s->next)
        ok = ok && cJSON_IsString(s);
    if (!ok)
        return oa_fail(e, 400, IRE, "stop", "invalid_type",
                       "Invalid type for 'stop': expected a string or an array of strings, but got %s instead.",
                       oa_json_type_name(stop));
    if (cJSON_IsArray(stop) && cJSON_GetArraySize(stop) > 4)
        return oa_fail(e, 400, IRE, "stop", "array_above_max_length",
                       "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with "
                       "length %d instead.", cJSON_GetArraySize(stop));
    q->stop = stop;
    return true;
}

static bool read_model(const oa_ctx *c, const cJSON *root, oa_cmpl_req *q, oa_err *e)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "model");
    if (!cJSON_IsString(m))
        return oa_fail(e, 400, IRE, NULL, NULL, "you must provide a model parameter");
    q->model = oa_completion_model(m->valuestring);
    if (q->model)
        return true;
    const oa_model *other = oa_model_find(c, m->valuestring);
    if (other && other->context > 0)
        return oa_fail(e, 404, IRE, "model", NULL,
                       "This is a chat model and not supported in the v1/completions endpoint. Did you mean to use "
                       "v1/chat/completions?");
    return oa_fail(e, 404, IRE, NULL, "model_not_found",
                   "The model `%.300s` does not exist or you do not have access to it.", m->valuestring);
}

/* The prompts, model, suffix and seed parameter seed the words. */
static void make_seed(const cJSON *root, oa_cmpl_req *q, long seed)
{
    XXH3_state_t *st = XXH3_createState();
    uint64_t h = 0;
    if (st && XXH3_64bits_reset(st) == XXH_OK) {
        for (size_t i = 0; i < q->nprompts; i++)
            XXH3_64bits_update(st, q->prompts[i], strlen(q->prompts[i]) + 1);
        const cJSON *suffix = cJSON_GetObjectItemCaseSensitive(root, "suffix");
        if (cJSON_IsString(suffix))
            XXH3_64bits_update(st, suffix->valuestring, strlen(suffix->valuestring));
        XXH3_64bits_update(st, q->model->id, strlen(q->model->id));
        h = XXH3_64bits_digest(st);
    }
    XXH3_freeState(st);
    q->seed = h ^ (uint64_t)seed * 0x9e3779b97f4a7c15ULL;
}

bool oa_cmpl_parse(const oa_ctx *c, const char *body, size_t len, oa_cmpl_req *q, oa_err *e)
{
    memset(q, 0, sizeof *q);
    q->n = 1;
    q->max_tokens = 16;
    q->logprobs = -1;
    cJSON *root = json_parse_body(body, len);
    q->json = root;
    if (!cJSON_IsObject(root))
        return oa_fail_unparsable(e);
    long seed = 0;
    if (!oa_check_fields(root, known_fields, sizeof known_fields / sizeof known_fields[0], e) ||
        !read_model(c, root, q, e) || !read_prompts(cJSON_GetObjectItemCaseSensitive(root, "prompt"), q, e) ||
        !read_int(root, "max_tokens", 0, 1000000, &q->max_tokens, e) || !read_int(root, "n", 1, 128, &q->n, e) ||
        !read_int(root, "logprobs", 0, 5, &q->logprobs, e) ||
        !read_int(root, "seed", -9223372036854775807L, 9223372036854775807L, &seed, e) ||
        !read_stop(cJSON_GetObjectItemCaseSensitive(root, "stop"), q, e))
        return false;
    size_t longest = 0;
    for (size_t i = 0; i < q->nprompts; i++) {
        size_t t = oa_tokens_count(q->model, q->prompts[i], strlen(q->prompts[i]));
        longest = t > longest ? t : longest;
    }
    if ((long)longest + q->max_tokens > q->model->context)
        return oa_fail(e, 400, IRE, NULL, "context_length_exceeded",
                       "This model's maximum context length is %ld tokens, however you requested %ld tokens (%zu in "
                       "your prompt; %ld for the completion). Please reduce your prompt; or completion length.",
                       q->model->context, (long)longest + q->max_tokens, longest, q->max_tokens);
    make_seed(root, q, seed);
    q->echo = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "echo"));
    q->stream = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "stream"));
    q->include_usage = cJSON_IsTrue(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "stream_options"), "include_usage"));
    return true;
}

void oa_cmpl_req_free(oa_cmpl_req *q)
{
    for (size_t i = 0; i < q->nprompts; i++)
        free(q->prompts[i]);
    free(q->prompts);
    cJSON_Delete(q->json);
    memset(q, 0, sizeof *q);
}

void oa_cmpl_text(const oa_cmpl_req *q, size_t p, long j, buf *out, const char **finish)
{
    uint64_t s = q->seed + (uint64_t)(p * (size_t)q->n + (size_t)j) * 0x632be59bd9b4e019ULL;
    *finish = "stop";
    if (q->max_tokens == 0)
        return *finish = "length", (void)0;
    buf_puts(out, " ");
    oa_reply_sentence(&s, out);
    if (oa_reply_cut(out, q->model, q->stop, q->max_tokens))
        *finish = "length";
}
