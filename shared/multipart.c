#include "multipart.h"

#include <stdlib.h>

#include "srv_internal.h"

#define PP_BUFFER 16384

struct srv_multipart {
    struct MHD_PostProcessor *pp;
    srv_part_fn fn;
    void *ctx;
    bool ok;
};

static enum MHD_Result on_data(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                               const char *content_type, const char *transfer_encoding, const char *data,
                               uint64_t off, size_t size)
{
    (void)kind;
    (void)transfer_encoding;
    srv_multipart *mp = cls;
    /* A part without a Content-Disposition name (libmicrohttpd passes a NULL
     * key) cannot be a form field: the form is malformed. */
    if (!key)
        mp->ok = false;
    srv_part p = {key, filename, content_type, data, off, size};
    if (mp->ok && !mp->fn(mp->ctx, &p))
        mp->ok = false;
    return mp->ok ? MHD_YES : MHD_NO;
}

srv_multipart *srv_multipart_new(srv_req *r, srv_part_fn fn, void *ctx)
{
    srv_multipart *mp = calloc(1, sizeof *mp);
    if (!mp)
        return NULL;
    mp->fn = fn;
    mp->ctx = ctx;
    mp->ok = true;
    mp->pp = MHD_create_post_processor(r->conn, PP_BUFFER, on_data, mp);
    if (!mp->pp) { /* not a form content type */
        free(mp);
        return NULL;
    }
    return mp;
}

bool srv_multipart_feed(srv_multipart *mp, const char *data, size_t len)
{
    if (mp->ok && MHD_post_process(mp->pp, data, len) != MHD_YES)
        mp->ok = false;
    return mp->ok;
}

bool srv_multipart_finish(srv_multipart *mp)
{
    if (mp->pp && MHD_destroy_post_processor(mp->pp) != MHD_YES)
        mp->ok = false;
    mp->pp = NULL;
    return mp->ok;
}

void srv_multipart_free(srv_multipart *mp)
{
    if (!mp)
        return;
    if (mp->pp)
        MHD_destroy_post_processor(mp->pp);
    free(mp);
}
