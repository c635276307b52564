/* lp_pages_select: which pages of a document a job parses, and how its
 * joined result frames them.
 *
 * v1's target_pages counts from 0 ("0,2", "0-2,5"), v2's page_ranges
 * target_pages from 1 ("1,3,5-8"); both become one canonical 0-based list
 * ("0,2-4") that the job keeps, so a URL job can apply it when its document
 * arrives:
 *
 *     char *canon;
 *     if (!lp_pages_canon("1,3-4", 1, &canon, err, sizeof err)) ... // 422
 *     lp_doc_select(doc, canon, max_pages);   // pages 1, 3, 4 kept, numbered
 *     lp_page_number(doc, 1) == 3
 */
#ifndef LP_PAGES_SELECT_H
#define LP_PAGES_SELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "lp_content.h"

#define LP_PAGES_MAX 10000 /* the highest page a list may name */

/* Parse a page list counted from base (0 or 1) into a canonical 0-based
 * list (the caller frees it). A page named twice is an error from base 1
 * (as v2 says) and merged from base 0. False with a message on bad input. */
bool lp_pages_canon(const char *spec, int base, char **out, char *err, size_t errlen);

/* Keep the pages of a canonical list (NULL: all) that the document has, in
 * order, then the first max (<= 0: no limit); each keeps its original
 * number. False when out of memory (the document is unchanged then). */
bool lp_doc_select(lp_doc *d, const char *canon, long max);

/* The 1-based number page i had in the whole document. */
size_t lp_page_number(const lp_doc *d, size_t i);

/* s with each "{pageNumber}" replaced by n, appended to out. */
void lp_page_framed(buf *out, const char *s, size_t n);

#endif
