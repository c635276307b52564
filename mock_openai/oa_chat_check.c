/* Chat completions: sampling bounds, n, stop, stream_options, and what a
 * model accepts (reasoning models refuse sampling and max_tokens), with the
 * real API's errors. */
#include "oa_chat_check.h"

#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oa_catalog.h"
#include "oa_embed_req.h"

#define IRE "invalid_request_error"

/* v as the API echoes it: the shortest text that reads back as v. */
static void number_text(double v, char *out, size_t cap)
{
    for (int p = 1; p <= 17; p++) {
        snprintf(out, cap, "%.*g", p, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

static const cJSON *field(const cJSON *root, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, name);
    return v && !cJSON_IsNull(v) ? v : NULL;
}

/* A decimal in [lo, hi], when present. */
static bool check_decimal(const cJSON *root, const char *name, double lo, double hi, oa_err *e)
{
    const cJSON *v = field(root, name);
    char got[40], bound[40];
    if (!v)
        return true;
    if (!cJSON_IsNumber(v))
        return oa_fail(e, 400, IRE, name, "invalid_type", "Invalid type for '%s': expected a decimal, but got %s instead.",
                       name, oa_json_type_name(v));
    number_text(v->valuedouble, got, sizeof got);
    if (v->valuedouble > hi) {
        number_text(hi, bound, sizeof bound);
        return oa_fail(e, 400, IRE, name, "decimal_above_max_value",
                       "Invalid '%s': decimal above maximum value. Expected a value <= %s, but got %s instead.", name,
                       bound, got);
    }
    if (v->valuedouble < lo) {
        number_text(lo, bound, sizeof bound);
        return oa_fail(e, 400, IRE, name, "decimal_below_min_value",
                       "Invalid '%s': decimal below minimum value. Expected a value >= %s, but got %s instead.", name,
                       bound, got);
    }
    return true;
}

static bool check_n(const cJSON *root, oa_chat_req *q, oa_err *e)
{
    const cJSON *v = field(root, "n");
    if (!v)
        return true;
    if (!oa_json_is_int(v, -HUGE_VAL, HUGE_VAL))
        return oa_fail(e, 400, IRE, "n", "invalid_type", "Invalid type for 'n': expected an integer, but got %s instead.",
                       oa_json_type_name(v));
    if (v->valuedouble < 1)
        return oa_fail(e, 400, IRE, "n", "integer_below_min_value",
                       "Invalid 'n': integer below minimum value. Expected a value >= 1, but got %.0f instead.",
                       v->valuedouble);
    if (v->valuedouble > 128)
        return oa_fail(e, 400, IRE, "n", "integer_above_max_value",
                       "Invalid 'n': integer above maximum value. Expected a value <= 128, but got %.0f instead.",
                       v->valuedouble);
    q->n = (long)v->valuedouble;
    return true;
}

/* stop: a string, or a list of at most 4. */
static bool check_stop(const cJSON *root, oa_err *e)
{
    const cJSON *v = field(root, "stop");
    if (!v || cJSON_IsString(v))
        return true;
    if (!cJSON_IsArray(v))
        return oa_fail(e, 400, IRE, "stop", "invalid_type",
                       "Invalid type for 'stop': expected one of a string or array of strings, but got %s instead.",
                       oa_json_type_name(v));
    int n = cJSON_GetArraySize(v);
    if (n > 4)
        return oa_fail(e, 400, IRE, "stop", "array_above_max_length",
                       "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with "
                       "length %d instead.", n);
    return true;
}

static bool check_stream_options(const cJSON *root, oa_err *e)
{
    if (field(root, "stream_options") && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "stream")))
        return oa_fail(e, 400, IRE, "stream_options", NULL,
                       "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
    return true;
}

/* "'a', 'b', and 'c'": the values a model takes, as the API lists them. */
static void effort_list(unsigned efforts, char *out, size_t cap)
{
    size_t total = 0, seen = 0;
    for (int i = 0; i < OA_EFFORT_COUNT; i++)
        total += efforts >> i & 1u;
    out[0] = '\0';
    for (int i = 0; i < OA_EFFORT_COUNT; i++) {
        if (!(efforts >> i & 1u))
            continue;
        seen++;
        const char *sep = seen == 1 ? "" : total == 2 ? " and " : seen == total ? ", and " : ", ";
        snprintf(out + strlen(out), cap - strlen(out), "%s'%s'", sep, oa_effort_name((oa_effort)i));
    }
}

static bool unsupported(oa_err *e, const char *name)
{
    return oa_fail(e, 400, IRE, name, "unsupported_parameter", "Unsupported parameter: '%s' is not supported with this model.",
                   name);
}

/* reasoning_effort: one of the known values, and one this model takes. */
static bool check_effort(const cJSON *root, oa_chat_req *q, oa_err *e)
{
    const oa_model *m = q->model;
    const cJSON *v = field(root, "reasoning_effort");
    oa_effort want;
    char list[120];
    q->effort = m->default_effort;
    if (!v)
        return true;
    if (!cJSON_IsString(v) || !oa_effort_parse(v->valuestring, &want))
        return oa_fail(e, 400, IRE, "reasoning_effort", "invalid_value",
                       "Invalid value: '%.40s'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', 'xhigh', "
                       "and 'max'.", cJSON_IsString(v) ? v->valuestring : "null");
    if (m->kind != OA_KIND_REASONING || !m->efforts)
        return unsupported(e, "reasoning_effort");
    if (!(m->efforts & 1u << want)) {
        effort_list(m->efforts, list, sizeof list);
        return oa_fail(e, 400, IRE, "reasoning_effort", "unsupported_value",
                       "Unsupported value: 'reasoning_effort' does not support '%s' with this model. Supported values "
                       "are: %s.", v->valuestring, list);
    }
    q->effort = want;
    return true;
}

/* verbosity: low, medium or high; only the gpt-5 family takes all three. */
static bool check_verbosity(const cJSON *root, const oa_model *m, oa_err *e)
{
    const cJSON *v = field(root, "verbosity");
    if (!v)
        return true;
    const char *s = cJSON_IsString(v) ? v->valuestring : "";
    if (strcmp(s, "low") && strcmp(s, "medium") && strcmp(s, "high"))
        return oa_fail(e, 400, IRE, "verbosity", "invalid_value",
                       "Invalid value: '%.40s'. Supported values are: 'low', 'medium', and 'high'.",
                       cJSON_IsString(v) ? s : "null");
    if (!m->verbosity && strcmp(s, "medium"))
        return oa_fail(e, 400, IRE, "verbosity", "unsupported_value",
                       "Unsupported value: 'verbosity' does not support '%s' with this model. Supported values are: "
                       "'medium'.", s);
    return true;
}

/* What a reasoning model refuses. With effort none (gpt-5.1 and later)
 * sampling and logprobs come back; max_tokens and stop never do. */
static bool check_reasoning(const cJSON *root, const oa_chat_req *q, oa_err *e)
{
    const cJSON *t = field(root, "temperature"), *pp = field(root, "presence_penalty"),
                *fp = field(root, "frequency_penalty");
    char got[40];
    if (q->model->kind != OA_KIND_REASONING)
        return true;
    if (field(root, "max_tokens"))
        return oa_fail(e, 400, IRE, "max_tokens", "unsupported_parameter",
                       "Unsupported parameter: 'max_tokens' is not supported with this model. Use "
                       "'max_completion_tokens' instead.");
    if (field(root, "stop"))
        return unsupported(e, "stop");
    if (q->effort == OA_EFFORT_NONE)
        return true;
    if (t && t->valuedouble != 1) {
        number_text(t->valuedouble, got, sizeof got);
        return oa_fail(e, 400, IRE, "temperature", "unsupported_value",
                       "Unsupported value: 'temperature' does not support %s with this model. Only the default (1) value "
                       "is supported.", got);
    }
    if (field(root, "top_p"))
        return unsupported(e, "top_p");
    if (pp && pp->valuedouble != 0)
        return unsupported(e, "presence_penalty");
    if (fp && fp->valuedouble != 0)
        return unsupported(e, "frequency_penalty");
    if (cJSON_IsTrue(field(root, "logprobs")))
        return unsupported(e, "logprobs");
    if (field(root, "top_logprobs"))
        return unsupported(e, "top_logprobs");
    return true;
}

bool oa_chat_check_params(const void *json, oa_chat_req *q, oa_err *e)
{
    const cJSON *root = json;
    return check_decimal(root, "temperature", 0, 2, e) && check_decimal(root, "top_p", 0, 1, e) &&
           check_decimal(root, "presence_penalty", -2, 2, e) && check_decimal(root, "frequency_penalty", -2, 2, e) &&
           check_n(root, q, e) && check_stop(root, e) && check_stream_options(root, e) && check_effort(root, q, e) &&
           check_verbosity(root, q->model, e) && check_reasoning(root, q, e);
}

static bool too_large(const char *name, long got, long most, oa_err *e)
{
    return oa_fail(e, 400, IRE, name, "invalid_value",
                   "%s is too large: %ld. This model supports at most %ld completion tokens, whereas you provided %ld.",
                   name, got, most, got);
}

/* Hidden tokens, in quarters of a per-request unit, by effort: none spends
 * none, each step up spends more. */
static const long effort_quarters[OA_EFFORT_COUNT] = {0, 1, 4, 8, 16, 24, 32};

bool oa_chat_check_limits(oa_chat_req *q, long mt, long mct, oa_err *e)
{
    const oa_model *m = q->model;
    if (mt > m->max_output)
        return too_large("max_tokens", mt, m->max_output, e);
    if (mct > m->max_output)
        return too_large("max_completion_tokens", mct, m->max_output, e);
    long cap = mct ? mct : mt;
    q->reasoning_tokens = 0;
    if (m->kind == OA_KIND_REASONING) {
        long unit = 48 + (long)(q->seed >> 11 & 63); /* the same request always reasons as long */
        q->reasoning_tokens = unit * effort_quarters[q->effort] / 4;
        /* the hidden tokens count in max_completion_tokens; when they take
         * it all, the real API answers no text and "length" */
        q->reasoning_spent = cap && q->reasoning_tokens >= cap;
        if (q->reasoning_spent)
            q->reasoning_tokens = cap;
    }
    q->max_tokens = cap && !q->reasoning_spent ? cap - q->reasoning_tokens : 0;
    return true;
}
