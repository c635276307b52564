/* oa_embed_req: read and validate a POST /v1/embeddings body, with the real
 * API's error for every way it can be wrong.
 *
 *     oa_embed_req q;
 *     oa_err e;
 *     if (!oa_embed_parse(ctx, body, len, &q, &e)) { oa_error_send(r, &e); return; }
 *     ... q.inputs[i], q.model->id, q.dims, q.base64 ...
 *     oa_embed_req_free(&q);
 */
#ifndef OA_EMBED_REQ_H
#define OA_EMBED_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oa_ctx.h"
#include "oa_error.h"

#define OA_MAX_INPUTS 2048
#define OA_MAX_INPUT_TOKENS 8192
#define OA_MAX_REQUEST_TOKENS 300000

/* One input: a text, or token ids (then text is NULL). */
typedef struct oa_input {
    const char *text;
    size_t len;
    const int64_t *ids;
    size_t nids;
    size_t tokens;
} oa_input;

typedef struct oa_embed_req {
    const oa_model *model;
    bool base64;
    size_t dims;
    oa_input *inputs;
    size_t n;
    bool single; /* input was one string or one int[], not a list of them */
    void *json; /* the parsed body: input texts point into it */
    int64_t *ids;
    char **decoded; /* the text of each token-id input, owned */
    size_t ndecoded;
} oa_embed_req;

bool oa_embed_parse(const oa_ctx *c, const char *body, size_t len, oa_embed_req *q, oa_err *e);
void oa_embed_req_free(oa_embed_req *q);

/* Tokens the whole request counts (its usage.prompt_tokens). */
size_t oa_embed_tokens(const oa_embed_req *q);

/* The steps oa_embed_parse runs, exposed for oa_embed_input.c and tests. */
bool oa_embed_read_inputs(const void *input_json, oa_embed_req *q, oa_err *e);
bool oa_embed_check_limits(const oa_embed_req *q, oa_err *e);
/* Token-id inputs become the text they encode in the model's encoding, so
 * [[9906, 1917]] and "Hello world" give the same vector, as with the real
 * API; an id outside the vocabulary is refused. */
bool oa_embed_decode_ids(oa_embed_req *q, oa_err *e);
const char *oa_json_type_name(const void *item); /* "a string", "an integer", ... */
/* The real API's answer to a body that is not a JSON object. */
bool oa_fail_unparsable(oa_err *e);
/* "Unrecognized request argument supplied: X" for the first field of obj
 * not in known[0..n). */
bool oa_check_fields(const void *obj, const char *const *known, size_t n, oa_err *e);
bool oa_json_is_int(const void *item, double lo, double hi);

#endif
