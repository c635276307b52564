/* lp_synth: a deterministic synthetic document for formats whose text we do
 * not extract: seeded by the bytes' xxHash, so the same file always gives the
 * same pages, with the structure chunkers meet in real documents. */
#ifndef LP_SYNTH_H
#define LP_SYNTH_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

typedef bool (*lp_page_fn)(void *ctx, const char *md, size_t len);

/* Make `pages` pages (0: one per 4,000 bytes, at most 500), each a heading,
 * paragraphs, a list and a table, and hand each to add. False if add fails. */
bool lp_synth(const char *data, size_t len, size_t pages, lp_page_fn add, void *ctx);

#endif
