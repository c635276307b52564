/* The JSON result's pages (v1), and v2's items expansion: each page's
 * markdown read back into items (headings, text, tables) with
 * deterministic bounding boxes. */
#include <stdbool.h>
#include <string.h>

#include "lp_ctx.h"
#include "lp_images.h"
#include "lp_pages_select.h"

#define PAGE_W 612
#define PAGE_H 792
#define LINE_H 14

/* v1 writes one bBox object; v2 a list of bbox objects. */
static void bbox(buf *out, int line, bool v2)
{
    /* once per line of every page: no printf */
    buf_puts(out, v2 ? ",\"bbox\":[{\"x\":36,\"y\":" : ",\"bBox\":{\"x\":36,\"y\":");
    buf_put_u64(out, (unsigned long long)(36 + line * LINE_H));
    buf_puts(out, v2 ? ",\"w\":540,\"h\":12}]" : ",\"w\":540,\"h\":12}");
}

static void json_str(buf *out, const char *s, size_t n)
{
    buf_json_str(out, s, n);
}

/* A table's rows three ways: JSON arrays, CSV (RFC 4180 quotes) and HTML. */
typedef struct table_out {
    buf rows, csv, html;
} table_out;

static void csv_cell(buf *out, const char *s, size_t n)
{
    bool quote = memchr(s, ',', n) || memchr(s, '"', n) || memchr(s, '\n', n);
    if (quote)
        buf_puts(out, "\"");
    for (size_t i = 0; i < n; i++)
        buf_append(out, s[i] == '"' ? "\"\"" : &s[i], s[i] == '"' ? 2 : 1);
    if (quote)
        buf_puts(out, "\"");
}

static void html_cell(buf *out, const char *s, size_t n)
{
    buf_puts(out, "<td>");
    for (size_t i = 0; i < n; i++) {
        const char *esc = s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;" : s[i] == '&' ? "&amp;" : NULL;
        if (esc)
            buf_puts(out, esc);
        else
            buf_append(out, &s[i], 1);
    }
    buf_puts(out, "</td>");
}

/* One markdown row "| a | b |": its cells, trimmed, into t. */
static void table_row(table_out *t, const char *p, const char *e, bool first_row)
{
    buf_puts(&t->rows, first_row ? "[" : ",[");
    buf_puts(&t->csv, first_row ? "" : "\n");
    buf_puts(&t->html, "<tr>");
    bool first_cell = true;
    for (const char *c = p + 1; c < e;) {
        const char *bar = c;
        while (bar < e && !(*bar == '|' && bar[-1] != '\\'))
            bar++;
        const char *a = c, *b = bar;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        if (bar < e || b > a) {
            buf_puts(&t->rows, first_cell ? "" : ",");
            buf_puts(&t->csv, first_cell ? "" : ",");
            json_str(&t->rows, a, (size_t)(b - a));
            csv_cell(&t->csv, a, (size_t)(b - a));
            html_cell(&t->html, a, (size_t)(b - a));
            first_cell = false;
        }
        c = bar + 1;
    }
    buf_puts(&t->rows, "]");
    buf_puts(&t->html, "</tr>");
}

/* A table block: consecutive lines starting with '|'; rows without the
 * |---| line. v1 has no csv or html; v2 has both. */
static void table_item(buf *out, const char *start, const char *end, int line, bool v2)
{
    table_out t = {BUF_INIT, BUF_INIT, BUF_INIT};
    buf_puts(&t.html, "<table>");
    bool first_row = true;
    for (const char *p = start; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        if (strspn(p, "|- :") < (size_t)(e - p)) {
            table_row(&t, p, e, first_row);
            first_row = false;
        }
        p = e + 1;
    }
    buf_puts(out, "{\"type\":\"table\",\"rows\":[");
    buf_append(out, t.rows.data ? t.rows.data : "", t.rows.len);
    buf_puts(out, "],\"md\":");
    json_str(out, start, (size_t)(end - start));
    if (v2) {
        buf_puts(out, ",\"csv\":");
        json_str(out, t.csv.data ? t.csv.data : "", t.csv.len);
        buf_puts(&t.html, "</table>");
        buf_puts(out, ",\"html\":");
        json_str(out, t.html.data ? t.html.data : "", t.html.len);
    } else {
        buf_puts(out, ",\"csv\":null,\"html\":null");
    }
    bbox(out, line, v2);
    buf_puts(out, "}");
    buf_free(&t.rows);
    buf_free(&t.csv);
    buf_free(&t.html);
}

static void page_items(buf *out, const char *md, bool v2)
{
    buf_puts(out, "[");
    int line = 0, items = 0;
    for (const char *p = md; *p;) {
        size_t n = strcspn(p, "\n");
        const char *next = p[n] ? p + n + 1 : p + n;
        if (n == 0) {
            p = next;
            continue;
        }
        buf_puts(out, items++ ? "," : "");
        if (*p == '|') {
            const char *end = p;
            while (*end == '|')
                end += strcspn(end, "\n") + (end[strcspn(end, "\n")] ? 1 : 0);
            table_item(out, p, end, line, v2);
            line += 2;
            p = end;
            continue;
        }
        size_t lvl = strspn(p, "#");
        if (lvl > 0 && lvl <= 6 && p[lvl] == ' ') {
            buf_puts(out, v2 ? "{\"type\":\"heading\",\"level\":" : "{\"type\":\"heading\",\"lvl\":");
            buf_put_u64(out, lvl);
            buf_puts(out, ",\"value\":");
            json_str(out, p + lvl + 1, n - lvl - 1);
        } else {
            buf_puts(out, "{\"type\":\"text\",\"value\":");
            json_str(out, p, n);
        }
        buf_puts(out, ",\"md\":");
        json_str(out, p, n);
        bbox(out, line++, v2);
        buf_puts(out, "}");
        p = next;
    }
    buf_puts(out, "]");
}

void lp_items_v2_json(buf *out, const lp_doc *doc)
{
    buf_puts(out, "{\"pages\":[");
    for (size_t i = 0; i < doc->npages; i++) {
        buf_printf(out, "%s{\"page_number\":%zu,\"page_width\":%d,\"page_height\":%d,\"success\":true,\"items\":",
                   i ? "," : "", lp_page_number(doc, i), PAGE_W, PAGE_H);
        page_items(out, doc->pages[i].md, true);
        buf_puts(out, "}");
    }
    buf_puts(out, "]}");
}

void lp_pages_json(buf *out, const lp_doc *doc)
{
    lp_job_pages_json(out, doc, NULL);
}

void lp_job_pages_json(buf *out, const lp_doc *doc, const lp_job *j)
{
    buf scratch = BUF_INIT;
    buf_puts(out, "[");
    for (size_t i = 0; i < doc->npages; i++) {
        const lp_page *pg = &doc->pages[i];
        const char *text = lp_page_text(pg, &scratch);
        buf_printf(out, "%s{\"page\":%zu,\"text\":", i ? "," : "", lp_page_number(doc, i));
        json_str(out, text, strlen(text));
        buf_puts(out, ",\"md\":");
        json_str(out, pg->md, strlen(pg->md));
        buf_puts(out, ",\"images\":");
        if (j)
            lp_page_images_json(out, j, i);
        else
            buf_puts(out, "[]");
        buf_puts(out, ",\"charts\":[],\"tables\":[],\"layout\":[],\"items\":");
        page_items(out, pg->md, false);
        buf_printf(out, ",\"status\":\"OK\",\"links\":[],\"width\":%d,\"height\":%d,\"triggeredAutoMode\":false,"
                        "\"parsingMode\":\"\",\"structuredData\":null,\"noStructuredContent\":true,"
                        "\"noTextContent\":%s}",
                   PAGE_W, PAGE_H, text[strspn(text, " \n")] ? "false" : "true");
    }
    buf_puts(out, "]");
    buf_free(&scratch);
}
