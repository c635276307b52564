#include "lp_pdf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"

#define MAX_OBJ 200000
#define MAX_PAGES 2000 /* bounds the work a hostile file can ask for */
/* ... and so does this: content bytes read per file. Pages may all point at
 * the same large stream, so the text could otherwise grow with pages times
 * references times stream size. */
#define MAX_CONTENT (16u << 20)
/* How far around its /Type a page object's dictionary is looked for: a file
 * of page markers and nothing else made each page search the whole file. */
#define PAGE_DICT_MAX 65536

/* The next "N 0 obj" at or after *p, N in 1..MAX_OBJ-1: digits with nothing
 * but a line break or space before them and no leading zero, so not the tail
 * of a longer number. */
static bool next_obj(const char *d, const char *end, const char **p, long *num, long *off)
{
    for (; (*p = memmem(*p, (size_t)(end - *p), " 0 obj", 6)); *p += 6) {
        const char *s = *p;
        long n = 0, scale = 1;
        for (; s > d && s[-1] >= '0' && s[-1] <= '9' && scale < MAX_OBJ; s--, scale *= 10)
            n += (s[-1] - '0') * scale;
        if (s < *p && (s == d || s[-1] == '\n' || s[-1] == '\r' || s[-1] == ' ') && (*s != '0' || *p - s == 1) &&
            n > 0 && n < MAX_OBJ) {
            *num = n;
            *off = s - d;
            *p += 6;
            return true;
        }
    }
    return false;
}

/* Where each object starts (+1; 0 for none), indexed by number up to the
 * largest in the file (*n entries); the first of a repeated number wins, as
 * a search from the start would find it. Searching the file for each
 * reference cost its whole length per reference. NULL when out of memory. */
static long *index_objects(const char *d, size_t len, size_t *n)
{
    long num, off, max = 0;
    for (const char *p = d; next_obj(d, d + len, &p, &num, &off);)
        max = num > max ? num : max;
    long *at = calloc((size_t)max + 1, sizeof *at);
    if (!at)
        return NULL;
    for (const char *p = d; next_obj(d, d + len, &p, &num, &off);) {
        if (!at[num])
            at[num] = off + 1;
    }
    *n = (size_t)max + 1;
    return at;
}

/* The (inflated) stream of the object at off into out. */
static bool stream_of(const char *d, size_t len, long off, buf *out)
{
    const char *obj = d + off, *end = d + len;
    const char *endobj = memmem(obj, (size_t)(end - obj), "endobj", 6);
    const char *st = memmem(obj, (size_t)((endobj ? endobj : end) - obj), "stream", 6);
    if (!st)
        return false;
    bool flate = memmem(obj, (size_t)(st - obj), "/FlateDecode", 12) != NULL;
    st += 6;
    st += st < end && *st == '\r';
    st += st < end && *st == '\n';
    const char *stop = memmem(st, (size_t)(end - st), "endstream", 9);
    if (!stop)
        return false;
    if (!flate)
        return buf_append(out, st, (size_t)(stop - st));
    z_stream z = {0};
    if (inflateInit(&z) != Z_OK)
        return false;
    z.next_in = (Bytef *)st;
    z.avail_in = (uInt)(stop - st);
    int rc = Z_OK;
    while (rc == Z_OK) {
        char *room = buf_reserve(out, 65536);
        if (!room)
            break;
        z.next_out = (Bytef *)room;
        z.avail_out = 65536;
        rc = inflate(&z, Z_NO_FLUSH);
        buf_advance(out, 65536 - z.avail_out);
        if (out->len > MAX_CONTENT)
            break; /* a content stream this large is not text we want */
    }
    inflateEnd(&z);
    return rc == Z_STREAM_END || rc == Z_BUF_ERROR || rc == Z_OK;
}

/* Latin-1 byte to UTF-8, with StandardEncoding's bullet (0xB7). */
static void put_char(buf *out, unsigned char c)
{
    if (c == 0xb7)
        buf_puts(out, "\xe2\x80\xa2");
    else if (c < 0x80)
        buf_append(out, &c, 1);
    else {
        char u[2] = {(char)(0xc0 | (c >> 6)), (char)(0x80 | (c & 0x3f))};
        buf_append(out, u, 2);
    }
}

/* A literal string at *p ('('), decoded; *p moves past it. */
static void literal(const char **p, const char *end, buf *s)
{
    int depth = 0;
    for (const char *q = *p; q < end; q++) {
        char c = *q;
        if (c == '\\' && q + 1 < end) {
            char e = *++q;
            if (e >= '0' && e <= '7') {
                int v = 0, n = 0;
                for (; n < 3 && q < end && *q >= '0' && *q <= '7'; n++, q++)
                    v = v * 8 + (*q - '0');
                q--;
                buf_append(s, &(char){(char)v}, 1);
            } else {
                char m = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
                if (e != '\n' && e != '\r')
                    buf_append(s, &m, 1);
            }
            continue;
        }
        if (c == '(' && depth++ == 0)
            continue;
        if (c == ')' && --depth == 0) {
            *p = q + 1;
            return;
        }
        buf_append(s, &c, 1);
    }
    *p = end;
}

typedef struct text_state {
    buf *out;
    double tc;     /* character spacing */
    double nums[6];
    int nnums;
    bool line_has_text;
} text_state;

/* Show a string: wide character spacing stands for spaces between letters. */
static void show(text_state *t, const buf *s)
{
    for (size_t i = 0; i < s->len; i++) {
        if (i && t->tc >= 1.5)
            buf_append(t->out, " ", 1);
        put_char(t->out, (unsigned char)s->data[i]);
    }
    t->line_has_text = t->line_has_text || s->len;
}

static void newline(text_state *t)
{
    if (t->line_has_text)
        buf_append(t->out, "\n", 1);
    t->line_has_text = false;
}

/* A TJ array at *p ('['): strings shown, gaps wider than a space's worth
 * (kerning is small) become a space. */
static void tj_array(text_state *t, const char **p, const char *end)
{
    buf s = BUF_INIT;
    const char *q = *p + 1;
    while (q < end && *q != ']') {
        if (*q == '(') {
            buf_clear(&s);
            literal(&q, end, &s);
            show(t, &s);
        } else if (*q == '-' || (*q >= '0' && *q <= '9') || *q == '.') {
            char *stop;
            double v = strtod(q, &stop);
            if (v < -250)
                buf_append(t->out, " ", 1);
            q = stop > q ? stop : q + 1;
        } else {
            q++;
        }
    }
    buf_free(&s);
    *p = q < end ? q + 1 : end;
}

static void operator(text_state *t, const char *op, size_t n, const buf *last)
{
    if ((n == 2 && !memcmp(op, "Tj", 2)) || (n == 1 && (*op == '\'' || *op == '"'))) {
        if (n == 1)
            newline(t);
        show(t, last);
    } else if (n == 2 && !memcmp(op, "Tc", 2) && t->nnums >= 1) {
        t->tc = t->nums[t->nnums - 1];
    } else if (n == 2 && (!memcmp(op, "Td", 2) || !memcmp(op, "TD", 2)) && t->nnums >= 2) {
        if (t->nums[t->nnums - 1] != 0)
            newline(t);
    } else if ((n == 2 && !memcmp(op, "T*", 2)) || (n == 2 && !memcmp(op, "ET", 2))) {
        newline(t);
    } else if (n == 2 && !memcmp(op, "Tm", 2)) {
        newline(t);
    }
    t->nnums = 0;
}

static void content_text(const char *c, size_t len, buf *out)
{
    text_state t = {out, 0, {0}, 0, false};
    buf last = BUF_INIT;
    const char *end = c + len;
    for (const char *p = c; p < end;) {
        char ch = *p;
        if (ch == '(') {
            buf_clear(&last);
            literal(&p, end, &last);
        } else if (ch == '[') {
            tj_array(&t, &p, end);
        } else if (ch == '-' || ch == '.' || (ch >= '0' && ch <= '9')) {
            char *stop;
            double v = strtod(p, &stop);
            if (t.nnums < 6)
                t.nums[t.nnums++] = v;
            p = stop > p ? stop : p + 1;
        } else if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '\'' || ch == '"' || ch == '*') {
            const char *s = p;
            while (p < end && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '*' || *p == '\'' || *p == '"'))
                p++;
            operator(&t, s, (size_t)(p - s), &last);
        } else if (ch == '/') { /* a name: skip it */
            p++;
            while (p < end && *p > ' ' && !strchr("/[]()<>", *p))
                p++;
        } else {
            p++;
        }
    }
    newline(&t);
    buf_free(&last);
}

/* The decimal number at c, read no further than end (the file need not be
 * NUL-terminated); anything from MAX_OBJ up reads as MAX_OBJ. */
static long number_at(const char *c, const char *end, const char **stop)
{
    long v = 0;
    for (; c < end && *c >= '0' && *c <= '9'; c++)
        v = v < MAX_OBJ ? v * 10 + (*c - '0') : MAX_OBJ;
    *stop = c;
    return v;
}

/* Object numbers of a page's /Contents: "N 0 R" or "[N 0 R M 0 R]". */
static size_t contents_of(const char *dict, const char *end, long *refs, size_t max)
{
    const char *c = memmem(dict, (size_t)(end - dict), "/Contents", 9);
    if (!c)
        return 0;
    c += 9;
    size_t n = 0;
    bool list = false;
    for (; c < end && n < max; c++) {
        if (*c == '[')
            list = true;
        else if (*c >= '0' && *c <= '9') {
            const char *stop;
            refs[n++] = number_at(c, end, &stop);
            const char *r = memchr(stop, 'R', (size_t)(end - stop));
            if (!r || !list)
                break;
            c = r;
        } else if (*c == ']' || (*c == '/' && !list))
            break;
    }
    return n;
}

size_t lp_pdf_text(const char *d, size_t len, char ***pages, size_t *npages)
{
    *pages = NULL;
    *npages = 0;
    size_t with_text = 0, content_read = 0;
    size_t nobjs;
    long *objs = index_objects(d, len, &nobjs);
    if (!objs)
        return 0;
    for (const char *p = d, *end = d + len; *npages < MAX_PAGES && (p = memmem(p, (size_t)(end - p), "/Type", 5));
         p += 5) {
        const char *q = p + 5;
        while (q < end && (*q == ' ' || *q == '\n' || *q == '\r'))
            q++;
        if (end - q < 6 || memcmp(q, "/Page", 5) != 0 || q[5] == 's')
            continue;
        size_t ahead = (size_t)(end - q) < PAGE_DICT_MAX ? (size_t)(end - q) : PAGE_DICT_MAX;
        const char *stop = memmem(q, ahead, "endobj", 6);
        const char *start = p, *floor = p - d > PAGE_DICT_MAX ? p - PAGE_DICT_MAX : d;
        while (start > floor && memcmp(start, " obj", 4) != 0)
            start--; /* the page object's own dictionary starts here */
        long refs[16];
        size_t nrefs = contents_of(start, stop ? stop : q + ahead, refs, 16);
        buf text = BUF_INIT, content = BUF_INIT;
        for (size_t i = 0; i < nrefs && content_read < MAX_CONTENT; i++) {
            long off = refs[i] > 0 && (size_t)refs[i] < nobjs ? objs[refs[i]] - 1 : -1;
            buf_clear(&content);
            if (off >= 0 && stream_of(d, len, off, &content) && content.data)
                content_text(content.data, content.len, &text);
            content_read += content.len;
        }
        buf_free(&content);
        char **grown = realloc(*pages, (*npages + 1) * sizeof *grown);
        if (!grown) {
            buf_free(&text);
            break;
        }
        *pages = grown;
        (*pages)[(*npages)++] = text.data ? buf_release(&text) : strdup("");
        with_text += (*pages)[*npages - 1] && (*pages)[*npages - 1][0];
    }
    free(objs);
    return with_text;
}

void lp_pdf_free(char **pages, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(pages[i]);
    free(pages);
}
