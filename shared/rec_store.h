/* rec_store: where recordings live and how they are written, for both
 * mocks' --record DIR.
 *
 * A recording's file name comes from a hash of what it answers (never a
 * time or a random part), so recording the same suite again rewrites the
 * same files; its JSON is pretty-printed with every object's keys sorted,
 * so a re-recording reads as a small diff. Requests carrying x-test-id
 * record into DIR/<test id> (the id made safe for a file name), the rest
 * into DIR itself.
 *
 *     char folder[4096], key[REC_KEY_LEN + 1];
 *     rec_folder(folder, sizeof folder, dir, srv_req_header(r, "x-test-id"));
 *     rec_key(normalised_request, key);
 *     rec_write(folder, name, doc, err, sizeof err);
 *     cJSON *doc = rec_read(folder, name);   // NULL: no such recording
 */
#ifndef MW_REC_STORE_H
#define MW_REC_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct cJSON;

#define REC_KEY_LEN 16

/* dir, or dir/<test id made safe>: characters other than letters, digits,
 * '.', '_' and '-' become '_' (and a leading '.'); an id that had to change
 * or be cut (at 100 bytes) gets "-<8 hex digits of its hash>" so two ids
 * never share a folder. False when it does not fit. */
bool rec_folder(char *out, size_t cap, const char *dir, const char *test_id);

/* The hash of v's canonical text (keys sorted, no spaces): 16 hex digits. */
void rec_key(const struct cJSON *v, char out[REC_KEY_LEN + 1]);
/* The canonical text itself (NULL when out of memory; caller frees). */
char *rec_canonical(const struct cJSON *v);

/* A deep copy of v with every object's keys in byte order. */
struct cJSON *rec_sorted(const struct cJSON *v);

/* Write doc to folder/name (folders made as needed), pretty-printed as it
 * is (sort with rec_sorted first; an upstream's answer kept in its own
 * order replays byte for byte), through a temporary file and a rename, so
 * a reader never sees half a recording. False with a message. */
bool rec_write(const char *folder, const char *name, const struct cJSON *doc, char *err, size_t errlen);

/* folder/name parsed, or NULL when absent or not JSON. */
struct cJSON *rec_read(const char *folder, const char *name);

#endif
