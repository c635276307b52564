/* lp_server: mock_llamaparse built from its flags, as one object, so the
 * binary (main.c) and the in-process library (libmockworks) make it the
 * same way. Used like oa_server:
 *
 *     int code;
 *     lp_server *l = lp_server_new(argc, argv, true, &code, err, sizeof err);
 *     if (!l) return code;
 *     srv *s = srv_start(lp_server_config(l), err, sizeof err);
 *     ...
 *     srv_stop(s, 1000);
 *     lp_server_free(l);                    // after the server has stopped
 */
#ifndef LP_SERVER_H
#define LP_SERVER_H

#include <stdbool.h>

#include "app.h"
#include "faults.h"

typedef struct lp_server lp_server;

/* Parse the flags (and the environment when use_env), load --faults, and
 * start the job store, URL fetcher and webhook sender. NULL when there is
 * nothing to serve: *exit_code is then the process's exit code (0 after
 * --help, --version, --man or --healthcheck, 2 for an invalid flag or file,
 * 1 when a thread or allocation fails), with a message in err if any. */
lp_server *lp_server_new(int argc, char **argv, bool use_env, int *exit_code, char *err, size_t errlen);
void lp_server_free(lp_server *l);

const app_common *lp_server_common(const lp_server *l);
const srv_config *lp_server_config(const lp_server *l);
faults *lp_server_faults(lp_server *l);
journal *lp_server_journal(lp_server *l);

#endif
