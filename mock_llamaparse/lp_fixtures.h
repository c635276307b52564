/* lp_fixtures: parse results pinned by the user. With --fixtures DIR, a file
 * there named after the upload (<name>.md, <name>.json) or its content
 * (<sha256>.md, <sha256>.json) is the result instead of our own parse:
 * markdown pages split at "\n---\n", or JSON pages [{"md":..,"text":..}]
 * (or {"pages":[...]}). Only plain names are looked up (no '/' or ".."), so
 * a request can never read outside DIR.
 *
 *     lp_doc *d = lp_fixture_doc("fixtures", "claims.csv", bytes, len);  // NULL: none
 */
#ifndef LP_FIXTURES_H
#define LP_FIXTURES_H

#include <stddef.h>

#include "lp_content.h"

lp_doc *lp_fixture_doc(const char *dir, const char *filename, const char *data, size_t len);

/* Hex SHA-256 of data into out[65] (lp_webhook.c holds the OpenSSL calls). */
void lp_sha256_hex(const char *data, size_t len, char out[65]);

#endif
