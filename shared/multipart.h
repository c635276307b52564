/* multipart: form bodies (multipart/form-data or urlencoded) read as they
 * stream in, with libmicrohttpd's post processor; nothing is buffered whole.
 *
 * Each field's value arrives in one or more chunks, in order:
 *
 *     static bool on_part(void *ctx, const srv_part *p) {
 *         // p->name "file", p->filename "a.pdf", p->data/p->len at p->offset
 *     }
 *     srv_multipart *mp = srv_multipart_new(r, on_part, ctx);   // NULL: not a form
 *     srv_multipart_feed(mp, data, len);                        // per body chunk
 *     if (!srv_multipart_finish(mp)) ...;                       // truncated form
 *     srv_multipart_free(mp);
 */
#ifndef MW_MULTIPART_H
#define MW_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server.h"

typedef struct srv_part {
    const char *name;
    const char *filename;     /* NULL for a plain field */
    const char *content_type; /* NULL when not given */
    const char *data;
    uint64_t offset; /* of this chunk within the field's value */
    size_t len;
} srv_part;

typedef bool (*srv_part_fn)(void *ctx, const srv_part *part);
typedef struct srv_multipart srv_multipart;

srv_multipart *srv_multipart_new(srv_req *r, srv_part_fn fn, void *ctx);

/* False once the body is malformed or the callback asked to stop. */
bool srv_multipart_feed(srv_multipart *mp, const char *data, size_t len);

/* After the last chunk: true when the form was whole (a cut-off body ends
 * inside a part and gives false). Then free. */
bool srv_multipart_finish(srv_multipart *mp);

void srv_multipart_free(srv_multipart *mp);

#endif
