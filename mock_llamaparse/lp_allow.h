/* lp_allow: which hosts mock_llamaparse may reach on its own: --fetch-allow
 * for documents given by URL, --webhook-allow for webhooks. The host is the
 * one libcurl's own URL parser reads, so no other reading of the URL can
 * smuggle a different host past the check.
 *
 *     char why[160];
 *     if (!lp_allow_host(allow, "http://example.com/x.pdf", "--fetch-allow", why, sizeof why))
 *         fail(why);   // "host example.com is not in --fetch-allow"
 */
#ifndef LP_ALLOW_H
#define LP_ALLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

/* True when allow is NULL or empty (any host), or the URL's host matches
 * one of its fnmatch patterns, case-insensitively. Otherwise false with
 * the reason in why, naming the flag. */
bool lp_allow_host(const cli_list *allow, const char *url, const char *flag, char *why, size_t n);

#endif
