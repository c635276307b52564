/* lp_files_store: the files of the Files API (/api/v1/beta/files and
 * /api/v1/files), held in memory. Bounded: at most max_files, each kept for
 * ttl_ms from its creation (its expires_at); an expired file is gone from
 * every look-up, and a full store of live files refuses new ones (the caller
 * answers 429). A file made by the presigned PUT flow has no bytes until
 * they are PUT to its URL.
 *
 *     lp_files *s = lp_files_new(1000, 1 << 30, 3600 * 1000);
 *     lp_file *f = lp_file_new("a.pdf", "parse");
 *     lp_file_set_bytes(f, data, len);
 *     lp_files_add(s, f);                      // the store owns it now
 *     lp_files_with(s, id, write_json, &out);  // under the store's lock
 */
#ifndef LP_FILES_STORE_H
#define LP_FILES_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"

#define LP_PROJECT_ID "00000000-0000-4000-8000-000000000001"
#define LP_ORG_ID "00000000-0000-4000-8000-000000000002"

typedef struct lp_file {
    char id[37];
    char token[33];      /* the secret part of its presigned URLs */
    char *name;
    char *purpose;       /* NULL for /api/v1/files */
    char *external_id;   /* or NULL */
    char *test_id;       /* the x-test-id of the request that made it, or NULL */
    char *data;          /* NULL until uploaded */
    size_t len;
    bool uploaded;
    time_t created_at;   /* wall clock, for the API's dates */
    uint64_t created_ms; /* monotonic: the TTL runs on it */
    uint64_t seq;        /* creation order, for listing */
} lp_file;

typedef struct lp_files lp_files;
typedef void (*lp_file_fn)(const lp_file *f, void *ctx);

/* A file with a fresh id and token, no bytes yet, made by test_id's
 * requests (NULL: none); NULL when out of memory. */
lp_file *lp_file_new(const char *name, const char *purpose, const char *external_id, const char *test_id);
/* Copy the bytes in; false when out of memory. */
bool lp_file_set_bytes(lp_file *f, const char *data, size_t len);
void lp_file_free(lp_file *f);

lp_files *lp_files_new(size_t max_files, size_t max_bytes, uint64_t ttl_ms);
void lp_files_free(lp_files *s);
/* Drop every file, or (test_id not NULL) every file that test made (a
 * reset hook: takes the store as void *). */
void lp_files_clear(void *s, const char *test_id);

/* Take the file (the store owns it on success); false when full (of
 * files, or of bytes). */
bool lp_files_add(lp_files *s, lp_file *f);
/* Run fn on a live file under the lock; false when there is none. */
bool lp_files_with(lp_files *s, const char *id, lp_file_fn fn, void *ctx);
/* Run fn on every live file (or every one test_id made), oldest first,
 * under the lock. */
void lp_files_each(lp_files *s, const char *test_id, lp_file_fn fn, void *ctx);
bool lp_files_remove(lp_files *s, const char *id);

/* The presigned PUT: store the bytes of file id when token is its token
 * (NULL: the mock's own fetch, unchecked). 0 done, 404 no such file or a
 * wrong token, 429 over the store's bytes, 500 out of memory. */
int lp_files_put(lp_files *s, const char *id, const char *token, const char *data, size_t len);

/* A copy of an uploaded file's bytes and name (the caller frees both);
 * false when there is no such file, it has no bytes yet, or no memory. */
bool lp_files_copy(lp_files *s, const char *id, char **data, size_t *len, char **name);

/* The TTL, for expires_at. */
uint64_t lp_files_ttl_ms(const lp_files *s);

#endif
