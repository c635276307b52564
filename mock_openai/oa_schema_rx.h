/* Reading ECMAScript regular expressions, shared by the generator
 * (oa_schema_regex.c) and the matcher (oa_schema_match.c). Internal. */
#ifndef OA_SCHEMA_RX_H
#define OA_SCHEMA_RX_H

#include <stdbool.h>
#include <stddef.h>

#define RX_MAX_REPEAT 2000
#define RX_MAX_RANGES 128

/* A character class as code point ranges. \D \W \S add only part of what
 * they allow (enough to pick from), and are refused in a negated class. */
typedef struct rx_cls {
    unsigned lo[RX_MAX_RANGES], hi[RX_MAX_RANGES];
    int n;
    bool neg;
    bool partial; /* holds \D, \W or \S: fine to pick from, not to match with */
} rx_cls;

/* One UTF-8 sequence at p (not past e): its code point, its length. */
size_t rx_utf8_at(const char *p, const char *e, unsigned *cp);
/* Length of the escape at p ("\\..."), 0 if it is cut short. */
size_t rx_escape_len(const char *p, const char *e);
/* Just past the atom at p (a character, escape, class or group), or NULL
 * when a group or class is not closed. */
const char *rx_atom_end(const char *p, const char *e);
/* The code point of a literal escape (\n, \x41, \.); false for an
 * escape that is not one (\d, \1, \p...). */
bool rx_escape_cp(const char *p, const char *e, unsigned *cp, bool in_cls);
/* The class between [ and ] (p..e); false when beyond the subset. */
bool rx_class_parse(rx_cls *c, const char *p, const char *e);
/* Whether cp is in the ranges (negation not applied). */
bool rx_in_class(const rx_cls *c, unsigned cp);
/* A quantifier at p: lo / hi (hi < 0: open), its end; p itself when none. */
const char *rx_quantifier(const char *p, const char *e, long *lo, long *hi);

#endif
