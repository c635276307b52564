/* oa_schema: instances for each keyword (checked over many seeds),
 * references and recursion, determinism, the regex subset, strict-mode
 * errors and json_object hints. */
#include <cJSON.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "oa_schema.h"
#include "oa_schema_int.h"

#define SEEDS 300

/* The instance for schema text at seed, parsed (the caller deletes it). */
static cJSON *gen(const char *schema, uint64_t seed, const char *words)
{
    cJSON *s = cJSON_Parse(schema);
    ck_assert_msg(s != NULL, "bad test schema: %s", schema);
    buf out = BUF_INIT;
    ck_assert(oa_schema_generate(s, seed, words, &out));
    cJSON *v = cJSON_Parse(out.data);
    ck_assert_msg(v != NULL, "not JSON: %s", out.data);
    buf_free(&out);
    cJSON_Delete(s);
    return v;
}

static char *gen_text(const char *schema, uint64_t seed)
{
    cJSON *v = gen(schema, seed, "ask about the weather in Paris");
    char *t = cJSON_PrintUnformatted(v);
    cJSON_Delete(v);
    return t;
}

static bool matches(const char *ere, const char *s)
{
    regex_t re;
    ck_assert(regcomp(&re, ere, REG_EXTENDED | REG_NOSUB) == 0);
    bool ok = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

static size_t cps(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

START_TEST(const_and_enum)
{
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        cJSON *v = gen("{\"const\":{\"k\":[1,2]}}", seed, NULL);
        cJSON *want = cJSON_Parse("{\"k\":[1,2]}");
        ck_assert(cJSON_Compare(v, want, true));
        cJSON_Delete(want);
        cJSON_Delete(v);
        v = gen("{\"type\":\"string\",\"enum\":[\"red\",\"green\",\"blue\"]}", seed, NULL);
        ck_assert(cJSON_IsString(v));
        ck_assert(strstr("red green blue", v->valuestring));
        cJSON_Delete(v);
    }
}
END_TEST

START_TEST(numbers_in_bounds)
{
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        cJSON *v = gen("{\"type\":\"integer\",\"minimum\":-3,\"maximum\":4}", seed, NULL);
        ck_assert(v->valuedouble >= -3 && v->valuedouble <= 4 && v->valuedouble == (long)v->valuedouble);
        cJSON_Delete(v);
        v = gen("{\"type\":\"number\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":1}", seed, NULL);
        ck_assert(v->valuedouble > 0 && v->valuedouble < 1);
        cJSON_Delete(v);
        v = gen("{\"type\":\"integer\",\"exclusiveMinimum\":5,\"exclusiveMaximum\":7}", seed, NULL);
        ck_assert(v->valuedouble == 6);
        cJSON_Delete(v);
        v = gen("{\"type\":\"number\",\"multipleOf\":0.1,\"minimum\":1000}", seed, NULL);
        double q = v->valuedouble / 0.1; /* as a JavaScript validator checks it */
        ck_assert_msg(q == (double)(long long)q && v->valuedouble >= 1000, "%.17g", v->valuedouble);
        cJSON_Delete(v);
        v = gen("{\"type\":\"integer\",\"multipleOf\":7,\"minimum\":-20,\"maximum\":-1}", seed, NULL);
        ck_assert(v->valuedouble >= -20 && v->valuedouble <= -1 && (long)v->valuedouble % 7 == 0);
        cJSON_Delete(v);
    }
}
END_TEST

START_TEST(strings_lengths_words)
{
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        cJSON *v = gen("{\"type\":\"string\",\"minLength\":30,\"maxLength\":32}", seed, "café déjà vu forecast");
        ck_assert_msg(cps(v->valuestring) >= 30 && cps(v->valuestring) <= 32, "'%s'", v->valuestring);
        cJSON_Delete(v);
        v = gen("{\"type\":\"string\",\"maxLength\":3}", seed, "forecast");
        ck_assert(cps(v->valuestring) <= 3);
        cJSON_Delete(v);
    }
    cJSON *v = gen("{\"type\":\"string\"}", 1, "forecast forecast");
    ck_assert_str_eq(v->valuestring, strncmp(v->valuestring, "forecast", 8) ? "?" : v->valuestring);
    ck_assert(strstr(v->valuestring, "forecast") == v->valuestring);
    cJSON_Delete(v);
}
END_TEST

/* Patterns written so POSIX ERE reads them as ECMAScript does. */
static const char *const patterns[][2] = {
    {"^[A-Z]{2}-\\\\d{3,5}$", "^[A-Z]{2}-[0-9]{3,5}$"},
    {"^(cat|dog|bird)s?$", "^(cat|dog|bird)s?$"},
    {"^[^aeiou]+x$", "^[^aeiou]+x$"},
    {"^(?:ab)+c*\\\\.\\\\w+$", "^(ab)+c*\\.[A-Za-z0-9_]+$"},
    {"^#[0-9a-fA-F]{6}$", "^#[0-9a-fA-F]{6}$"},
    {"[a-c]{3}", "[a-c]{3}"},
    {"^\\\\s*\\\\S+\\\\s\\\\d$", "^[ \t]*[^ \t\n]+[ \t][0-9]$"},
    {"^(?<year>\\\\d{4})-(0[1-9]|1[0-2])$", "^[0-9]{4}-(0[1-9]|1[0-2])$"},
    {"^a.b\\\\u0041\\\\x42[\\\\-+]$", "^a.bAB[-+]$"},
};

START_TEST(pattern_matches)
{
    char schema[200];
    for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
        snprintf(schema, sizeof schema, "{\"type\":\"string\",\"pattern\":\"%s\"}", patterns[i][0]);
        for (uint64_t seed = 0; seed < SEEDS; seed++) {
            cJSON *v = gen(schema, seed, NULL);
            ck_assert_msg(matches(patterns[i][1], v->valuestring), "%s: '%s'", patterns[i][0], v->valuestring);
            cJSON_Delete(v);
        }
    }
    /* pattern with lengths: padded on the open side */
    cJSON *v = gen("{\"type\":\"string\",\"pattern\":\"^ab\",\"minLength\":6}", 3, NULL);
    ck_assert(strncmp(v->valuestring, "ab", 2) == 0 && cps(v->valuestring) >= 6);
    cJSON_Delete(v);
}
END_TEST

START_TEST(regex_subset_limits)
{
    static const char *const beyond[] = {"(a)\\1", "\\p{L}+", "(ab", "a)", "[b-a]", "(?i)abc"};
    for (size_t i = 0; i < sizeof beyond / sizeof beyond[0]; i++) {
        uint64_t s = 1;
        buf b = BUF_INIT;
        ck_assert_msg(!oa_regex_generate(beyond[i], &s, &b), "%s accepted", beyond[i]);
        ck_assert_uint_eq(b.len, 0);
        buf_free(&b);
    }
    /* the fallback: an unsupported pattern still gives a string */
    cJSON *v = gen("{\"type\":\"string\",\"pattern\":\"(a)\\\\1\"}", 1, NULL);
    ck_assert(cJSON_IsString(v));
    cJSON_Delete(v);
}
END_TEST

START_TEST(regex_matcher)
{
    static const struct {
        const char *pattern, *s;
        int want;
    } cases[] = {
        {"^[A-Z]{2}-\\d{3,5}$", "AB-1234", 1}, {"^[A-Z]{2}-\\d{3,5}$", "AB-12", 0},
        {"^[A-Z]{2}-\\d{3,5}$", "xAB-123", 0}, {"b+c", "aabbbcd", 1}, {"b+c", "ac", 0},
        {"^(cat|dog)s?$", "dogs", 1}, {"^(cat|dog)s?$", "cow", 0}, {"^(?:ab)*$", "ababab", 1},
        {"^(?:ab)*$", "aba", 0}, {"^[^aeiou]+$", "rhythm", 1}, {"^[^aeiou]+$", "rhyme", 0},
        {"^(?!\\.)[a-z.]+$", ".abc", 0}, {"^(?!\\.)[a-z.]+$", "a.bc", 1}, {"^(?=.*\\d)\\w+$", "abc1", 1},
        {"^(?=.*\\d)\\w+$", "abcd", 0}, {"\\bcat\\b", "a cat!", 1}, {"\\bcat\\b", "concat", 0},
        {"^caf\u00e9$", "caf\u00e9", 1}, {"^.{4}$", "caf\u00e9", 1}, {"^\\s*$", " \t", 1},
        {"^a{2,}$", "aaaa", 1}, {"^a{2,}$", "a", 0}, {"^(a*)*b$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", -1},
        {"(a)\\1", "aa", -1}, {"(?<=a)b", "ab", -1}, {"^(?<y>\\d{4})-\\d\\d$", "2024-05", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = sg_regex_match(cases[i].pattern, cases[i].s, strlen(cases[i].s));
        ck_assert_msg(got == cases[i].want, "/%s/ on '%s': %d, want %d", cases[i].pattern, cases[i].s, got, cases[i].want);
    }
}
END_TEST

/* A string for {"type": "string", "pattern": ..., "format": ...}, built
 * with cJSON so the patterns below need only C's escaping. */
static char *gen_string(const char *pattern, const char *format, uint64_t seed, const char *words)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "type", "string");
    cJSON_AddStringToObject(s, "pattern", pattern);
    if (format)
        cJSON_AddStringToObject(s, "format", format);
    buf out = BUF_INIT;
    ck_assert(oa_schema_generate(s, seed, words, &out));
    cJSON *v = cJSON_Parse(out.data);
    ck_assert(cJSON_IsString(v));
    char *str = strdup(v->valuestring);
    cJSON_Delete(v);
    cJSON_Delete(s);
    buf_free(&out);
    return str;
}

/* Lookarounds the generator skips: the matcher keeps only strings that
 * pass them. With a format too, the format's own value when it matches. */
START_TEST(pattern_lookarounds_and_formats)
{
    const char *pw = "^(?!\\d)(?=.*[A-Z])(?=.*\\d)[A-Za-z0-9]{6,10}$";
    int ok = 0;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        char *v = gen_string(pw, NULL, seed, NULL);
        ok += sg_regex_match(pw, v, strlen(v)) == 1;
        free(v);
    }
    ck_assert_int_eq(ok, SEEDS);
    const char *email = "^(?!\\.)(?!.*\\.\\.)([A-Za-z0-9_'+\\-\\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$";
    for (uint64_t seed = 0; seed < 50; seed++) {
        char *v = gen_string(email, "email", seed, "Write to Paris");
        ck_assert_msg(strstr(v, "@example.com") && sg_regex_match(email, v, strlen(v)) == 1, "%s", v);
        free(v);
    }
}
END_TEST

START_TEST(formats)
{
    static const char *const f[][2] = {
        {"date-time", "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"},
        {"date", "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$"},
        {"time", "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$"},
        {"duration", "^P[0-9]+DT[0-9]+H[0-9]+M$"},
        {"email", "^[a-z0-9]+@example\\.com$"},
        {"hostname", "^[a-z0-9]+\\.example\\.com$"},
        {"ipv4", "^10\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}$"},
        {"ipv6", "^2001:db8::[0-9a-f]{1,4}:[0-9a-f]{1,4}$"},
        {"uuid", "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"},
        {"uri", "^https://example\\.com/[a-z0-9]+$"},
    };
    char schema[100];
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        snprintf(schema, sizeof schema, "{\"type\":\"string\",\"format\":\"%s\"}", f[i][0]);
        for (uint64_t seed = 0; seed < SEEDS; seed++) {
            cJSON *v = gen(schema, seed, "Ask Zoë about Paris");
            ck_assert_msg(matches(f[i][1], v->valuestring), "%s: '%s'", f[i][0], v->valuestring);
            cJSON_Delete(v);
        }
    }
}
END_TEST

START_TEST(arrays)
{
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        cJSON *v = gen("{\"type\":\"array\",\"items\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":5},"
                       "\"minItems\":4,\"maxItems\":6,\"uniqueItems\":true}", seed, NULL);
        int n = cJSON_GetArraySize(v);
        ck_assert(n >= 4 && n <= 6);
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                ck_assert(cJSON_GetArrayItem(v, i)->valuedouble != cJSON_GetArrayItem(v, j)->valuedouble);
        cJSON_Delete(v);
        v = gen("{\"type\":\"array\",\"prefixItems\":[{\"const\":1},{\"type\":\"string\"}],\"items\":false,"
                "\"minItems\":2}", seed, NULL);
        ck_assert_int_eq(cJSON_GetArraySize(v), 2);
        ck_assert(cJSON_IsString(cJSON_GetArrayItem(v, 1)));
        cJSON_Delete(v);
    }
}
END_TEST

static int depth_of(const cJSON *v)
{
    int d = 0;
    for (const cJSON *c = v->child; c; c = c->next) {
        int k = depth_of(c);
        d = k > d ? k : d;
    }
    return (cJSON_IsObject(v) || cJSON_IsArray(v)) + d;
}

START_TEST(object_sizes)
{
    const char *s = "{\"type\":\"object\",\"properties\":{\"a\":{},\"b\":{},\"c\":{},\"d\":{},\"e\":{}},"
                    "\"required\":[\"e\"],\"minProperties\":3,\"maxProperties\":3}";
    const char *open = "{\"type\":\"object\",\"minProperties\":2,\"additionalProperties\":{\"type\":\"integer\"}}";
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        cJSON *v = gen(s, seed, NULL);
        ck_assert_int_eq(cJSON_GetArraySize(v), 3);
        ck_assert(cJSON_GetObjectItem(v, "e") != NULL);
        cJSON_Delete(v);
        v = gen("{\"type\":\"object\",\"propertyNames\":{\"type\":\"string\",\"maxLength\":5},"
                "\"additionalProperties\":{\"type\":\"integer\"}}", seed, "rain in Bergen today");
        ck_assert_int_ge(cJSON_GetArraySize(v), 1); /* a map gets entries keyed by the words */
        for (const cJSON *x = v->child; x; x = x->next)
            ck_assert(cJSON_IsNumber(x) && strlen(x->string) <= 5 && strstr("rain in Bergen today", x->string));
        cJSON_Delete(v);
        v = gen(open, seed, NULL);
        ck_assert_int_ge(cJSON_GetArraySize(v), 2);
        for (const cJSON *x = v->child; x; x = x->next)
            ck_assert(cJSON_IsNumber(x));
        cJSON_Delete(v);
    }
}
END_TEST

START_TEST(refs_and_recursion)
{
    const char *tree = "{\"$ref\":\"#/$defs/node\",\"$defs\":{\"node\":{\"type\":\"object\",\"additionalProperties\":false,"
                       "\"required\":[\"name\",\"children\"],\"properties\":{\"name\":{\"type\":\"string\"},"
                       "\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/node\"}}}}}}";
    const char *root = "{\"type\":\"object\",\"required\":[\"v\",\"next\"],\"properties\":{\"v\":{\"type\":\"integer\"},"
                       "\"next\":{\"anyOf\":[{\"$ref\":\"#\"},{\"type\":\"null\"}]}}}";
    const char *defs = "{\"definitions\":{\"a\":{\"$ref\":\"#/definitions/b\"},\"b\":{\"const\":\"deep\"}},"
                       "\"type\":\"object\",\"required\":[\"x\"],\"properties\":{\"x\":{\"$ref\":\"#/definitions/a\"}}}";
    const char *loop = "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}";
    const char *must = "{\"type\":\"object\",\"required\":[\"n\"],\"properties\":{\"n\":{\"$ref\":\"#\"}}}";
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        cJSON *v = gen(tree, seed, NULL);
        ck_assert(cJSON_IsString(cJSON_GetObjectItem(v, "name")) && cJSON_IsArray(cJSON_GetObjectItem(v, "children")));
        ck_assert_int_le(depth_of(v), 12);
        cJSON_Delete(v);
        v = gen(root, seed, NULL);
        ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(v, "v")));
        ck_assert_int_le(depth_of(v), 8);
        cJSON_Delete(v);
        v = gen(defs, seed, NULL);
        ck_assert_str_eq(cJSON_GetObjectItem(v, "x")->valuestring, "deep");
        cJSON_Delete(v);
    }
    cJSON_Delete(gen(loop, 1, NULL)); /* a reference to itself: some value, no hang */
    cJSON *v = gen(must, 1, NULL);   /* no finite instance: still JSON, bounded */
    ck_assert_int_le(depth_of(v), 60);
    cJSON_Delete(v);
}
END_TEST

START_TEST(combinators)
{
    const char *all = "{\"allOf\":[{\"type\":\"object\",\"required\":[\"a\"],\"properties\":{\"a\":{\"type\":\"string\"}}},"
                      "{\"required\":[\"b\"],\"properties\":{\"b\":{\"type\":\"integer\",\"minimum\":10}}}]}";
    const char *disc = "{\"oneOf\":[{\"type\":\"object\",\"required\":[\"kind\",\"r\"],\"properties\":{\"kind\":{\"const\":"
                       "\"circle\"},\"r\":{\"type\":\"number\"}}},{\"type\":\"object\",\"required\":[\"kind\",\"w\"],"
                       "\"properties\":{\"kind\":{\"const\":\"square\"},\"w\":{\"type\":\"number\"}}}]}";
    const char *types = "{\"type\":[\"string\",\"null\"],\"minLength\":2}";
    int circles = 0, nulls = 0;
    for (uint64_t seed = 0; seed < SEEDS; seed++) {
        cJSON *v = gen(all, seed, NULL);
        ck_assert(cJSON_IsString(cJSON_GetObjectItem(v, "a")));
        ck_assert(cJSON_GetObjectItem(v, "b")->valuedouble >= 10);
        cJSON_Delete(v);
        v = gen(disc, seed, NULL);
        const char *k = cJSON_GetObjectItem(v, "kind")->valuestring;
        circles += !strcmp(k, "circle");
        ck_assert(cJSON_IsNumber(cJSON_GetObjectItem(v, !strcmp(k, "circle") ? "r" : "w")));
        cJSON_Delete(v);
        v = gen("{\"allOf\":[{\"type\":\"number\"},{\"type\":[\"integer\",\"string\"]}]}", seed, NULL);
        ck_assert(cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble);
        cJSON_Delete(v);
        v = gen(types, seed, NULL);
        nulls += cJSON_IsNull(v);
        ck_assert(cJSON_IsNull(v) || cps(v->valuestring) >= 2);
        cJSON_Delete(v);
    }
    ck_assert(circles > 0 && circles < SEEDS); /* both branches get taken */
    for (uint64_t seed = 0; seed < SEEDS; seed++) { /* overlapping oneOf: only values one branch takes */
        cJSON *v = gen("{\"oneOf\":[{\"type\":\"number\"},{\"type\":\"integer\"}]}", seed, NULL);
        ck_assert_msg(v->valuedouble != (double)(long long)v->valuedouble, "%g is both", v->valuedouble);
        cJSON_Delete(v);
        v = gen("{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"string\",\"maxLength\":3}]}", seed, NULL);
        ck_assert_msg(cps(v->valuestring) > 3, "'%s' is both", v->valuestring);
        cJSON_Delete(v);
    }
    ck_assert(nulls > 0 && nulls < SEEDS / 2);
}
END_TEST

START_TEST(deterministic)
{
    const char *s = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"array\","
                    "\"items\":{\"type\":\"number\"}},\"c\":{\"enum\":[1,2,3,4,5,6,7,8]}},\"required\":[\"a\",\"b\",\"c\"]}";
    char *a = gen_text(s, 42), *b = gen_text(s, 42);
    ck_assert_str_eq(a, b);
    int differ = 0;
    for (uint64_t seed = 0; seed < 20; seed++) {
        char *c = gen_text(s, seed);
        differ += strcmp(a, c) != 0;
        cJSON_free(c);
    }
    ck_assert_int_ge(differ, 18);
    cJSON_free(a);
    cJSON_free(b);
}
END_TEST

static void strict_fails(const char *schema, const char *message)
{
    cJSON *s = cJSON_Parse(schema);
    ck_assert(s != NULL);
    oa_err e;
    ck_assert_msg(!oa_schema_check_strict(s, "response_format", "x", "response_format", NULL, &e), "%s passed", schema);
    ck_assert_str_eq(e.message, message);
    ck_assert_str_eq(e.param, "response_format");
    ck_assert_ptr_null(e.code);
    ck_assert_int_eq(e.status, 400);
    cJSON_Delete(s);
}

START_TEST(strict_errors)
{
    strict_fails("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"]}",
                 "Invalid schema for response_format 'x': In context=(), 'additionalProperties' is required to be "
                 "supplied and to be false.");
    strict_fails("{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"a\"],\"properties\":{\"a\":{"
                 "\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{}}}}}",
                 "Invalid schema for response_format 'x': In context=('properties', 'a', 'items'), "
                 "'additionalProperties' is required to be supplied and to be false.");
    strict_fails("{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"a\"],\"properties\":{\"a\":{},"
                 "\"b\":{}}}",
                 "Invalid schema for response_format 'x': In context=(), 'required' is required to be supplied and "
                 "to be an array including every key in properties. Missing 'b'.");
    strict_fails("{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"a\",\"z\"],\"properties\":{\"a\":{}}}",
                 "Invalid schema for response_format 'x': In context=(), 'required' is required to be supplied and "
                 "to be an array including every key in properties. Extra required key 'z' supplied.");
    strict_fails("{\"anyOf\":[{\"type\":\"object\"}]}",
                 "Invalid schema for response_format 'x': schema must be a JSON Schema of 'type: \"object\"', got "
                 "'type: \"None\"'.");
    strict_fails("{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"a\"],\"properties\":{\"a\":{"
                 "\"$ref\":\"#/$defs/d\"}},\"$defs\":{\"d\":{\"type\":\"object\",\"properties\":{}}}}",
                 "Invalid schema for response_format 'x': In context=('$defs', 'd'), 'additionalProperties' is "
                 "required to be supplied and to be false.");
    strict_fails("{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"a\"],\"properties\":{\"a\":{"
                 "\"$ref\":\"#/$defs/d\",\"description\":\"an a\",\"default\":null}},\"$defs\":{\"d\":{\"type\":\"string\"}}}",
                 "Invalid schema for response_format 'x': context=('properties', 'a'), $ref cannot have keywords "
                 "{'description', 'default'}.");
    /* twelve objects deep */
    char deep[2000] = "";
    for (int i = 0; i < 12; i++)
        strcat(deep, "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"a\"],\"properties\":{\"a\":");
    strcat(deep, "{\"type\":\"string\"}");
    for (int i = 0; i < 12; i++)
        strcat(deep, "}}");
    strict_fails(deep, "Invalid schema for response_format 'x': 12 levels of nesting exceeds limit of 10.");
    cJSON *ok = cJSON_Parse("{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"a\"],\"properties\":{"
                            "\"a\":{\"anyOf\":[{\"$ref\":\"#\"},{\"type\":\"null\"}]}}}");
    oa_err e;
    ck_assert(oa_schema_check_strict(ok, "function", "f", "tools[0].function.parameters", "invalid_function_parameters", &e));
    cJSON_Delete(ok);
}
END_TEST

START_TEST(hints)
{
    cJSON *h = oa_schema_hint("Reply as JSON: ```json\n{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}\n```");
    ck_assert(h != NULL);
    ck_assert(cJSON_IsObject(cJSON_GetObjectItem(cJSON_GetObjectItem(h, "properties"), "n")));
    cJSON_Delete(h);
    h = oa_schema_hint("{not json} then the example {\"city\":\"Oslo\",\"temp\":3.5,\"tags\":[\"x\"],\"ok\":true}");
    ck_assert(h != NULL);
    buf out = BUF_INIT;
    ck_assert(oa_schema_generate(h, 7, "Bergen weather", &out));
    cJSON *v = cJSON_Parse(out.data);
    ck_assert(cJSON_IsString(cJSON_GetObjectItem(v, "city")) && cJSON_IsNumber(cJSON_GetObjectItem(v, "temp")));
    ck_assert(cJSON_IsArray(cJSON_GetObjectItem(v, "tags")) && cJSON_IsBool(cJSON_GetObjectItem(v, "ok")));
    cJSON_Delete(v);
    cJSON_Delete(h);
    buf_free(&out);
    ck_assert_ptr_null(oa_schema_hint("no braces { here"));
    /* LangChain's format instructions: an example schema inline, then the real one fenced */
    h = oa_schema_hint("For example, the example \"JSON Schema\" instance {{\"properties\": {{\"foo\": {{\"type\": "
                       "\"array\", \"items\": {{\"type\": \"string\"}}}}}}, \"required\": [\"foo\"]}}\nThus, the object "
                       "{\"foo\": [\"bar\", \"baz\"]} is well-formatted.\nHere is the JSON Schema instance your output must "
                       "adhere to:\n```json\n{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
                       "\"required\":[\"city\"]}\n```\n");
    ck_assert(h != NULL);
    ck_assert(cJSON_GetObjectItem(cJSON_GetObjectItem(h, "properties"), "city") != NULL);
    cJSON_Delete(h);
    /* a schema and an example inline: the schema */
    h = oa_schema_hint("Schema: {\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"integer\"}}} e.g. {\"q\": 3}");
    ck_assert(cJSON_GetObjectItem(cJSON_GetObjectItem(h, "properties"), "q") != NULL);
    ck_assert_str_eq(cJSON_GetObjectItem(h, "type")->valuestring, "object");
    cJSON_Delete(h);
}
END_TEST

/* Schemas with no instance, or an enormous one: an answer comes, bounded. */
START_TEST(hostile_schemas_stay_bounded)
{
    static const char *const hostile[] = {
        "{\"anyOf\":[{\"$ref\":\"#\"}]}",
        "{\"oneOf\":[{\"$ref\":\"#\"},{\"$ref\":\"#\"}]}",
        "{\"allOf\":[{\"$ref\":\"#\"},{\"$ref\":\"#\"},{\"$ref\":\"#\"},{\"$ref\":\"#\"}]}",
        "{\"type\":\"array\",\"minItems\":1e12,\"items\":{\"type\":\"array\",\"minItems\":1000,\"items\":{"
        "\"type\":\"string\",\"minLength\":1000}}}",
        "{\"type\":\"string\",\"minLength\":1e300}",
        "{\"type\":\"object\",\"minProperties\":1e9}",
        "{\"type\":\"array\",\"minItems\":5,\"maxItems\":2}",
        "{\"type\":\"string\",\"pattern\":\"(((a{1000}){1000}){1000})\"}",
        "{\"type\":\"number\",\"minimum\":1e308,\"maximum\":-1e308}",
        "{\"type\":\"integer\",\"minimum\":-1e308,\"maximum\":1e308,\"multipleOf\":1e-300}",
        "{\"type\":\"array\",\"minItems\":100,\"uniqueItems\":true,\"items\":{\"oneOf\":[{\"$ref\":\"#\"},"
        "{\"type\":\"boolean\"}]}}",
    };
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        cJSON *s = cJSON_Parse(hostile[i]);
        buf out = BUF_INIT;
        ck_assert(oa_schema_generate(s, 1, "words", &out));
        ck_assert_msg(out.len < (4u << 20), "%s: %zu bytes", hostile[i], out.len);
        cJSON *v = cJSON_Parse(out.data);
        ck_assert_msg(v != NULL, "%s: not JSON", hostile[i]);
        cJSON_Delete(v);
        cJSON_Delete(s);
        buf_free(&out);
    }
}
END_TEST

static Suite *schema_suite(void)
{
    Suite *s = suite_create("schema");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, const_and_enum);
    tcase_add_test(tc, numbers_in_bounds);
    tcase_add_test(tc, strings_lengths_words);
    tcase_add_test(tc, pattern_matches);
    tcase_add_test(tc, regex_subset_limits);
    tcase_add_test(tc, regex_matcher);
    tcase_add_test(tc, pattern_lookarounds_and_formats);
    tcase_add_test(tc, formats);
    tcase_add_test(tc, arrays);
    tcase_add_test(tc, object_sizes);
    tcase_add_test(tc, refs_and_recursion);
    tcase_add_test(tc, combinators);
    tcase_add_test(tc, deterministic);
    tcase_add_test(tc, strict_errors);
    tcase_add_test(tc, hints);
    tcase_add_test(tc, hostile_schemas_stay_bounded);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(schema_suite)
