/* Fed bodies (srv_resp_feed): pieces written by another thread go out as
 * they come, chunked. The reader sends what is there; with nothing more
 * yet it suspends the connection, and the next write (or the end) resumes
 * it, so a slow feed holds no thread, as a drip does not. */
#include <stdlib.h>
#include <string.h>

#include "srv_internal.h"

struct srv_feed {
    pthread_mutex_t lock;
    buf data;       /* everything written so far */
    bool ended, complete;
    bool waiting;   /* the reader suspended its connection for more */
    int refs;       /* the writer's, and the request's (then the response's) */
    struct MHD_Connection *conn;
};

srv_feed *srv_resp_feed(srv_req *r)
{
    if (r->plan.delivery != SRV_DELIVER_NORMAL || r->feed)
        return NULL; /* a fault (or the handler) chose how the answer goes */
    srv_feed *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    pthread_mutex_init(&f->lock, NULL);
    f->refs = 2;
    f->conn = r->conn;
    r->feed = f;
    return f;
}

void feed_release(void *cls)
{
    srv_feed *f = cls;
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    bool last = --f->refs == 0;
    pthread_mutex_unlock(&f->lock);
    if (!last)
        return;
    buf_free(&f->data);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

/* Under the lock: a reader waiting for more gets it now. */
static void wake(srv_feed *f)
{
    if (!f->waiting)
        return;
    f->waiting = false;
    MHD_resume_connection(f->conn);
}

bool srv_feed_write(srv_feed *f, const char *data, size_t len)
{
    pthread_mutex_lock(&f->lock);
    bool ok = buf_append(&f->data, data, len);
    wake(f);
    pthread_mutex_unlock(&f->lock);
    return ok;
}

void srv_feed_end(srv_feed *f, bool complete)
{
    pthread_mutex_lock(&f->lock);
    f->ended = true;
    f->complete = complete;
    wake(f);
    pthread_mutex_unlock(&f->lock);
    feed_release(f);
}

static ssize_t read_feed(void *cls, uint64_t pos, char *out, size_t max)
{
    srv_feed *f = cls;
    ssize_t n;
    pthread_mutex_lock(&f->lock);
    if (pos < f->data.len) {
        size_t have = f->data.len - (size_t)pos;
        n = (ssize_t)(have < max ? have : max);
        memcpy(out, f->data.data + pos, (size_t)n);
    } else if (f->ended) {
        n = f->complete ? MHD_CONTENT_READER_END_OF_STREAM : MHD_CONTENT_READER_END_WITH_ERROR;
    } else {
        f->waiting = true;
        MHD_suspend_connection(f->conn);
        n = 0;
    }
    pthread_mutex_unlock(&f->lock);
    return n;
}

struct MHD_Response *feed_response(srv_req *r)
{
    srv_feed *f = r->feed;
    struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, read_feed, f, feed_release);
    if (resp)
        r->feed = NULL; /* the response holds the request's reference now */
    return resp;
}
