/* buf: a growable byte buffer written in place (the shape of Redis sds).
 *
 * The hot path asks for room first, writes straight into buf_tail(), then
 * advances the length, so a response is built with no intermediate copies:
 *
 *     char *p = buf_reserve(&b, 32);   // room for 32 more bytes, or NULL
 *     size_t n = fmt_float(p, v);      // write into place
 *     buf_advance(&b, n);              // commit what was written
 *
 * The data is always NUL-terminated after `len` when `cap > 0`, so it can be
 * handed to C string functions. A buf owns its memory; buf_release() hands the
 * memory to a new owner (for example libmicrohttpd's free callback). */
#ifndef MW_BUF_H
#define MW_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct buf {
    char *data;
    size_t len;
    size_t cap; /* usable bytes, excluding the NUL kept at data[len] */
} buf;

#define BUF_INIT {NULL, 0, 0}

/* Make room for at least `n` more bytes after len; returns the write position
 * (data + len) or NULL when memory is exhausted (the buffer is unchanged). */
char *buf_reserve(buf *b, size_t n);

/* Commit `n` bytes written at buf_reserve()'s pointer. n must fit the room. */
void buf_advance(buf *b, size_t n);

/* Append bytes / a C string / a formatted string. Return false on OOM. */
bool buf_append(buf *b, const void *p, size_t n);
bool buf_puts(buf *b, const char *s);
bool buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append v in decimal, without printf's machinery (hot loops that write a
 * number per item). False on OOM.
 *
 *     buf_put_u64(&b, 36 + line * 14);   // "50"
 */
bool buf_put_u64(buf *b, unsigned long long v);

/* Append `s` as a JSON string literal, quotes included, escaping as RFC 8259
 * requires. Invalid UTF-8 bytes become U+FFFD, so the output is always valid JSON. */
bool buf_json_str(buf *b, const char *s, size_t n);

/* Forget the content but keep the memory: buf_clear(&b) then reuse. */
void buf_clear(buf *b);

/* Give the memory away: returns data (maybe NULL when empty) and resets b. */
char *buf_release(buf *b);

void buf_free(buf *b);

#endif
