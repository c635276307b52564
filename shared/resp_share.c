/* Answers that share bytes instead of copying them (srv_resp_share).
 *
 * Why: 3,000 held embeddings requests released in the same millisecond each
 * built a 20 KB copy of the same cached vector text, and those copies, not
 * the held connections, set the process's peak memory while a slow client
 * read them. A piece records where in r->resp it goes and who owns its
 * bytes; the normal delivery sends the buffer's runs and the pieces as one
 * I/O vector (libmicrohttpd's sendmsg path), so nothing is copied, and the
 * owners are released when libmicrohttpd is done with the response. */
#include <stdlib.h>
#include <string.h>

#include "srv_internal.h"

typedef struct resp_share {
    size_t at; /* offset in r->resp the piece comes before */
    const char *data;
    size_t len;
    void (*release)(void *);
    void *owner;
} resp_share;

/* What libmicrohttpd frees with an I/O-vector response: the buffer whose
 * runs it sends and the pieces' owners. */
typedef struct share_body {
    char *data;
    resp_share *shares;
    size_t n;
} share_body;

static void release_all(resp_share *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i].release(p[i].owner);
}

bool srv_resp_share(srv_req *r, const char *data, size_t len, void (*release)(void *), void *owner)
{
    if (r->nshares == SRV_RESP_SHARE_MAX)
        return false;
    /* Grown by doubling from 2: most answers share one piece or two, and
     * thousands of them may wait at once. */
    if (r->nshares == 0 || (r->nshares >= 2 && (r->nshares & (r->nshares - 1)) == 0)) {
        size_t cap = r->nshares ? r->nshares * 2 : 2;
        resp_share *p = realloc(r->shares, cap * sizeof *p);
        if (!p)
            return false;
        r->shares = p;
    }
    r->shares[r->nshares++] = (resp_share){r->resp.len, data, len, release, owner};
    return true;
}

/* Pieces placed past the buffer's end (a handler cleared the body by hand,
 * against srv_resp_share's contract) are left out rather than read out of
 * bounds. */
static size_t live_count(const srv_req *r)
{
    size_t n = 0;
    while (n < r->nshares && r->shares[n].at <= r->resp.len)
        n++;
    return n;
}

size_t resp_share_len(const srv_req *r)
{
    size_t len = r->resp.len;
    for (size_t i = 0, n = live_count(r); i < n; i++)
        len += r->shares[i].len;
    return len;
}

void resp_share_drop(srv_req *r)
{
    release_all(r->shares, r->nshares);
    free(r->shares);
    r->shares = NULL;
    r->nshares = 0;
}

bool resp_share_flatten(srv_req *r)
{
    if (!r->nshares)
        return true;
    buf out = BUF_INIT;
    size_t from = 0, n = live_count(r);
    bool ok = buf_reserve(&out, resp_share_len(r)) != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        ok = buf_append(&out, r->resp.data + from, r->shares[i].at - from) &&
             buf_append(&out, r->shares[i].data, r->shares[i].len);
        from = r->shares[i].at;
    }
    ok = ok && buf_append(&out, r->resp.data + from, r->resp.len - from);
    resp_share_drop(r);
    if (!ok) {
        buf_free(&out);
        return false;
    }
    buf_free(&r->resp);
    r->resp = out;
    return true;
}

static void free_share_body(void *cls)
{
    share_body *sb = cls;
    release_all(sb->shares, sb->n);
    free(sb->shares);
    free(sb->data);
    free(sb);
}

/* The body as runs of the buffer between the pieces; empty runs left out. */
static unsigned fill_vector(const srv_req *r, size_t n, struct MHD_IoVec *iov)
{
    unsigned k = 0;
    size_t from = 0;
    for (size_t i = 0; i <= n; i++) {
        size_t to = i < n ? r->shares[i].at : r->resp.len;
        if (to > from)
            iov[k++] = (struct MHD_IoVec){r->resp.data + from, to - from};
        if (i < n && r->shares[i].len)
            iov[k++] = (struct MHD_IoVec){r->shares[i].data, r->shares[i].len};
        from = to;
    }
    return k;
}

struct MHD_Response *resp_share_response(srv_req *r)
{
    size_t n = live_count(r);
    struct MHD_IoVec iov[2 * SRV_RESP_SHARE_MAX + 1];
    share_body *sb = malloc(sizeof *sb);
    if (!sb)
        return NULL;
    unsigned k = fill_vector(r, n, iov);
    struct MHD_Response *resp = MHD_create_response_from_iovec(iov, k, free_share_body, sb);
    if (!resp) {
        free(sb);
        return NULL; /* r still owns everything; req_free releases it */
    }
    release_all(r->shares + n, r->nshares - n);
    *sb = (share_body){buf_release(&r->resp), r->shares, n};
    r->shares = NULL;
    r->nshares = 0;
    return resp;
}
