#include "lp_html.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct conv {
    buf *out;
    buf cell;       /* the table cell being read */
    buf row;        /* cells of the current row, "| a | b |" */
    buf table;      /* rows so far */
    size_t rows;
    bool in_cell;
    int skip;       /* inside script/style/head: drop text */
    int list_depth;
    int ol_counter[8];
    bool ordered[8];
    bool space;     /* a space is owed before the next word */
} conv;

static buf *sink(conv *c)
{
    return c->in_cell ? &c->cell : c->out;
}

/* Make sure the output ends with n newlines (0 < n <= 2). */
static void breaks(conv *c, int n)
{
    buf *b = sink(c);
    if (c->in_cell) {
        c->space = true;
        return;
    }
    int have = 0;
    while (have < (int)b->len && have < n && b->data[b->len - 1 - have] == '\n')
        have++;
    if (b->len == 0)
        have = n;
    for (; have < n; have++)
        buf_append(b, "\n", 1);
    c->space = false;
}

static void put_utf8(buf *b, unsigned long cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    buf_append(b, u, n);
}

static const struct {
    const char *name;
    unsigned cp;
} entities[] = {
    {"amp", '&'},     {"lt", '<'},        {"gt", '>'},        {"quot", '"'},      {"apos", '\''},
    {"nbsp", ' '},    {"ndash", 0x2013},  {"mdash", 0x2014},  {"copy", 0xa9},     {"reg", 0xae},
    {"eacute", 0xe9}, {"egrave", 0xe8},   {"aacute", 0xe1},   {"ntilde", 0xf1},   {"ccedil", 0xe7},
    {"uuml", 0xfc},   {"ouml", 0xf6},     {"auml", 0xe4},     {"oslash", 0xf8},   {"iacute", 0xed},
    {"hellip", 0x2026}, {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201c},  {"rdquo", 0x201d},
    {"bull", 0x2022}, {"middot", 0xb7},   {"trade", 0x2122},  {"euro", 0x20ac},   {"pound", 0xa3},
};

/* Decode the entity at s (after '&'); returns its length incl. ';' or 0. */
static size_t entity(buf *b, const char *s, const char *end)
{
    const char *semi = memchr(s, ';', (size_t)(end - s) < 12 ? (size_t)(end - s) : 12);
    if (!semi)
        return 0;
    size_t n = (size_t)(semi - s);
    if (n > 1 && s[0] == '#') {
        char *stop;
        unsigned long cp = s[1] == 'x' || s[1] == 'X' ? strtoul(s + 2, &stop, 16) : strtoul(s + 1, &stop, 10);
        if (stop != semi || cp == 0 || cp > 0x10ffff)
            return 0;
        put_utf8(b, cp);
        return n + 1;
    }
    for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++) {
        if (strlen(entities[i].name) == n && memcmp(entities[i].name, s, n) == 0) {
            put_utf8(b, entities[i].cp);
            return n + 1;
        }
    }
    return 0;
}

/* Text between tags: whitespace runs become one space; '|' is escaped in
 * table cells. */
static void text(conv *c, const char *s, const char *end)
{
    if (c->skip)
        return;
    buf *b = sink(c);
    for (; s < end; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
            c->space = b->len && b->data[b->len - 1] != '\n';
            continue;
        }
        if (c->space) {
            buf_append(b, " ", 1);
            c->space = false;
        }
        size_t used = *s == '&' ? entity(b, s + 1, end) : 0;
        if (used)
            s += used;
        else if (*s == '|' && c->in_cell)
            buf_append(b, "\\|", 2);
        else
            buf_append(b, s, 1);
    }
}

static void end_row(conv *c)
{
    if (!c->row.len)
        return;
    buf_append(&c->table, c->row.data, c->row.len);
    buf_puts(&c->table, "|\n");
    if (c->rows++ == 0) { /* the header line under the first row */
        size_t cols = 0;
        for (size_t i = 0; i < c->row.len; i++)
            cols += c->row.data[i] == '|' && (i == 0 || c->row.data[i - 1] != '\\');
        for (size_t i = 0; i < cols; i++)
            buf_puts(&c->table, "| --- ");
        buf_puts(&c->table, "|\n");
    }
    buf_clear(&c->row);
}

static void end_cell(conv *c)
{
    if (!c->in_cell)
        return;
    c->in_cell = false;
    buf_puts(&c->row, "| ");
    if (c->cell.len)
        buf_append(&c->row, c->cell.data, c->cell.len);
    buf_puts(&c->row, " ");
    buf_clear(&c->cell);
}

static void end_table(conv *c)
{
    end_cell(c);
    end_row(c);
    if (c->table.len) {
        breaks(c, 2);
        buf_append(c->out, c->table.data, c->table.len);
        breaks(c, 2);
    }
    buf_clear(&c->table);
    c->rows = 0;
}

static void list_item(conv *c)
{
    breaks(c, 1);
    int d = c->list_depth > 0 ? c->list_depth - 1 : 0;
    /* Indent no deeper than the 8 levels tracked: indenting by the full depth
     * made the output grow with depth times items, quadratic in the input. */
    for (int i = 0; i < d && i < 8; i++)
        buf_puts(c->out, "  ");
    if (d < 8 && c->ordered[d])
        buf_printf(c->out, "%d. ", ++c->ol_counter[d]);
    else
        buf_puts(c->out, "- ");
}

static void open_list(conv *c, bool ordered)
{
    if (c->list_depth < 8) {
        c->ordered[c->list_depth] = ordered;
        c->ol_counter[c->list_depth] = 0;
    }
    c->list_depth++;
    breaks(c, c->list_depth == 1 ? 2 : 1);
}

static bool isalnum_ascii(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static bool is(const char *name, size_t n, const char *want)
{
    return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

/* "**" or "*": an opening mark takes the space owed before it, so the
 * mark hugs its word ("form **AHM**", not "form** AHM**"). */
static void emphasis(conv *c, const char *mark, bool closing)
{
    buf *b = sink(c);
    if (!closing && c->space) {
        buf_append(b, " ", 1);
        c->space = false;
    }
    buf_puts(b, mark);
}

/* Act on one tag (name without '<', '/' or attributes). */
static void tag(conv *c, const char *name, size_t n, bool closing)
{
    if (is(name, n, "script") || is(name, n, "style") || is(name, n, "head") || is(name, n, "noscript")) {
        c->skip += closing ? (c->skip > 0 ? -1 : 0) : 1;
        return;
    }
    if (c->skip)
        return;
    if (n == 2 && (name[0] == 'h' || name[0] == 'H') && name[1] >= '1' && name[1] <= '6') {
        breaks(c, 2);
        if (!closing)
            for (int i = 0; i < name[1] - '0'; i++)
                buf_append(c->out, "#", 1);
        if (!closing)
            buf_append(c->out, " ", 1);
        return;
    }
    if (is(name, n, "p") || is(name, n, "div") || is(name, n, "section") || is(name, n, "article") ||
        is(name, n, "blockquote") || is(name, n, "header") || is(name, n, "footer"))
        breaks(c, 2);
    else if (is(name, n, "br"))
        breaks(c, 1);
    else if (is(name, n, "ul") || is(name, n, "ol")) {
        if (closing) {
            c->list_depth -= c->list_depth > 0;
            breaks(c, c->list_depth ? 1 : 2);
        } else {
            open_list(c, is(name, n, "ol"));
        }
    } else if (is(name, n, "li") && !closing)
        list_item(c);
    else if (is(name, n, "strong") || is(name, n, "b"))
        emphasis(c, "**", closing);
    else if (is(name, n, "em") || is(name, n, "i"))
        emphasis(c, "*", closing);
    else if (is(name, n, "table"))
        closing ? end_table(c) : (void)0;
    else if (is(name, n, "tr")) {
        end_cell(c);
        end_row(c);
    } else if (is(name, n, "td") || is(name, n, "th")) {
        end_cell(c);
        if (!closing) {
            c->in_cell = true;
            c->space = false;
        }
    }
}

/* Skip a comment, doctype or tag at s ('<'); returns where text resumes. */
static const char *markup(conv *c, const char *s, const char *end)
{
    if (end - s >= 4 && memcmp(s, "<!--", 4) == 0) {
        const char *close = NULL;
        for (const char *p = s + 4; p + 3 <= end && !close; p++)
            close = memcmp(p, "-->", 3) == 0 ? p + 3 : NULL;
        return close ? close : end;
    }
    const char *gt = memchr(s, '>', (size_t)(end - s));
    if (!gt)
        return end;
    const char *name = s + 1;
    bool closing = *name == '/';
    name += closing;
    size_t n = 0;
    while (name + n < gt && (isalnum_ascii(name[n])))
        n++;
    if (n)
        tag(c, name, n, closing);
    return gt + 1;
}

void lp_html_md(buf *out, const char *html, size_t len)
{
    conv c = {.out = out};
    const char *s = html, *end = html + len;
    while (s < end) {
        const char *lt = memchr(s, '<', (size_t)(end - s));
        const char *stop = lt ? lt : end;
        text(&c, s, stop);
        s = lt ? markup(&c, lt, end) : end;
    }
    end_table(&c);
    if (out->len && out->data[out->len - 1] != '\n')
        buf_append(out, "\n", 1);
    buf_free(&c.cell);
    buf_free(&c.row);
    buf_free(&c.table);
}
