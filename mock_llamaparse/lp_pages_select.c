#include "lp_pages_select.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One number of a list: digits only, as the service reads them. */
static bool number(const char **p, long *out)
{
    while (**p == ' ')
        (*p)++;
    if (!isdigit((unsigned char)**p))
        return false;
    char *end;
    errno = 0;
    *out = strtol(*p, &end, 10);
    *p = end;
    while (**p == ' ')
        (*p)++;
    return errno == 0;
}

/* Mark lo..hi (already 0-based) in the set; false on a repeat when they
 * are errors. */
static bool mark(unsigned char *set, long lo, long hi, bool dup_error)
{
    for (long i = lo; i <= hi; i++) {
        if (set[i] && dup_error)
            return false;
        set[i] = 1;
    }
    return true;
}

/* The set as ranges: "0,2-4". */
static char *ranges(const unsigned char *set)
{
    buf b = BUF_INIT;
    for (long i = 0; i < LP_PAGES_MAX; i++) {
        if (!set[i])
            continue;
        long j = i;
        while (j + 1 < LP_PAGES_MAX && set[j + 1])
            j++;
        buf_printf(&b, j > i ? "%s%ld-%ld" : "%s%ld", b.len ? "," : "", i, j);
        i = j;
    }
    return b.data ? buf_release(&b) : strdup("");
}

static bool parse_into(unsigned char *set, const char *spec, int base, char *err, size_t errlen)
{
    for (const char *p = spec;;) {
        long lo, hi;
        if (!number(&p, &lo)) {
            snprintf(err, errlen, "target pages must be numbers or ranges separated by commas, e.g. '%s'",
                     base ? "1,3,5-8" : "0,2,4-7");
            return false;
        }
        hi = lo;
        if (*p == '-' && (p++, !number(&p, &hi))) {
            snprintf(err, errlen, "a page range needs two numbers, e.g. '%s'", base ? "5-8" : "4-7");
            return false;
        }
        if (lo < base || hi < lo || hi - base >= LP_PAGES_MAX) {
            snprintf(err, errlen, "page %ld-%ld is out of range: pages count from %d, up to %d", lo, hi, base,
                     LP_PAGES_MAX - 1 + base);
            return false;
        }
        if (!mark(set, lo - base, hi - base, base == 1)) {
            snprintf(err, errlen, "a page is named twice in the target pages");
            return false;
        }
        if (!*p)
            return true;
        if (*p++ != ',') {
            snprintf(err, errlen, "target pages are separated by commas");
            return false;
        }
    }
}

bool lp_pages_canon(const char *spec, int base, char **out, char *err, size_t errlen)
{
    *out = NULL;
    unsigned char *set = calloc(LP_PAGES_MAX, 1);
    if (!set) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    bool ok = parse_into(set, spec, base, err, errlen);
    if (ok && !(*out = ranges(set))) {
        snprintf(err, errlen, "out of memory");
        ok = false;
    }
    free(set);
    return ok;
}

size_t lp_page_number(const lp_doc *d, size_t i)
{
    return d->numbers ? d->numbers[i] : i + 1;
}

bool lp_doc_select(lp_doc *d, const char *canon, long max)
{
    unsigned char *set = canon ? calloc(LP_PAGES_MAX, 1) : NULL;
    size_t *numbers = malloc((d->npages ? d->npages : 1) * sizeof *numbers);
    char err[128];
    bool ok = numbers && (!canon || (set && parse_into(set, canon, 0, err, sizeof err)));
    size_t kept = 0;
    for (size_t i = 0; ok && i < d->npages; i++) {
        bool keep = (!canon || (i < LP_PAGES_MAX && set[i])) && (max <= 0 || kept < (size_t)max);
        if (!keep) {
            lp_doc_drop_page(d, i);
            continue;
        }
        numbers[kept] = lp_page_number(d, i);
        d->pages[kept++] = d->pages[i];
    }
    free(set);
    if (!ok) {
        free(numbers);
        return false;
    }
    d->npages = kept;
    free(d->numbers);
    d->numbers = numbers;
    return true;
}

void lp_page_framed(buf *out, const char *s, size_t n)
{
    static const char mark_text[] = "{pageNumber}";
    for (const char *hit; (hit = strstr(s, mark_text)); s = hit + sizeof mark_text - 1) {
        buf_append(out, s, (size_t)(hit - s));
        buf_printf(out, "%zu", n);
    }
    buf_puts(out, s);
}
