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
    mockworks_server which;
    oa_server *oa;
    lp_server *lp;
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
    oa_server_free(m->oa);
    lp_server_free(m->lp);
    for (int i = 0; m->argv && i < m->argc; i++)
        free(m->argv[i]);
    free(m->argv);
    free(m);
}

static const app_common *common(const mockworks *m)
{
    return m->oa ? oa_server_common(m->oa) : lp_server_common(m->lp);
}

static const srv_config *config(const mockworks *m)
{
    return m->oa ? oa_server_config(m->oa) : lp_server_config(m->lp);
}

static faults *faults_of(mockworks *m)
{
    return m->oa ? oa_server_faults(m->oa) : lp_server_faults(m->lp);
}

static journal *journal_of(mockworks *m)
{
    return m->oa ? oa_server_journal(m->oa) : lp_server_journal(m->lp);
}

/* Build the server object from the flags; false with a message. */
static bool build(mockworks *m, char *err, size_t errlen)
{
    int code = 0;
    if (m->which == MOCKWORKS_OPENAI)
        m->oa = oa_server_new(m->argc, m->argv, false, &code, err, errlen);
    else if (m->which == MOCKWORKS_LLAMAPARSE)
        m->lp = lp_server_new(m->argc, m->argv, false, &code, err, errlen);
    else
        snprintf(err, errlen, "unknown server %d", (int)m->which);
    if (!m->oa && !m->lp && !*err)
        snprintf(err, errlen, "invalid flags (the reason is on stderr)");
    return m->oa || m->lp;
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
    const char *h = common(m)->host;
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
    m->which = which;
    if (!build(m, err, errlen)) {
        free_all(m);
        return NULL;
    }
    configure_log(common(m));
    m->s = srv_start(config(m), err, errlen);
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
    if (!rule_json || !faults_add_json_first(faults_of(m), rule_json, strlen(rule_json), &first, err, errlen))
        return -1;
    return (long)first;
}

bool mockworks_fault_remove(mockworks *m, long id)
{
    return id >= 0 && faults_remove(faults_of(m), (unsigned long)id);
}

void mockworks_faults_clear(mockworks *m)
{
    faults_clear(faults_of(m));
}

void mockworks_reset(mockworks *m)
{
    faults_reset_all(faults_of(m));
}

char *mockworks_requests_json(mockworks *m, const char *path, const char *method, int status, size_t limit)
{
    buf out = BUF_INIT;
    journal_filter f = {path, method, status, limit};
    journal_write_json(journal_of(m), &f, &out);
    return buf_release(&out);
}

size_t mockworks_request_count(mockworks *m, const char *path, const char *method, int status)
{
    journal_filter f = {path, method, status, 0};
    return journal_count(journal_of(m), &f);
}

void mockworks_stop(mockworks *m)
{
    if (!m)
        return;
    srv_stop(m->s, (unsigned)common(m)->grace_ms);
    free_all(m);
}
