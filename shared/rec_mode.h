/* rec_mode: --record, --upstream, --upstream-key, --replay-only and
 * --fallback, read the same way by both mocks: checked, the upstream
 * caller started when recording, the mode logged.
 *
 *     rec_flags f = {dir, url, key, fallback, replay_only, timeout_ms};
 *     int on = rec_mode_open(&f, &up, &synthetic, err, sizeof err);
 *     // 1: on (up NULL when replaying only); 0: no --record; -1: err says why
 */
#ifndef MW_REC_MODE_H
#define MW_REC_MODE_H

#include <stdbool.h>
#include <stddef.h>

struct upstream;

typedef struct rec_flags {
    const char *dir;      /* --record DIR; NULL or "": off */
    const char *upstream; /* --upstream URL: record what is missing there */
    const char *key;      /* --upstream-key */
    const char *fallback; /* --fallback none|synthetic */
    bool replay_only;     /* --replay-only: never call the upstream */
    long timeout_ms;      /* an upstream call's limit (> 0) */
} rec_flags;

int rec_mode_open(const rec_flags *f, struct upstream **up, bool *synthetic, char *err, size_t errlen);

#endif
