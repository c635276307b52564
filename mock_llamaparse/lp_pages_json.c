/* The JSON result's pages: each page's markdown read back into items
 * (headings, text, tables) with deterministic bounding boxes. */
#include <stdbool.h>
#include <string.h>

#include "lp_ctx.h"
#include "lp_pages_select.h"

#define PAGE_W 612
#define PAGE_H 792
#define LINE_H 14

static void bbox(buf *out, int line)
{
    buf_printf(out, ",\"bBox\":{\"x\":36,\"y\":%d,\"w\":540,\"h\":12}", 36 + line * LINE_H);
}

static void json_str(buf *out, const char *s, size_t n)
{
    buf_json_str(out, s, n);
}

/* A table block: consecutive lines starting with '|'; rows without the
 * |---| line, cells trimmed. */
static void table_item(buf *out, const char *start, const char *end, int line)
{
    buf_puts(out, "{\"type\":\"table\",\"rows\":[");
    bool first_row = true;
    for (const char *p = start; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        bool sep = strspn(p, "|- :") >= (size_t)(e - p);
        if (!sep) {
            buf_puts(out, first_row ? "[" : ",[");
            first_row = false;
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
                    buf_puts(out, first_cell ? "" : ",");
                    json_str(out, a, (size_t)(b - a));
                    first_cell = false;
                }
                c = bar + 1;
            }
            buf_puts(out, "]");
        }
        p = e + 1;
    }
    buf_puts(out, "],\"md\":");
    json_str(out, start, (size_t)(end - start));
    buf_puts(out, ",\"csv\":null,\"html\":null");
    bbox(out, line);
    buf_puts(out, "}");
}

static void page_items(buf *out, const char *md)
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
            table_item(out, p, end, line);
            line += 2;
            p = end;
            continue;
        }
        size_t lvl = strspn(p, "#");
        if (lvl > 0 && lvl <= 6 && p[lvl] == ' ') {
            buf_printf(out, "{\"type\":\"heading\",\"lvl\":%zu,\"value\":", lvl);
            json_str(out, p + lvl + 1, n - lvl - 1);
        } else {
            buf_puts(out, "{\"type\":\"text\",\"value\":");
            json_str(out, p, n);
        }
        buf_puts(out, ",\"md\":");
        json_str(out, p, n);
        bbox(out, line++);
        buf_puts(out, "}");
        p = next;
    }
    buf_puts(out, "]");
}

void lp_pages_json(buf *out, const lp_doc *doc)
{
    buf_puts(out, "[");
    for (size_t i = 0; i < doc->npages; i++) {
        const lp_page *pg = &doc->pages[i];
        buf_printf(out, "%s{\"page\":%zu,\"text\":", i ? "," : "", lp_page_number(doc, i));
        json_str(out, pg->text, strlen(pg->text));
        buf_puts(out, ",\"md\":");
        json_str(out, pg->md, strlen(pg->md));
        buf_puts(out, ",\"images\":[],\"charts\":[],\"tables\":[],\"layout\":[],\"items\":");
        page_items(out, pg->md);
        buf_printf(out, ",\"status\":\"OK\",\"links\":[],\"width\":%d,\"height\":%d,\"triggeredAutoMode\":false,"
                        "\"parsingMode\":\"\",\"structuredData\":null,\"noStructuredContent\":true,"
                        "\"noTextContent\":%s}",
                   PAGE_W, PAGE_H, pg->text[strspn(pg->text, " \n")] ? "false" : "true");
    }
    buf_puts(out, "]");
}
