/* Delimited text (csv, tsv) to a markdown table. */
#include <stdbool.h>
#include <string.h>

#include "lp_content.h"

/* Read one cell at *p (RFC 4180 quoting for ','), append it escaped for a
 * markdown cell, and stop after the separator; *row_end set at end of line. */
static void read_cell(buf *out, const char **p, const char *end, char sep, bool *row_end)
{
    const char *s = *p;
    bool quoted = sep == ',' && s < end && *s == '"';
    if (quoted)
        s++;
    for (; s < end; s++) {
        char c = *s;
        if (quoted && c == '"') {
            if (s + 1 < end && s[1] == '"') {
                buf_append(out, "\"", 1);
                s++;
                continue;
            }
            quoted = false;
            continue;
        }
        if (!quoted && (c == sep || c == '\n' || c == '\r'))
            break;
        if (c == '|')
            buf_append(out, "\\|", 2);
        else if (c == '\n' || c == '\r')
            buf_append(out, " ", 1); /* a quoted line break: one markdown row per record */
        else
            buf_append(out, &c, 1);
    }
    *row_end = s >= end || *s != sep;
    /* CRLF is one line break; a lone CR is one too, and what follows it
     * starts the next row (skipping a byte after it lost that byte). */
    if (s + 1 < end && s[0] == '\r' && s[1] == '\n')
        s++;
    *p = s < end ? s + 1 : s;
}

void lp_table_md(buf *out, const char *data, size_t len, char sep)
{
    const char *p = data, *end = data + len;
    size_t row = 0, cols = 0;
    while (p < end) {
        if (*p == '\n' || *p == '\r') { /* blank line */
            p++;
            continue;
        }
        size_t n = 0;
        bool row_end = false;
        buf_append(out, "|", 1);
        while (!row_end) {
            buf_append(out, " ", 1);
            read_cell(out, &p, end, sep, &row_end);
            buf_append(out, " |", 2);
            n++;
        }
        buf_append(out, "\n", 1);
        if (row++ == 0) {
            cols = n;
            buf_append(out, "|", 1);
            for (size_t i = 0; i < cols; i++)
                buf_append(out, " --- |", 6);
            buf_append(out, "\n", 1);
        }
    }
}
