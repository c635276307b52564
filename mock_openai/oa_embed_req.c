#include "oa_embed_req.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "oa_tokens.h"

#define IRE "invalid_request_error"

static const char parse_msg[] =
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
    "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. "
    "If you have trouble figuring out how to fix this, please contact us through our help center at "
    "help.openai.com.)";

const char *oa_json_type_name(const void *item)
{
    const cJSON *v = item;
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNumber(v)) /* a literal too big for a double (1e400) reads as infinity: not an integer */
        return isfinite(v->valuedouble) && v->valuedouble == floor(v->valuedouble) ? "an integer" : "a decimal";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "null";
}

bool oa_json_is_int(const void *item, double lo, double hi)
{
    const cJSON *v = item;
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble == floor(v->valuedouble) &&
           v->valuedouble >= lo && v->valuedouble <= hi;
}

bool oa_fail_unparsable(oa_err *e)
{
    return oa_fail(e, 400, IRE, NULL, NULL, "%s", parse_msg);
}

bool oa_check_fields(const void *obj, const char *const *known, size_t n, oa_err *e)
{
    for (const cJSON *f = ((const cJSON *)obj)->child; f; f = f->next) {
        bool ok = false;
        for (size_t i = 0; i < n && !ok; i++)
            ok = strcmp(f->string, known[i]) == 0;
        if (!ok)
            return oa_fail(e, 400, IRE, NULL, NULL, "Unrecognized request argument supplied: %.200s", f->string);
    }
    return true;
}

static bool check_known_fields(const cJSON *root, oa_err *e)
{
    static const char *const known[] = {"input", "model", "encoding_format", "dimensions", "user"};
    return oa_check_fields(root, known, sizeof known / sizeof known[0], e);
}

static bool read_model(const oa_ctx *c, const cJSON *root, oa_embed_req *q, oa_err *e)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "model");
    if (!m || cJSON_IsNull(m))
        return oa_fail(e, 400, IRE, NULL, NULL, "you must provide a model parameter");
    if (!cJSON_IsString(m))
        return oa_fail(e, 400, IRE, "model", "invalid_type",
                       "Invalid type for 'model': expected a string, but got %s instead.", oa_json_type_name(m));
    q->model = oa_model_find(c, m->valuestring);
    if (q->model && q->model->dims == 0) /* a chat model has no embeddings */
        q->model = NULL;
    if (!q->model)
        return oa_fail(e, 404, IRE, NULL, "model_not_found",
                       "The model `%.300s` does not exist or you do not have access to it.", m->valuestring);
    return true;
}

static bool read_format(const cJSON *root, oa_embed_req *q, oa_err *e)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, "encoding_format");
    if (!f || cJSON_IsNull(f))
        return true;
    if (!cJSON_IsString(f))
        return oa_fail(e, 400, IRE, "encoding_format", "invalid_type",
                       "Invalid type for 'encoding_format': expected a string, but got %s instead.",
                       oa_json_type_name(f));
    if (strcmp(f->valuestring, "base64") == 0)
        q->base64 = true;
    else if (strcmp(f->valuestring, "float") != 0)
        return oa_fail(e, 400, IRE, "encoding_format", "invalid_value",
                       "Invalid value: '%.100s'. Supported values are: 'float' and 'base64'.", f->valuestring);
    return true;
}

static bool read_dimensions(const cJSON *root, oa_embed_req *q, oa_err *e)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "dimensions");
    q->dims = q->model->dims;
    if (!d || cJSON_IsNull(d))
        return true;
    if (!oa_json_is_int(d, -HUGE_VAL, HUGE_VAL)) /* a huge integer is a value error below, not a type error */
        return oa_fail(e, 400, IRE, "dimensions", "invalid_type",
                       "Invalid type for 'dimensions': expected an integer, but got %s instead.",
                       oa_json_type_name(d));
    if (d->valuedouble < 1)
        return oa_fail(e, 400, IRE, "dimensions", "integer_below_min_value",
                       "Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got %.0f "
                       "instead.",
                       d->valuedouble);
    if (!q->model->shortenable)
        return oa_fail(e, 400, IRE, NULL, NULL, "This model does not support specifying dimensions.");
    if (d->valuedouble > q->model->dims)
        return oa_fail(e, 400, IRE, "dimensions", "invalid_value",
                       "Invalid value for 'dimensions' = %.0f. Must be less than or equal to %u.",
                       d->valuedouble, q->model->dims);
    q->dims = (size_t)d->valuedouble;
    return true;
}

static bool read_user(const cJSON *root, oa_err *e)
{
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(root, "user");
    if (u && !cJSON_IsNull(u) && !cJSON_IsString(u))
        return oa_fail(e, 400, IRE, "user", "invalid_type",
                       "Invalid type for 'user': expected a string, but got %s instead.", oa_json_type_name(u));
    return true;
}

bool oa_embed_parse(const oa_ctx *c, const char *body, size_t len, oa_embed_req *q, oa_err *e)
{
    memset(q, 0, sizeof *q);
    cJSON *root = json_parse_body(body, len);
    q->json = root;
    if (!root || !cJSON_IsObject(root))
        return oa_fail_unparsable(e);
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(root, "input");
    if (!check_known_fields(root, e) || !read_model(c, root, q, e))
        return false;
    if (!input || cJSON_IsNull(input))
        return oa_fail(e, 400, IRE, "input", "missing_required_parameter", "Missing required parameter: 'input'.");
    return read_format(root, q, e) && read_dimensions(root, q, e) && read_user(root, e) &&
           oa_embed_read_inputs(input, q, e) && oa_embed_check_limits(q, e) && oa_embed_decode_ids(q, e);
}

void oa_embed_req_free(oa_embed_req *q)
{
    cJSON_Delete(q->json);
    free(q->inputs);
    free(q->ids);
    for (size_t i = 0; i < q->ndecoded; i++)
        free(q->decoded[i]);
    free(q->decoded);
    memset(q, 0, sizeof *q);
}
