/* Values of the string formats structured outputs support, seeded; mail
 * and host names borrow a word of the conversation when it is plain ASCII. */
#include <stdio.h>
#include <string.h>

#include "oa_schema_int.h"

/* A lowercase ASCII word for names (user part, host label). */
static void name_word(sg *g, char *out, size_t cap)
{
    size_t n = 0;
    for (int tries = 0; tries < 4 && n == 0; tries++) {
        const sg_word *w = &g->words[sg_pick(g, g->nwords)];
        n = 0;
        for (size_t i = 0; i < w->n && n + 1 < cap; i++) {
            unsigned char ch = (unsigned char)w->p[i];
            if (ch >= 0x80) { /* not a plain label: try another word */
                n = 0;
                break;
            }
            out[n++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
        }
    }
    if (n == 0)
        n = (size_t)snprintf(out, cap, "user");
    out[n] = '\0';
}

static bool date_time(sg *g, buf *out, bool date, bool time)
{
    unsigned y = 2000 + (unsigned)sg_pick(g, 30), mo = 1 + (unsigned)sg_pick(g, 12), d = 1 + (unsigned)sg_pick(g, 28);
    unsigned h = (unsigned)sg_pick(g, 24), mi = (unsigned)sg_pick(g, 60), s = (unsigned)sg_pick(g, 60);
    bool ok = true;
    if (date)
        ok = buf_printf(out, "%04u-%02u-%02u", y, mo, d);
    if (ok && date && time)
        ok = buf_puts(out, "T");
    if (ok && time)
        ok = buf_printf(out, "%02u:%02u:%02uZ", h, mi, s);
    return ok;
}

static bool uuid(sg *g, buf *out)
{
    uint64_t a = sg_pick(g, UINT64_MAX), b = sg_pick(g, UINT64_MAX);
    return buf_printf(out, "%08llx-%04llx-4%03llx-%x%03llx-%012llx", (unsigned long long)(a >> 32),
                      (unsigned long long)((a >> 16) & 0xffff), (unsigned long long)(a & 0xfff),
                      8 + (unsigned)(b >> 62), (unsigned long long)((b >> 48) & 0xfff),
                      (unsigned long long)(b & 0xffffffffffffULL));
}

bool sg_format(sg *g, const char *format, buf *out)
{
    char w[32];
    if (!strcmp(format, "date-time"))
        return date_time(g, out, true, true) || (g->oom = true);
    if (!strcmp(format, "date"))
        return date_time(g, out, true, false) || (g->oom = true);
    if (!strcmp(format, "time"))
        return date_time(g, out, false, true) || (g->oom = true);
    bool ok = true;
    if (!strcmp(format, "duration")) {
        ok = buf_printf(out, "P%uDT%uH%uM", 1 + (unsigned)sg_pick(g, 30), (unsigned)sg_pick(g, 24), (unsigned)sg_pick(g, 60));
    } else if (!strcmp(format, "email") || !strcmp(format, "idn-email")) {
        name_word(g, w, sizeof w);
        ok = buf_printf(out, "%s@example.com", w);
    } else if (!strcmp(format, "hostname") || !strcmp(format, "idn-hostname")) {
        name_word(g, w, sizeof w);
        ok = buf_printf(out, "%s.example.com", w);
    } else if (!strcmp(format, "ipv4")) {
        ok = buf_printf(out, "10.%u.%u.%u", (unsigned)sg_pick(g, 256), (unsigned)sg_pick(g, 256), 1 + (unsigned)sg_pick(g, 254));
    } else if (!strcmp(format, "ipv6")) {
        ok = buf_printf(out, "2001:db8::%x:%x", (unsigned)sg_pick(g, 0x10000), 1 + (unsigned)sg_pick(g, 0xffff));
    } else if (!strcmp(format, "uuid")) {
        ok = uuid(g, out);
    } else if (!strcmp(format, "uri") || !strcmp(format, "iri") || !strcmp(format, "uri-reference") ||
               !strcmp(format, "iri-reference") || !strcmp(format, "url")) {
        name_word(g, w, sizeof w);
        ok = buf_printf(out, "https://example.com/%s", w);
    } else {
        return false;
    }
    if (!ok)
        g->oom = true;
    return true;
}
