/* lp_pdf: the text of a PDF's pages, where it can be had without a PDF
 * library: classic cross-reference files (no object streams) whose page
 * contents are plain or Flate-compressed and whose fonts use standard
 * encodings. Text comes from Tj, TJ, ' and " in page order; a line break
 * where the text moves down, a space for wide TJ gaps or wide character
 * spacing (how Ghostscript spreads words). Image-only pages give no text.
 *
 *     char **pages; size_t n;
 *     size_t with_text = lp_pdf_text(data, len, &pages, &n);   // pages[i] owned
 */
#ifndef LP_PDF_H
#define LP_PDF_H

#include <stddef.h>

size_t lp_pdf_text(const char *data, size_t len, char ***pages, size_t *npages);
void lp_pdf_free(char **pages, size_t n);

#endif
