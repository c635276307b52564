/* Documents to pages: the real text where the format is text, a synthetic
 * but realistic document otherwise. */
#include "lp_content.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lp_html.h"
#include "lp_pdf.h"
#include "lp_synth.h"

static const char *extension(const char *filename)
{
    const char *dot = filename ? strrchr(filename, '.') : NULL;
    return dot ? dot + 1 : "";
}

/* A line in capitals (with at least three letters) reads as a heading in
 * plain-text documents such as policy wordings. */
static bool shouting(const char *s, size_t n)
{
    size_t letters = 0;
    for (size_t i = 0; i < n; i++) {
        if (islower((unsigned char)s[i]))
            return false;
        letters += isupper((unsigned char)s[i]) != 0;
    }
    return letters >= 3 && n <= 80;
}

static void text_to_md(buf *out, const char *data, size_t len)
{
    bool first = true;
    for (const char *p = data, *end = data + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (shouting(p, n)) {
            buf_puts(out, first ? "# " : "## ");
            first = false;
        }
        buf_append(out, p, n);
        buf_append(out, "\n", 1);
        p += n + 1;
    }
}

static void fenced(buf *out, const char *lang, const char *data, size_t len)
{
    buf_printf(out, "```%s\n", lang);
    buf_append(out, data, len);
    if (len && data[len - 1] != '\n')
        buf_append(out, "\n", 1);
    buf_puts(out, "```\n");
}

static bool add_page(void *ctx, const char *md, size_t n)
{
    lp_doc *d = ctx;
    lp_page *pages = realloc(d->pages, (d->npages + 1) * sizeof *pages);
    if (!pages)
        return false;
    d->pages = pages;
    buf m = BUF_INIT;
    if (!buf_append(&m, md, n))
        return false;
    d->pages[d->npages].md = buf_release(&m);
    d->pages[d->npages].text = NULL; /* derived when asked */
    d->npages++;
    return true;
}

/* Where the next page ends: about LP_PAGE_CHARS past start, at a blank
 * line (or at a line end inside a long block such as a table); len when
 * the rest fits one page. */
static size_t page_end(const char *md, size_t len, size_t start)
{
    size_t cut = start;
    for (size_t i = start; i < len; i++) {
        if (md[i] != '\n')
            continue;
        bool blank = i + 1 < len && md[i + 1] == '\n';
        /* >=, as below: a line end right at LP_PAGE_CHARS must move the cut
         * too, or the page ends at an early blank line, a few bytes long. */
        if (blank || i - start >= LP_PAGE_CHARS)
            cut = i + 1;
        if (i - start >= LP_PAGE_CHARS && cut > start)
            return cut;
    }
    return len;
}

/* Cut markdown into pages, all in one block (see lp_doc_compact): the page
 * count first, then one allocation for the pages and one for their text. */
static bool paginate(lp_doc *d, const char *md, size_t len)
{
    size_t n = 0;
    for (size_t at = 0; at < len; at = page_end(md, len, at))
        n++;
    d->pages = calloc(n, sizeof *d->pages);
    d->block = malloc(len + n);
    if (!d->pages || !d->block)
        return false;
    char *out = d->block;
    for (size_t at = 0, end; at < len; at = end) {
        end = page_end(md, len, at);
        memcpy(out, md + at, end - at);
        out[end - at] = '\0';
        d->pages[d->npages++].md = out;
        out += end - at + 1;
    }
    return true;
}

/* Text from two-byte (CID) fonts or custom encodings comes out as control
 * bytes: such a page is not text we can show. */
static bool plausible(const char *s)
{
    size_t bad = 0, n = 0;
    for (; s[n]; n++)
        bad += (unsigned char)s[n] < 0x20 && s[n] != '\n' && s[n] != '\t';
    return bad * 20 <= n;
}

/* A PDF whose pages carry text: each page's first line becomes its heading.
 * False (d untouched) when no page has text we can read, e.g. a scan;
 * *npages is the page count either way, from the same scan. */
static bool pdf_with_text(lp_doc *d, const char *data, size_t len, size_t *npages)
{
    char **pages;
    size_t n;
    bool ok = lp_pdf_text(data, len, &pages, &n) > 0;
    *npages = n;
    for (size_t i = 0; ok && i < n; i++)
        ok = plausible(pages[i]);
    for (size_t i = 0; ok && i < n; i++) {
        buf md = BUF_INIT;
        size_t first = strcspn(pages[i], "\n");
        if (first)
            buf_printf(&md, "# %.*s\n\n%s", (int)first, pages[i], pages[i][first] ? pages[i] + first + 1 : "");
        ok = add_page(d, md.data ? md.data : "", md.len);
        buf_free(&md);
    }
    lp_pdf_free(pages, n);
    return ok;
}

static bool is_text_format(const char *ext)
{
    static const char *const text[] = {"md", "markdown", "txt", "text", "csv", "tsv", "json", "xml", "html", "htm"};
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        if (!strcasecmp(ext, text[i]))
            return true;
    }
    return false;
}

lp_doc *lp_doc_parse(const char *filename, const char *data, size_t len)
{
    lp_doc *d = calloc(1, sizeof *d);
    if (!d || len == 0)
        return d;
    const char *ext = extension(filename);
    size_t pages = 0; /* a PDF's own count; 0 lets the synthesiser pick */
    if (!strcasecmp(ext, "pdf") && pdf_with_text(d, data, len, &pages))
        return d;
    if (!is_text_format(ext)) {
        if (!lp_synth(data, len, pages, add_page, d)) {
            lp_doc_free(d);
            return NULL;
        }
        return d;
    }
    buf md = BUF_INIT;
    /* About its final size at once: grown by doubling instead, a large
     * document leaves a trail of freed blocks in the heap. */
    buf_reserve(&md, len + len / 8 + 64);
    if (!strcasecmp(ext, "md") || !strcasecmp(ext, "markdown"))
        buf_append(&md, data, len);
    else if (!strcasecmp(ext, "txt") || !strcasecmp(ext, "text"))
        text_to_md(&md, data, len);
    else if (!strcasecmp(ext, "csv"))
        lp_table_md(&md, data, len, ',');
    else if (!strcasecmp(ext, "tsv"))
        lp_table_md(&md, data, len, '\t');
    else if (!strcasecmp(ext, "html") || !strcasecmp(ext, "htm"))
        lp_html_md(&md, data, len);
    else
        fenced(&md, ext, data, len);
    /* No markdown at all (blank lines of csv, html that is all head or
     * script) is a document without pages, not a failure. */
    bool ok = md.len == 0 || paginate(d, md.data, md.len);
    buf_free(&md);
    if (!ok) {
        lp_doc_free(d);
        return NULL;
    }
    return d;
}

void lp_doc_drop_page(lp_doc *d, size_t i)
{
    if (!d->block)
        free(d->pages[i].md);
    free(d->pages[i].text);
    d->pages[i].md = d->pages[i].text = NULL;
}

void lp_doc_compact(lp_doc *d)
{
    size_t total = 0;
    for (size_t i = 0; i < d->npages; i++)
        total += strlen(d->pages[i].md) + 1;
    char *block = d->block || !d->npages ? NULL : malloc(total);
    if (!block)
        return;
    char *at = block;
    for (size_t i = 0; i < d->npages; i++) {
        size_t n = strlen(d->pages[i].md) + 1;
        memcpy(at, d->pages[i].md, n);
        free(d->pages[i].md);
        d->pages[i].md = at;
        at += n;
    }
    d->block = block;
}

void lp_doc_free(lp_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->npages; i++)
        lp_doc_drop_page(d, i);
    free(d->block);
    free(d->pages);
    free(d->numbers);
    free(d);
}

void lp_md_to_text(buf *out, const char *md)
{
    for (const char *p = md; *p;) {
        size_t n = strcspn(p, "\n");
        const char *s = p, *e = p + n;
        while (s < e && *s == '#')
            s++;
        if (s > p && s < e && *s == ' ')
            s++;
        bool separator = n > 0 && strspn(p, "|- :") == n; /* a table's |---| line */
        while (!separator && s < e) {
            size_t run = strcspn(s, "*|\\\n"); /* copied as is, up to a mark */
            run = run < (size_t)(e - s) ? run : (size_t)(e - s);
            buf_append(out, s, run);
            s += run;
            if (s == e)
                break;
            bool mark = *s == '*' || (*s == '|' && (s == p || s[-1] != '\\')) ||
                        (*s == '\\' && s + 1 < e && s[1] == '|');
            if (!mark)
                buf_append(out, s, 1);
            s++;
        }
        if (!separator)
            buf_append(out, "\n", 1);
        p = *e ? e + 1 : e;
    }
}

void lp_doc_truncate(lp_doc *d, long max)
{
    while (max > 0 && d->npages > (size_t)max) {
        d->npages--;
        lp_doc_drop_page(d, d->npages);
    }
}

const char *lp_page_text(const lp_page *p, buf *scratch)
{
    if (p->text)
        return p->text;
    buf_clear(scratch);
    lp_md_to_text(scratch, p->md);
    return scratch->data ? scratch->data : "";
}

void lp_page_text_append(buf *out, const lp_page *p)
{
    if (p->text)
        buf_puts(out, p->text);
    else
        lp_md_to_text(out, p->md);
}
