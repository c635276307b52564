#include "app.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

bool app_configure(const app_common *c, srv_config *cfg, char *err, size_t errlen)
{
    log_level lvl;
    log_format fmt;
    if (!log_parse_level(c->log_level, &lvl)) {
        snprintf(err, errlen, "invalid --log-level '%s' (debug, info, warn, error, off)", c->log_level);
        return false;
    }
    if (!log_parse_format(c->log_format, &fmt)) {
        snprintf(err, errlen, "invalid --log-format '%s' (text, json)", c->log_format);
        return false;
    }
    cfg->host = c->host;
    cfg->port = (unsigned)c->port;
    cfg->threads = (unsigned)c->threads;
    cfg->max_body = c->max_body;
    cfg->conn_limit = (unsigned)c->conn_limit;
    cfg->idle_timeout_s = (unsigned)c->idle_timeout_s;
    if (c->conn_memory < 4096) {
        snprintf(err, errlen, "invalid --connection-memory %zu: at least 4096 bytes", c->conn_memory);
        return false;
    }
    cfg->conn_memory = c->conn_memory;
    return true;
}

int app_parsed(cli_result parsed, const app_common *c)
{
    if (parsed != CLI_OK)
        return parsed == CLI_EXIT ? 0 : 2;
    return c->healthcheck ? app_healthcheck(c) : -1;
}

static void stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
}

void app_block_signals(void)
{
    sigset_t set;
    stop_signals(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void app_tune_malloc(void)
{
    const char *t = getenv("GLIBC_TUNABLES");
    if (t && strstr(t, "glibc.malloc."))
        return;
    /* Setting them turns off glibc's dynamic thresholds. Failure (a
     * sanitizer's allocator takes no mallopt) leaves the allocator's own
     * policy, which works, only holding more memory: nothing to report. */
    (void)mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    (void)mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

int app_run(const app_common *c, const srv_config *cfg)
{
    sigset_t set;
    app_block_signals(); /* again, for a caller that did not */
    stop_signals(&set);
    log_level lvl = LOG_INFO;
    log_format fmt = LOG_TEXT;
    log_parse_level(c->log_level, &lvl);
    log_parse_format(c->log_format, &fmt);
    if (!log_init(fmt, lvl, STDERR_FILENO))
        fprintf(stderr, "warning: logging synchronously (no flusher thread)\n");
    char err[256];
    srv *s = srv_start(cfg, err, sizeof err);
    if (!s) {
        log_msg(LOG_ERROR, "%s: %s", cfg->service, err);
        log_shutdown();
        return 1;
    }
    printf("%u\n", srv_port(s));
    fflush(stdout);
    log_msg(LOG_INFO, "%s %s listening on %s:%u", cfg->service, MOCKWORKS_VERSION, cfg->host, srv_port(s));
    int sig = 0;
    sigwait(&set, &sig);
    log_msg(LOG_INFO, "%s: signal %d, finishing %zu in-flight request(s)", cfg->service, sig, srv_inflight(s));
    srv_stop(s, (unsigned)c->grace_ms);
    log_msg(LOG_INFO, "%s: stopped", cfg->service);
    log_shutdown();
    return 0;
}
