/* lp_server: mock_llamaparse as a mock_kind, so the binary (main.c) and
 * the in-process library (libmockworks) build it the same way:
 *
 *     mock_server *m = mock_server_new(&lp_kind, argc, argv, true, &code, err, sizeof err);
 */
#ifndef LP_SERVER_H
#define LP_SERVER_H

#include "mock_server.h"

extern const mock_kind lp_kind;

#endif
