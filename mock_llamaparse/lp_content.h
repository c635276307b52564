/* lp_content: the parse result of a document, deterministic and worth
 * chunking: the same bytes and options always give byte-identical pages.
 *
 * Text formats keep their real content as markdown (csv/tsv become markdown
 * tables, json/xml code blocks); anything else becomes a synthetic document
 * seeded by the bytes' xxHash (headings, paragraphs, a list and a table per
 * page, page count from the size). Pages are cut at paragraph boundaries
 * every ~LP_PAGE_CHARS characters.
 *
 *     lp_doc *d = lp_doc_parse("claims.csv", bytes, len);
 *     d->npages, d->pages[i].md, lp_page_text(&d->pages[i], &scratch)
 *     lp_doc_free(d);
 */
#ifndef LP_CONTENT_H
#define LP_CONTENT_H

#include <stddef.h>
#include <stdint.h>

#define LP_PAGE_CHARS 3000

typedef struct lp_page {
    char *md;
    char *text; /* its own plain text (a fixture may give one), or NULL:
                   derived from md when asked, so a held job keeps one copy
                   of its document, not two (lp_page_text) */
} lp_page;

typedef struct lp_doc {
    lp_page *pages;
    size_t npages;
    char *block;     /* after lp_doc_compact: every page's md, one after the
                        other, each NUL-terminated; pages[i].md points in */
    size_t *numbers; /* each page's 1-based number in the whole document
                        once pages were selected (lp_pages_select.c); NULL:
                        page i is number i + 1 */
} lp_doc;

/* NULL when out of memory. An empty input gives a document with no pages. */
lp_doc *lp_doc_parse(const char *filename, const char *data, size_t len);
void lp_doc_free(lp_doc *d);

/* Keep the first max pages (max <= 0: all). */
void lp_doc_truncate(lp_doc *d, long max);

/* Free page i's own memory (not the page slot): for selection. */
void lp_doc_drop_page(lp_doc *d, size_t i);

/* Pack the pages' markdown into one allocation of exactly their bytes, for
 * a document a job will hold: thousands of held jobs otherwise keep a few
 * thousand page-sized blocks each, scattered between short-lived upload and
 * webhook buffers, and the heap cannot give the holes back. Best effort:
 * without memory the pages stay as they are. */
void lp_doc_compact(lp_doc *d);

/* Markdown table from delimited text (sep ',' with RFC 4180 quotes, or '\t'
 * taken literally); cells have '|' escaped. Appends to out. */
#include "buf.h"
void lp_table_md(buf *out, const char *data, size_t len, char sep);

/* Plain text of a markdown page: heading marks, emphasis and table pipes
 * dropped. Appends to out. */
void lp_md_to_text(buf *out, const char *md);

/* Page p's plain text: its own, or derived from its markdown into scratch
 * (cleared first, then owned by the caller as before). Never NULL; "" when
 * out of memory.
 *
 *     buf t = BUF_INIT;
 *     puts(lp_page_text(&d->pages[i], &t));
 *     buf_free(&t);
 */
const char *lp_page_text(const lp_page *p, buf *scratch);

/* Append page p's plain text to out (no scratch needed). */
void lp_page_text_append(buf *out, const lp_page *p);

#endif
