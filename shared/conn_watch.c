/* Request deadlines. libmicrohttpd's own idle timeout restarts with every
 * byte received, so a client that sends its request a byte at a time
 * (slowloris) would hold its connection forever. Each connection is
 * watched here: its head must arrive within the idle timeout, and its body
 * must keep coming (server.c re-arms the deadline as it does), checked by
 * a sweep on the server's timer. */
#include <stdlib.h>
#include <sys/socket.h>

#include "log.h"
#include "srv_internal.h"

#define SWEEP_MS 100u /* how often request heads are checked against their deadline */

struct conn_watch {
    conn_watch *prev, *next;
    int fd;
    _Atomic uint64_t head_due_ms; /* 0 while a request is being served */
    bool cut;
};

static uint64_t head_deadline(const srv *s)
{
    return timer_now_ms() + (uint64_t)s->cfg.idle_timeout_s * 1000u;
}

void conn_watch_head(srv *s, struct MHD_Connection *conn, bool waiting)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn_watch *w = ci ? ci->socket_context : NULL;
    if (w)
        atomic_store(&w->head_due_ms, waiting ? head_deadline(s) : 0);
}

static void unwatch(srv *s, conn_watch *w)
{
    pthread_mutex_lock(&s->watch_lock); /* libmicrohttpd closes the socket after this returns */
    if (w->prev)
        w->prev->next = w->next;
    else
        s->watches = w->next;
    if (w->next)
        w->next->prev = w->prev;
    pthread_mutex_unlock(&s->watch_lock);
    free(w);
}

void conn_watch_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode code)
{
    srv *s = cls;
    conn_watch *w = *socket_context;
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        atomic_fetch_sub(&s->connections, 1);
        if (w)
            unwatch(s, w);
        *socket_context = NULL;
        return;
    }
    atomic_fetch_add(&s->connections, 1);
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (s->cfg.idle_timeout_s == 0 || !ci || !(w = calloc(1, sizeof *w)))
        return; /* unwatched: libmicrohttpd's own idle timeout still applies */
    w->fd = ci->connect_fd;
    atomic_init(&w->head_due_ms, head_deadline(s));
    pthread_mutex_lock(&s->watch_lock);
    w->next = s->watches;
    if (w->next)
        w->next->prev = w;
    s->watches = w;
    pthread_mutex_unlock(&s->watch_lock);
    *socket_context = w;
}

/* Cut connections whose request head is overdue. shutdown() makes the
 * connection's own thread read end-of-stream and close it; the lock keeps
 * the socket from being closed (and its number reused) meanwhile. */
static void sweep(void *arg)
{
    srv *s = arg;
    uint64_t now = timer_now_ms();
    pthread_mutex_lock(&s->watch_lock);
    for (conn_watch *w = s->watches; w; w = w->next) {
        uint64_t due = atomic_load(&w->head_due_ms);
        if (!w->cut && due && now >= due) {
            w->cut = true;
            shutdown(w->fd, SHUT_RDWR);
            log_msg(LOG_DEBUG, "request head not complete within the idle timeout: connection closed");
        }
    }
    pthread_mutex_unlock(&s->watch_lock);
    if (!srv_stopping(s) && !timer_add(s->timers, now + SWEEP_MS, sweep, s))
        log_msg(LOG_WARN, "out of memory: request-head deadlines are no longer enforced");
}

void conn_watch_start(srv *s)
{
    if (s->cfg.idle_timeout_s && !timer_add(s->timers, timer_now_ms() + SWEEP_MS, sweep, s))
        log_msg(LOG_WARN, "out of memory: request-head deadlines are not enforced");
}
