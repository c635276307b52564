#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "isotime.h"
#include "worker.h"

#define LINE_MAX_BYTES 2048
#define FLUSH_EVERY_MS 50
#define FLUSH_AT_BYTES (64u << 10)

/* The process has one log stream, so one logger: the lock guards `pending`
 * and the flags, the flusher swaps `pending` out and writes it unlocked. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool running, stop;
    buf pending;
    size_t dropped;
    int fd;
    log_format fmt;
    log_level lvl;
} L = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, false, false,
       BUF_INIT, 0, STDERR_FILENO, LOG_TEXT, LOG_INFO};

static const char *level_names[] = {"debug", "info", "warn", "error", "off"};

bool log_parse_level(const char *s, log_level *out)
{
    for (int i = 0; i <= LOG_OFF; i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (log_level)i;
            return true;
        }
    }
    return false;
}

bool log_parse_format(const char *s, log_format *out)
{
    if (strcmp(s, "text") == 0)
        *out = LOG_TEXT;
    else if (strcmp(s, "json") == 0)
        *out = LOG_JSON;
    else
        return false;
    return true;
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* nowhere to report a failing log stream */
        p += w;
        n -= (size_t)w;
    }
}

static void *flusher(void *arg)
{
    (void)arg;
    buf out = BUF_INIT;
    pthread_mutex_lock(&L.lock);
    for (;;) {
        if (L.pending.len == 0 && !L.stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += FLUSH_EVERY_MS * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&L.wake, &L.lock, &ts);
        }
        buf tmp = L.pending; /* swap: writers keep appending meanwhile */
        L.pending = out;
        out = tmp;
        bool stop = L.stop;
        pthread_mutex_unlock(&L.lock);
        if (out.len)
            write_all(L.fd, out.data, out.len);
        buf_clear(&out);
        pthread_mutex_lock(&L.lock);
        if (stop && L.pending.len == 0)
            break;
    }
    pthread_mutex_unlock(&L.lock);
    buf_free(&out);
    return NULL;
}

bool log_init(log_format fmt, log_level lvl, int fd)
{
    pthread_mutex_lock(&L.lock);
    L.fmt = fmt;
    L.lvl = lvl;
    L.fd = fd;
    L.stop = false;
    bool ok = L.running || thread_spawn(&L.thread, flusher, NULL);
    L.running = ok;
    pthread_mutex_unlock(&L.lock);
    return ok;
}

void log_configure(log_format fmt, log_level lvl)
{
    pthread_mutex_lock(&L.lock);
    L.fmt = fmt;
    L.lvl = lvl;
    pthread_mutex_unlock(&L.lock);
}

void log_shutdown(void)
{
    pthread_mutex_lock(&L.lock);
    bool was = L.running;
    L.stop = true;
    pthread_cond_signal(&L.wake);
    pthread_mutex_unlock(&L.lock);
    if (was)
        pthread_join(L.thread, NULL);
    pthread_mutex_lock(&L.lock);
    L.running = false;
    if (L.pending.len)
        write_all(L.fd, L.pending.data, L.pending.len);
    buf_free(&L.pending);
    pthread_mutex_unlock(&L.lock);
}

/* Whether lvl is logged, and in which format, read together under the lock. */
static bool enabled(log_level lvl, bool *json)
{
    pthread_mutex_lock(&L.lock);
    bool on = lvl >= L.lvl && lvl != LOG_OFF;
    *json = L.fmt == LOG_JSON;
    pthread_mutex_unlock(&L.lock);
    return on;
}

bool log_enabled(log_level lvl)
{
    bool json;
    return enabled(lvl, &json);
}

size_t log_dropped(void)
{
    pthread_mutex_lock(&L.lock);
    size_t d = L.dropped;
    pthread_mutex_unlock(&L.lock);
    return d;
}

static void emit(const char *line, size_t n)
{
    pthread_mutex_lock(&L.lock);
    if (!L.running) {
        write_all(L.fd, line, n);
    } else if (L.pending.len + n > LOG_MAX_PENDING || !buf_append(&L.pending, line, n)) {
        L.dropped++;
    } else if (L.pending.len >= FLUSH_AT_BYTES) {
        pthread_cond_signal(&L.wake);
    }
    pthread_mutex_unlock(&L.lock);
}

/* ISO-8601 UTC with milliseconds: 2026-11-28T21:08:57.123Z (24 chars). */
static size_t put_time(char *p, size_t cap)
{
    char t[ISO_TIME_LEN];
    size_t n = iso_time_now(t, 3);
    return (size_t)snprintf(p, cap, "%s", t) < cap ? n : 0;
}

/* Copy s for a log line, escaped for JSON (json) or with control bytes
 * replaced (text), truncated to fit; returns bytes written. */
static size_t put_escaped(char *p, size_t cap, const char *s, bool json)
{
    size_t o = 0;
    for (; *s && o + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (json && (c == '"' || c == '\\')) {
            p[o++] = '\\';
            p[o++] = (char)c;
        } else if (c < 0x20 || c == 0x7f || (json && c >= 0x80)) {
            o += (size_t)snprintf(p + o, cap - o, json ? "\\u%04x" : "\\x%02x", c);
        } else {
            p[o++] = (char)c;
        }
    }
    return o;
}

void log_msg(log_level lvl, const char *fmt, ...)
{
    bool json;
    if (!enabled(lvl, &json))
        return;
    char msg[LINE_MAX_BYTES / 2], line[LINE_MAX_BYTES];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t n = 0;
    if (json) {
        memcpy(line, "{\"ts\":\"", 7);
        n = 7 + put_time(line + 7, 40);
        n += (size_t)snprintf(line + n, sizeof line - n, "\",\"level\":\"%s\",\"msg\":\"", level_names[lvl]);
        n += put_escaped(line + n, sizeof line - n - 3, msg, true);
        memcpy(line + n, "\"}\n", 3);
        n += 3;
    } else {
        n = put_time(line, 40);
        n += (size_t)snprintf(line + n, sizeof line - n, " %s ", level_names[lvl]);
        n += put_escaped(line + n, sizeof line - n - 1, msg, false);
        line[n++] = '\n';
    }
    emit(line, n);
}

void log_request(const log_access *a)
{
    bool json;
    if (!enabled(LOG_INFO, &json))
        return;
    char line[LINE_MAX_BYTES], path[512], method[40];
    path[put_escaped(path, sizeof path, a->path, json)] = '\0';
    method[put_escaped(method, sizeof method, a->method, json)] = '\0';
    size_t n;
    if (json) {
        memcpy(line, "{\"ts\":\"", 7);
        n = 7 + put_time(line + 7, 40);
        n += (size_t)snprintf(line + n, sizeof line - n,
                              "\",\"level\":\"info\",\"request_id\":\"%s\",\"method\":\"%s\","
                              "\"path\":\"%s\",\"status\":%d,\"duration_ms\":%.3f,\"bytes\":%zu}\n",
                              a->request_id, method, path, a->status, a->duration_ms, a->bytes);
    } else {
        n = put_time(line, 40);
        n += (size_t)snprintf(line + n, sizeof line - n, " info %s %s %s %d %.3fms %zuB\n",
                              a->request_id, method, path, a->status, a->duration_ms, a->bytes);
    }
    emit(line, n < sizeof line ? n : sizeof line - 1);
}
