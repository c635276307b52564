/* rawhttp: a tiny blocking HTTP/1.1 client over plain sockets for the
 * server tests (the point is to see exactly what goes over the wire). */
#ifndef MW_RAWHTTP_H
#define MW_RAWHTTP_H

#include <stdbool.h>
#include <stddef.h>

int raw_connect(unsigned port);
bool raw_send(int fd, const char *data, size_t len);

/* Read one full response (headers + Content-Length body) into out (NUL
 * terminated); returns its status code, or -1 on error/EOF. */
int raw_read_response(int fd, char *out, size_t cap);

/* Read until the peer closes; returns bytes read (out NUL-terminated) and
 * sets *reset when the connection ended with a reset (ECONNRESET). */
size_t raw_read_all(int fd, char *out, size_t cap, bool *reset);

/* Connect, send, read one response, close. */
int raw_request(unsigned port, const char *req, char *out, size_t cap);

/* Body of a response read by raw_read_response. */
const char *raw_body(const char *resp);

#endif
