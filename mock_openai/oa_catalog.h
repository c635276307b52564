/* oa_catalog: the model catalogue as data.
 *
 * The built-in table is oa_catalog.json, embedded in the binary. Each entry
 * is an object: id, kind (chat | reasoning | embedding | completion),
 * snapshot (the dated id answers carry; the id itself when absent), context,
 * max_output, encoding (o200k | cl100k), dims and shortenable (embeddings),
 * efforts, default_effort and verbosity (reasoning models), created,
 * owned_by. An entry whose snapshot is already known copies it, so an alias
 * is one line; an entry whose id is known overrides only the fields it has.
 * --models FILE takes a list of the same objects; --model SPEC is short for
 * one (see oa_catalog_add_spec). */
#ifndef OA_CATALOG_H
#define OA_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "oa_ctx.h"

/* The built-in catalogue, then file (a --models FILE, or NULL), then each
 * --model SPEC of extra. False with a message in err. */
bool oa_ctx_models_from(oa_ctx *c, const char *file, const cli_list *extra, char *err, size_t errlen);

/* Add or override the entries of a JSON list (text of len bytes); origin
 * names it in messages. */
bool oa_catalog_load_json(oa_ctx *c, const char *text, size_t len, const char *origin, char *err, size_t errlen);
bool oa_catalog_load_file(oa_ctx *c, const char *path, char *err, size_t errlen);
/* One entry (a cJSON object), the index-th of origin's list. */
bool oa_catalog_apply(oa_ctx *c, const void *entry, const char *origin, size_t index, char *err, size_t errlen);

/* --model SPEC: NAME:DIMS (an embedding model, or a new size for one),
 * NAME:embedding[:DIMS], or NAME:KIND[:CONTEXT[:MAX_OUTPUT]] with KIND chat,
 * reasoning or completion. NAME may hold colons (fine-tuned ids do). */
bool oa_catalog_add_spec(oa_ctx *c, const char *spec, char *err, size_t errlen);

/* Chat completions serve chat and reasoning models. */
bool oa_model_is_chat(const oa_model *m);

/* system_fingerprint: "fp_" and 10 hex digits, fixed per snapshot (the
 * real one changes only when the serving configuration does). */
#define OA_FINGERPRINT_SIZE 14
void oa_model_fingerprint(const oa_model *m, char out[OA_FINGERPRINT_SIZE]);

const char *oa_effort_name(oa_effort e);
/* False for a name that is no reasoning_effort value. */
bool oa_effort_parse(const char *name, oa_effort *out);

#endif
