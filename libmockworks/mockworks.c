/* libmockworks: the two servers built exactly as their binaries build them
 * (oa_server / lp_server), started on the caller's process instead of
 * waiting for a signal. */
#include "mockworks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "lp_server.h"
#include "oa_server.h"

struct mockworks {
    mock_server *ms;
    srv *s;
    char **argv; /* owned copies: parsed string flags point into them */
    int argc;
    char url[300];
};

/* The in-process defaults go first, so the caller's flags override them. */
static const char *const defaults[] = {"mockworks", "--port", "0", "--log-level", "warn"};
#define NDEFAULTS (sizeof defaults / sizeof defaults[0])

static bool copy_args(mockworks *m, const char *const *args)
{
    size_t n = 0;
    while (args && args[n])
        n++;
    m->argv = calloc(NDEFAULTS + n + 1, sizeof *m->argv);
    if (!m->argv)
        return false;
    for (size_t i = 0; i < NDEFAULTS + n; i++) {
        m->argv[i] = strdup(i < NDEFAULTS ? defaults[i] : args[i - NDEFAULTS]);
        if (!m->argv[i])
            return false;
        m->argc = (int)i + 1;
    }
    return true;
}

static void free_all(mockworks *m)
{
    mock_server_free(m->ms);
    for (int i = 0; m->argv && i < m->argc; i++)
        free(m->argv[i]);
    free(m->argv);
    free(m);
}

/* Build the server object from the flags; false with a message. */
static bool build(mockworks *m, mockworks_server which, char *err, size_t errlen)
{
    int code = 0;
    const mock_kind *k = which == MOCKWORKS_OPENAI ? &oa_kind : which == MOCKWORKS_LLAMAPARSE ? &lp_kind : NULL;
    if (k)
        m->ms = mock_server_new(k, m->argc, m->argv, false, &code, err, errlen);
    else
        snprintf(err, errlen, "unknown server %d", (int)which);
    if (!m->ms && !*err)
        snprintf(err, errlen, "invalid flags (the reason is on stderr)");
    return m->ms != NULL;
}

/* Logging is the process's: the last server started sets its format and
 * level, written synchronously (no flusher thread to outlive us). */
static void configure_log(const app_common *c)
{
    log_level lvl = LOG_WARN;
    log_format fmt = LOG_TEXT;
    log_parse_level(c->log_level, &lvl);
    log_parse_format(c->log_format, &fmt);
    log_configure(fmt, lvl);
}

/* The URL a client on this machine uses: a wildcard address is reached on
 * loopback, an IPv6 one goes in brackets. */
static void set_url(mockworks *m)
{
    const char *h = m->ms->c.host;
    if (!h || !*h || !strcmp(h, "0.0.0.0"))
        h = "127.0.0.1";
    else if (!strcmp(h, "::"))
        h = "::1";
    snprintf(m->url, sizeof m->url, strchr(h, ':') ? "http://[%s]:%u" : "http://%s:%u", h, srv_port(m->s));
}

mockworks *mockworks_start(mockworks_server which, const char *const *args, char *err, size_t errlen)
{
    err[0] = '\0';
    mockworks *m = calloc(1, sizeof *m);
    if (!m || !copy_args(m, args)) {
        snprintf(err, errlen, "out of memory");
        if (m)
            free_all(m);
        return NULL;
    }
    if (!build(m, which, err, errlen)) {
        free_all(m);
        return NULL;
    }
    configure_log(&m->ms->c);
    m->s = srv_start(&m->ms->cfg, err, errlen);
    if (!m->s) {
        free_all(m);
        return NULL;
    }
    set_url(m);
    return m;
}

const char *mockworks_url(const mockworks *m)
{
    return m->url;
}

unsigned mockworks_port(const mockworks *m)
{
    return srv_port(m->s);
}

long mockworks_fault_add(mockworks *m, const char *rule_json, char *err, size_t errlen)
{
    unsigned long first = 0;
    if (!rule_json || !faults_add_json_first(m->ms->f, rule_json, strlen(rule_json), &first, err, errlen))
        return -1;
    return (long)first;
}

bool mockworks_fault_remove(mockworks *m, long id)
{
    return id >= 0 && faults_remove(m->ms->f, (unsigned long)id);
}

void mockworks_faults_clear(mockworks *m)
{
    faults_clear(m->ms->f, NULL);
}

void mockworks_reset(mockworks *m)
{
    control_reset(m->ms->ctl, NULL);
}

char *mockworks_requests_json(mockworks *m, const char *path, const char *method, int status, size_t limit)
{
    buf out = BUF_INIT;
    journal_filter f = {path, method, status, limit, NULL};
    journal_write_json(m->ms->j, &f, &out);
    return buf_release(&out);
}

size_t mockworks_request_count(mockworks *m, const char *path, const char *method, int status)
{
    journal_filter f = {path, method, status, 0, NULL};
    return journal_count(m->ms->j, &f);
}

void mockworks_stop(mockworks *m)
{
    if (!m)
        return;
    srv_stop(m->s, (unsigned)m->ms->c.grace_ms);
    free_all(m);
}
