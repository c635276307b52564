/* lp_html: HTML to markdown for parse results: headings, paragraphs, lists,
 * tables and emphasis kept; scripts, styles, comments, the head and
 * attributes dropped; entities decoded (named ones in common use, and
 * numeric ones). A tolerant tag scanner, not a validating parser: any input
 * gives some text.
 *
 *     lp_html_md(&out, "<h2>Fees &amp; costs</h2><p>None.</p>", n)
 *     // "## Fees & costs\n\nNone.\n"
 */
#ifndef LP_HTML_H
#define LP_HTML_H

#include <stddef.h>

#include "buf.h"

void lp_html_md(buf *out, const char *html, size_t len);

#endif
