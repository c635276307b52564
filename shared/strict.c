#include "strict.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

typedef struct head_counts {
    int content_length, transfer_encoding, host;
    bool bad_name;
} head_counts;

static enum MHD_Result count(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind, (void)value;
    head_counts *c = cls;
    c->content_length += strcasecmp(key, "content-length") == 0;
    c->transfer_encoding += strcasecmp(key, "transfer-encoding") == 0;
    c->host += strcasecmp(key, "host") == 0;
    /* "Transfer-Encoding : chunked" reaches us as a name with a space in it */
    c->bad_name = c->bad_name || !*key || strpbrk(key, " \t") != NULL;
    return MHD_YES;
}

const char *strict_violation(struct MHD_Connection *conn, const char *version)
{
    head_counts c = {0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, count, &c);
    if (c.bad_name)
        return "Invalid request: a header name contains whitespace.";
    if (c.content_length && c.transfer_encoding)
        return "Invalid request: both Content-Length and Transfer-Encoding are present.";
    if (c.content_length > 1)
        return "Invalid request: more than one Content-Length header.";
    if (c.transfer_encoding > 1)
        return "Invalid request: more than one Transfer-Encoding header.";
    const char *te = c.transfer_encoding ? MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "transfer-encoding") : NULL;
    if (te && strcasecmp(te, "chunked") != 0)
        return "Invalid request: the only Transfer-Encoding accepted is chunked.";
    bool http11 = version && strcmp(version, "HTTP/1.1") == 0;
    if (c.host > 1 || (http11 && c.host == 0))
        return "Invalid request: an HTTP/1.1 request needs exactly one Host header.";
    return NULL;
}

const char *strict_origin_path(const char *url)
{
    const char *p = NULL;
    if (strncasecmp(url, "http://", 7) == 0)
        p = url + 7;
    else if (strncasecmp(url, "https://", 8) == 0)
        p = url + 8;
    if (!p)
        return url;
    p += strcspn(p, "/?"); /* past the authority */
    return *p == '/' ? p : "/";
}
