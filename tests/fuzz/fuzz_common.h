/* Helpers shared by the libFuzzer harnesses (tests/fuzz only).
 *
 * The servers read requests through libmicrohttpd; a harness cannot open a
 * real connection per input, so fuzz_common.c stands in for the one piece of
 * libmicrohttpd the handlers consult for request data: the header and
 * query-argument lookups. A fake srv_req then carries the path, method,
 * body, headers and query the harness chose, and the project's own handlers
 * run on it unchanged. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "srv_internal.h"

/* A failed property is a finding: report it the way a sanitizer would, and
 * let libFuzzer save the input. */
#define FUZZ_CHECK(cond)                                                                                     \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);                      \
            abort();                                                                                         \
        }                                                                                                    \
    } while (0)

/* Out of memory is not what these harnesses look for. */
void *fuzz_xmalloc(size_t n);

/* An exact-size heap copy of the input (no NUL after it), so ASan sees any
 * read past the end; fuzz_cstr is the same with a NUL, for C-string APIs. */
char *fuzz_copy(const unsigned char *data, size_t size);
char *fuzz_cstr(const unsigned char *data, size_t size);

/* Next field of the input, up to `sep` (or the end); false when none is
 * left. The field is *data..*data+*len and is not NUL-terminated. */
bool fuzz_field(const unsigned char **in, size_t *left, unsigned char sep, const unsigned char **data,
                size_t *len);

/* A request made by the server's own req_new on a fake connection: an
 * inaccessible page, so libmicrohttpd touching it for anything but the
 * lookups below crashes at once. */
srv_req *fuzz_req_new(const char *method, const char *path, const char *body, size_t body_len);
void fuzz_req_free(srv_req *r);

/* Values the lookups return: name/value pairs kept by pointer until reset.
 * A header name matches case-insensitively, a query name exactly. */
void fuzz_headers_reset(void);
bool fuzz_header_add(const char *name, const char *value);
bool fuzz_query_add(const char *name, const char *value);
/* The first query value of that name (what the handlers get), or NULL. */
const char *fuzz_query_get(const char *name);

/* Is text[0..len) one whole JSON value? text[len] must be its NUL (as a buf's is). */
bool fuzz_json_valid(const char *text, size_t len);

/* A server-sent event stream as mock_openai writes it: each event
 * "data: {...}\n\n" holds one JSON value, the last is "data: [DONE]". */
void fuzz_sse_check(const buf *b);

#endif
