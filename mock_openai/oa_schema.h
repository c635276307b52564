/* oa_schema: JSON Schema for structured outputs.
 *
 * oa_schema_generate writes a JSON instance of a schema: deterministic for a
 * seed, with string values drawn from a text's words (the conversation), and
 * valid for the subset the real API accepts in structured outputs: $ref /
 * $defs / definitions (recursion bounded), const, enum, anyOf / oneOf / allOf,
 * type lists and null, numeric bounds and multipleOf, string lengths,
 * pattern, format, array sizes, uniqueItems, prefixItems, required.
 *
 * oa_schema_check_strict applies the real API's strict-mode rules and fills
 * an oa_err with its 400 when the schema breaks one.
 *
 * oa_schema_hint finds what json_object mode follows in a text: a JSON
 * schema, or an example object turned into the schema of its shape. */
#ifndef OA_SCHEMA_H
#define OA_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "oa_error.h"

/* Append an instance of schema (a cJSON) to out; words may be NULL or "".
 * False only when memory ran out. */
bool oa_schema_generate(const void *schema, uint64_t seed, const char *words, buf *out);

/* Append a string matching the regular expression (the common ECMAScript
 * subset); false, out unchanged, for a pattern beyond it (backreferences,
 * \p{...}, unbalanced syntax). Lookarounds are skipped. */
bool oa_regex_generate(const char *pattern, uint64_t *seed, buf *out);

/* Strict mode: what is "response_format" or "function", name the schema's
 * or function's name; param and code go into the error as the API sends them.
 * True when the schema passes. */
bool oa_schema_check_strict(const void *schema, const char *what, const char *name, const char *param,
                            const char *code, oa_err *e);

/* The JSON object in text to follow (a fenced one before inline ones, a
 * schema before an example, a later one before an earlier), as a schema:
 * itself when it is an object schema, else the shape of the example. NULL
 * when the text holds no JSON object. The caller frees it with cJSON_Delete. */
void *oa_schema_hint(const char *text);

#endif
