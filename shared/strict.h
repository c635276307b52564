/* strict: the request-head checks RFC 9112 asks of a server, made before
 * a request is routed, for what libmicrohttpd 0.9.75 lets through. Each of
 * these can smuggle a second, hidden request past a proxy that reads the
 * head differently: the answer is 400 and the connection is closed.
 *
 *     const char *why = strict_violation(conn, "HTTP/1.1");
 *     if (why) answer 400 with why, Connection: close
 */
#ifndef MW_STRICT_H
#define MW_STRICT_H

#include <microhttpd.h>

/* A sentence saying what is wrong with the request head, or NULL. */
const char *strict_violation(struct MHD_Connection *conn, const char *version);

/* The path of an absolute-form target ("http://host:8002/v1/models" gives
 * "/v1/models"), which RFC 9112 makes servers accept; other targets as
 * they are. */
const char *strict_origin_path(const char *url);

#endif
