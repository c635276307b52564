/* PDF text extraction: the fuzz input is a whole PDF file, read by
 * lp_pdf_text (lp_pdf.c: object lookup, page /Contents, Flate streams,
 * text operators) from an exact-size buffer, so any read past the file's
 * last byte is caught; then by lp_doc_parse("x.pdf") as an upload is.
 *
 * Beyond "no crash, no leak": at most 2,000 pages (the cap on a hostile
 * file's work), each page's text present and NUL-terminated, the count of
 * pages with text at most the page count, and the document's pages
 * consistent (markdown and text present). */
#include <string.h>

#include "fuzz_common.h"
#include "lp_content.h"
#include "lp_pdf.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    char *pdf = fuzz_copy(data, size);
    char **pages;
    size_t n;
    size_t with_text = lp_pdf_text(pdf, size, &pages, &n);
    FUZZ_CHECK(n <= 2000 && with_text <= n);
    FUZZ_CHECK(n == 0 || pages);
    size_t counted = 0;
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(pages[i]);
        counted += pages[i][0] != '\0';
    }
    FUZZ_CHECK(counted == with_text);
    lp_pdf_free(pages, n);

    lp_doc *d = lp_doc_parse("x.pdf", pdf, size);
    FUZZ_CHECK(d);
    buf t = BUF_INIT;
    for (size_t i = 0; i < d->npages; i++)
        FUZZ_CHECK(d->pages[i].md && lp_page_text(&d->pages[i], &t));
    buf_free(&t);
    lp_doc_free(d);
    free(pdf);
    return 0;
}
