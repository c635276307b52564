/* app_healthcheck: the container HEALTHCHECK probe, so the runtime image
 * needs no curl. It reads only the status line: anything but a 200 within
 * the time limit is unhealthy. */
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "app.h"

#define PROBE_TIMEOUT_S 3

/* A wildcard listen address is probed on loopback. */
static const char *probe_host(const char *host)
{
    if (!host || !*host || !strcmp(host, "0.0.0.0"))
        return "127.0.0.1";
    if (!strcmp(host, "::") || !strcmp(host, "[::]"))
        return "::1";
    return host;
}

static int connect_to(const char *host, long port)
{
    char service[24];
    snprintf(service, sizeof service, "%ld", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    if (getaddrinfo(host, service, &hints, &res) != 0)
        return -1;
    int fd = -1;
    struct timeval tv = {PROBE_TIMEOUT_S, 0};
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        /* SO_SNDTIMEO bounds connect() too on Linux. */
        bool ok = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0 &&
                  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0 &&
                  connect(fd, a->ai_addr, a->ai_addrlen) == 0;
        if (!ok) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

int app_healthcheck(const app_common *c)
{
    const char *host = probe_host(c->host);
    int fd = c->port > 0 ? connect_to(host, c->port) : -1;
    if (fd < 0) {
        fprintf(stderr, "unhealthy: cannot connect to %s:%ld\n", host, c->port);
        return 1;
    }
    static const char req[] = "GET /health HTTP/1.0\r\nConnection: close\r\n\r\n";
    char status[16] = {0};
    size_t got = 0;
    bool sent = send(fd, req, sizeof req - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof req - 1);
    while (sent && got < sizeof status - 1) {
        ssize_t n = recv(fd, status + got, sizeof status - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    /* "HTTP/1.1 200 " */
    bool ok = got >= 12 && !strncmp(status, "HTTP/1.", 7) && !strncmp(status + 8, " 200", 4);
    if (!ok)
        fprintf(stderr, "unhealthy: %s:%ld/health answered '%.12s'\n", host, c->port, got ? status : "nothing");
    return ok ? 0 : 1;
}
