#include "rawhttp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

int raw_connect(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

bool raw_send(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

static long content_length(const char *head)
{
    const char *p = strcasestr(head, "\r\ncontent-length:");
    return p ? strtol(p + 17, NULL, 10) : 0;
}

int raw_read_response(int fd, char *out, size_t cap)
{
    size_t used = 0;
    for (;;) {
        out[used] = '\0';
        char *end = strstr(out, "\r\n\r\n");
        if (end && used >= (size_t)(end + 4 - out) + (size_t)content_length(out))
            break;
        if (used + 1 >= cap)
            return -1;
        ssize_t n = recv(fd, out + used, cap - used - 1, 0);
        if (n <= 0)
            return -1;
        used += (size_t)n;
    }
    int status = -1;
    return sscanf(out, "HTTP/1.%*d %d", &status) == 1 ? status : -1;
}

size_t raw_read_all(int fd, char *out, size_t cap, bool *reset)
{
    size_t used = 0;
    *reset = false;
    for (;;) {
        ssize_t n = recv(fd, out + used, cap - used - 1, 0);
        if (n < 0 && errno == ECONNRESET)
            *reset = true;
        if (n <= 0 || used + (size_t)n + 1 >= cap) {
            if (n > 0)
                used += (size_t)n;
            break;
        }
        used += (size_t)n;
    }
    out[used] = '\0';
    return used;
}

int raw_request(unsigned port, const char *req, char *out, size_t cap)
{
    int fd = raw_connect(port);
    if (fd < 0)
        return -1;
    int status = raw_send(fd, req, strlen(req)) ? raw_read_response(fd, out, cap) : -1;
    close(fd);
    return status;
}

const char *raw_body(const char *resp)
{
    const char *p = strstr(resp, "\r\n\r\n");
    return p ? p + 4 : "";
}
