/* oa_server: mock_openai built from its flags, as one object, so the binary
 * (main.c) and the in-process library (libmockworks) make it the same way.
 *
 *     int code;
 *     oa_server *o = oa_server_new(argc, argv, true, &code, err, sizeof err);
 *     if (!o) return code;                  // --help (0), bad flag (2)...
 *     srv *s = srv_start(oa_server_config(o), err, sizeof err);
 *     ...
 *     srv_stop(s, 1000);
 *     oa_server_free(o);                    // after the server has stopped
 */
#ifndef OA_SERVER_H
#define OA_SERVER_H

#include <stdbool.h>

#include "app.h"
#include "faults.h"

typedef struct oa_server oa_server;

/* Parse the flags (and the environment when use_env), load --faults and
 * --replies, and build the fault store, journal, metrics and rate limits.
 * NULL when there is nothing to serve: *exit_code is then the process's
 * exit code (0 after --help, --version, --man or --healthcheck, 2 for an
 * invalid flag or file, 1 out of memory), with a message in err if any. */
oa_server *oa_server_new(int argc, char **argv, bool use_env, int *exit_code, char *err, size_t errlen);
void oa_server_free(oa_server *o);

const app_common *oa_server_common(const oa_server *o);
const srv_config *oa_server_config(const oa_server *o);
faults *oa_server_faults(oa_server *o);
journal *oa_server_journal(oa_server *o);

#endif
