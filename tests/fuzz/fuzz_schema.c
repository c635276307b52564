/* JSON schemas for structured outputs: the fuzz input is a schema (or any
 * text), read by oa_schema.h's four entry points.
 *
 * Beyond "no crash, no leak, no hang": an instance of any JSON object
 * schema is one whole JSON value of bounded size, and the same seed gives
 * the same text; the strict check either passes or leaves a 400 with an
 * "Invalid schema" message; a hint found in the text is a schema the
 * generator answers with JSON too; a pattern the regex generator accepts
 * gives bounded output, which the matcher (sg_regex_match) never calls a
 * miss when the pattern has no lookaround; the matcher also runs on
 * "pattern\nsubject" splits of the input. */
#include <cJSON.h>
#include <string.h>

#include "fuzz_common.h"
#include "oa_schema.h"
#include "oa_schema_int.h"

#define MAX_INSTANCE (4u << 20)

static void check_instance(const cJSON *schema, uint64_t seed)
{
    buf a = BUF_INIT, b = BUF_INIT;
    FUZZ_CHECK(oa_schema_generate(schema, seed, "fuzz the schema words", &a));
    FUZZ_CHECK(a.len < MAX_INSTANCE);
    FUZZ_CHECK(fuzz_json_valid(a.data, a.len));
    FUZZ_CHECK(oa_schema_generate(schema, seed, "fuzz the schema words", &b));
    FUZZ_CHECK(a.len == b.len && !memcmp(a.data, b.data, a.len));
    buf_free(&a);
    buf_free(&b);
}

static void check_strict(const cJSON *schema)
{
    oa_err e;
    memset(&e, 0, sizeof e);
    if (!oa_schema_check_strict(schema, "response_format", "fuzz", "response_format", NULL, &e))
        FUZZ_CHECK(e.status == 400 && !strncmp(e.message, "Invalid schema for response_format 'fuzz'", 41));
}

/* ASCII, with no lookaround, boundary or inner anchor (a "^" mid-pattern
 * matches nothing, while the generator just skips it). */
static bool plain_pattern(const char *p)
{
    size_t n = strlen(p);
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)p[i] >= 0x80)
            return false;
        if (p[i] == '\\' && i + 1 < n && (p[i + 1] == 'b' || p[i + 1] == 'B'))
            return false;
        if (p[i] == '\\')
            i++;
        else if ((p[i] == '^' && i > 0) || (p[i] == '$' && i + 1 < n) || (p[i] == '(' && i + 1 < n && p[i + 1] == '?'))
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *text = fuzz_cstr(data, size);
    cJSON *schema = cJSON_Parse(text);
    if (cJSON_IsObject(schema)) {
        check_instance(schema, size);
        check_strict(schema);
    }
    cJSON_Delete(schema);
    cJSON *hint = oa_schema_hint(text);
    if (hint)
        check_instance(hint, 7);
    cJSON_Delete(hint);
    uint64_t seed = 1;
    buf out = BUF_INIT;
    if (oa_regex_generate(text, &seed, &out)) {
        FUZZ_CHECK(out.len <= (1u << 17));
        if (plain_pattern(text))
            FUZZ_CHECK(sg_regex_match(text, out.data ? out.data : "", out.len) != 0);
    }
    buf_free(&out);
    char *nl = strchr(text, '\n');
    if (nl) {
        *nl = '\0';
        int m = sg_regex_match(text, nl + 1, strlen(nl + 1));
        FUZZ_CHECK(m >= -1 && m <= 1);
    }
    free(text);
    return 0;
}
