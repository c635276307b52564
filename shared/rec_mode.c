#include "rec_mode.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "upstream.h"

static bool given(const char *s)
{
    return s && *s;
}

/* The flags' own errors, before anything starts. */
static bool check(const rec_flags *f, bool *synthetic, char *err, size_t errlen)
{
    *synthetic = given(f->fallback) && !strcmp(f->fallback, "synthetic");
    if (given(f->fallback) && !*synthetic && strcmp(f->fallback, "none") != 0) {
        snprintf(err, errlen, "invalid --fallback '%s' (none, synthetic)", f->fallback);
        return false;
    }
    if (!given(f->dir) && given(f->upstream)) {
        snprintf(err, errlen, "--upstream needs --record DIR (where the recordings go)");
        return false;
    }
    if (given(f->upstream) && strncmp(f->upstream, "http://", 7) != 0 && strncmp(f->upstream, "https://", 8) != 0) {
        snprintf(err, errlen, "invalid --upstream '%s': an http:// or https:// URL", f->upstream);
        return false;
    }
    return true;
}

int rec_mode_open(const rec_flags *f, struct upstream **up, bool *synthetic, char *err, size_t errlen)
{
    err[0] = '\0';
    *up = NULL;
    if (!check(f, synthetic, err, errlen))
        return -1;
    if (!given(f->dir))
        return 0;
    if (given(f->upstream) && !f->replay_only && !(*up = upstream_start(f->upstream, f->key, f->timeout_ms))) {
        snprintf(err, errlen, "cannot start the upstream caller");
        return -1;
    }
    struct stat st;
    if (!*up && stat(f->dir, &st) != 0)
        log_msg(LOG_WARN, "record: %s does not exist: every request will find no recording", f->dir);
    log_msg(LOG_INFO, "record: %s %s%s%s", *up ? "recording into" : "replaying from", f->dir, *up ? " from " : "",
            *up ? upstream_base(*up) : "");
    return 1;
}
