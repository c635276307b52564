/* Internal to oa_schema_*.c: the generator's state and the helpers the
 * files share. */
#ifndef OA_SCHEMA_INT_H
#define OA_SCHEMA_INT_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Below this depth values grow freely; from it on, every choice takes the
 * alternative that ends soonest (null, a scalar, no optional keys, the
 * fewest items), so recursive schemas terminate. */
#define SG_FREE_DEPTH 4
/* Past this, a schema without a finite instance gives up with null. */
#define SG_MAX_DEPTH 48
/* A hostile schema (minItems: 1e9, wide and deep) must not take the server
 * down: past this much output or this many values, lists stop growing and
 * every choice is the smallest. Counts read from a schema are capped too. */
#define SG_MAX_OUT (1u << 20)
#define SG_MAX_STEPS 20000
#define SG_MAX_COUNT 100000

typedef struct sg_word {
    const char *p;
    size_t n;
} sg_word;

typedef struct sg {
    const cJSON *root; /* for "#..." references */
    uint64_t s;
    const sg_word *words;
    size_t nwords;
    buf *out;
    int depth;
    int branches; /* anyOf / oneOf taken one inside another, without a value between */
    size_t start, steps;
    bool oom, full;
} sg;

/* --- oa_schema_ref.c: references and merged views --- */

/* The schema a "#/..." reference points at, or NULL. */
const cJSON *sg_resolve(const cJSON *root, const char *ref);
/* A count keyword (minItems, maxLength...) as a long in [0, SG_MAX_COUNT];
 * dflt when absent. */
long sg_count(const cJSON *v, long dflt);
/* A new schema with $ref and allOf folded in (the caller deletes it);
 * NULL when memory ran out. Booleans become {} or {"not":{}}. */
cJSON *sg_flat(const cJSON *root, const cJSON *schema);

/* --- oa_schema_merge.c --- */
/* Fold src's keywords into dst as allOf would. False on OOM. */
bool sg_merge(cJSON *dst, const cJSON *src);
enum { SG_T_NULL = 1, SG_T_BOOL = 2, SG_T_INT = 4, SG_T_NUM = 8, SG_T_STR = 16, SG_T_ARR = 32, SG_T_OBJ = 64 };
/* The "type" keyword (a name or a list) as a bit set of SG_T_*; 0 when absent. */
unsigned sg_type_bits(const cJSON *type);

/* --- oa_schema_cost.c --- */
/* The type names a schema allows, as a bit set of SG_T_*; inferred from
 * its keywords when "type" is absent. */
unsigned sg_types(const cJSON *flat);
/* How deep an instance of schema must at least go (0 for a scalar),
 * looking `budget` levels ahead; large when it cannot end within them. */
int sg_cost(const cJSON *root, const cJSON *schema, int budget);

/* --- oa_schema_gen.c --- */
void sg_value(sg *g, const cJSON *schema);
/* True once the output or step budget is spent. */
bool sg_full(sg *g);
/* True from SG_FREE_DEPTH on (or when full): take what ends soonest. */
bool sg_ending(sg *g);
/* Append s to the output (noting memory running out). */
void sg_emit(sg *g, const char *s);

/* --- oa_schema_container.c --- */
void sg_object(sg *g, const cJSON *flat);
void sg_array(sg *g, const cJSON *flat);
/* A number in [0, n). */
uint64_t sg_pick(sg *g, uint64_t n);

/* --- oa_schema_check.c --- */
/* True when v certainly does not validate against schema (for oneOf). */
bool sg_breaks(const cJSON *root, const cJSON *schema, const cJSON *v);

/* --- oa_schema_num.c --- */
void sg_number(sg *g, const cJSON *flat, bool integer);

/* --- oa_schema_str.c --- */
void sg_string(sg *g, const cJSON *flat);
/* The text's words: an array the caller frees, *n set. */
sg_word *sg_words(const char *text, size_t *n);
/* Code points in s[0..n). */
size_t sg_utf8_len(const char *s, size_t n);

/* --- oa_schema_regex.c --- */
/* oa_regex_generate with a bias: < 0 fewest repetitions, > 0 many. */
bool sg_regex(const char *pattern, uint64_t *seed, buf *out, int bias);

/* --- oa_schema_match.c --- */
/* Does s[0..n) contain a match of pattern? 1 yes, 0 no, -1 cannot tell
 * (beyond the subset, or too long or costly to check). */
int sg_regex_match(const char *pattern, const char *s, size_t n);

/* --- oa_schema_format.c --- */
/* Append a value of the named format; false if the format is not known. */
bool sg_format(sg *g, const char *format, buf *out);

#endif
