/* Uploaded documents to pages: the fuzz input's first byte picks the file
 * name's extension (csv, tsv, html, txt, md, json, xml, pdf, or one with no
 * text format), the rest is the file, read by lp_doc_parse (lp_content.c,
 * lp_table.c, lp_html.c, lp_pdf.c, lp_synth.c); the result is then cut to a
 * page limit and rendered as the JSON result's pages (lp_pages_json.c). The
 * converters are also called directly on the bytes (csv and tsv tables,
 * HTML), as their own callers do.
 *
 * Beyond "no crash, no leak": every page's markdown and text are there
 * (NUL-terminated), the text no longer than the markdown plus a newline;
 * text formats give markdown of size linear in the input (at most 16 bytes
 * per input byte, no quadratic blow-up) and at most one page per 3,000
 * characters of it plus one; synthetic documents at most 500 pages; the
 * pages JSON is valid JSON; truncation keeps exactly the asked-for pages;
 * a csv or tsv table keeps every byte of every cell, in order. */
#include <string.h>

#include "fuzz_common.h"
#include "lp_ctx.h"
#include "lp_html.h"

#define BOUND(len) (16 * (len) + 256)

static const char *const names[] = {"a.csv", "a.tsv", "a.html", "a.txt", "a.md",
                                    "a.json", "a.xml", "a.pdf", "a.bin", ""};
#define NNAMES (sizeof names / sizeof names[0])

static bool text_format(const char *name)
{
    return strcmp(name, "a.pdf") && strcmp(name, "a.bin") && name[0];
}

static void check_doc(const lp_doc *d, const char *name, const char *data, size_t len)
{
    FUZZ_CHECK(d);
    if (len == 0)
        FUZZ_CHECK(d->npages == 0);
    size_t total = 0;
    buf t = BUF_INIT;
    for (size_t i = 0; i < d->npages; i++) {
        FUZZ_CHECK(d->pages[i].md);
        size_t md = strlen(d->pages[i].md);
        FUZZ_CHECK(strlen(lp_page_text(&d->pages[i], &t)) <= md + 1);
        total += md;
    }
    buf_free(&t);
    if (text_format(name)) {
        FUZZ_CHECK(total <= BOUND(len));
        /* A NUL byte in a text file ends its page's string early: count only without. */
        if (!memchr(data, '\0', len))
            FUZZ_CHECK(d->npages <= total / LP_PAGE_CHARS + 1);
    } else if (strcmp(name, "a.pdf")) {
        FUZZ_CHECK(d->npages <= 500);
    }
}

/* s[0..n) without the bytes in drop. */
static size_t keep(const char *s, size_t n, const char *drop, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!memchr(drop, s[i], strlen(drop)) && s[i] != '\0')
            out[k++] = s[i];
    }
    return k;
}

/* No cell byte is lost or reordered: without separators, line breaks,
 * quotes and what the table adds or escapes (pipes, spaces, dashes,
 * backslashes), input and table hold the same bytes. */
static void check_table(const char *data, size_t len, char sep)
{
    buf b = BUF_INIT;
    lp_table_md(&b, data, len, sep);
    FUZZ_CHECK(b.len <= BOUND(len) && (!b.data || b.data[b.len] == '\0'));
    char drop[] = {sep, '\r', '\n', '"', '|', ' ', '-', '\\', '\0'};
    char *a = fuzz_xmalloc(len), *t = fuzz_xmalloc(b.len);
    size_t na = keep(data, len, drop, a), nt = keep(b.data, b.len, drop, t);
    FUZZ_CHECK(na == nt && memcmp(a, t, na) == 0);
    free(a);
    free(t);
    buf_free(&b);
}

static void direct(const char *data, size_t len)
{
    check_table(data, len, ',');
    check_table(data, len, '\t');
    buf b = BUF_INIT;
    lp_html_md(&b, data, len);
    FUZZ_CHECK(b.len <= BOUND(len) && (!b.data || b.data[b.len] == '\0'));
    buf_free(&b);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *name = names[data[0] % NNAMES];
    size_t len = size - 1;
    char *doc = fuzz_copy(data + 1, len);

    lp_doc *d = lp_doc_parse(name, doc, len);
    check_doc(d, name, doc, len);
    buf pages = BUF_INIT;
    lp_pages_json(&pages, d);
    FUZZ_CHECK(fuzz_json_valid(pages.data, pages.len));
    buf_free(&pages);
    size_t keep = data[0] / NNAMES % 4; /* 0: all */
    size_t before = d->npages;
    lp_doc_truncate(d, (long)keep);
    FUZZ_CHECK(d->npages == (keep && keep < before ? keep : before));
    lp_doc_free(d);

    direct(doc, len);
    free(doc);
    return 0;
}
