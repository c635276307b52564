/* oa_server: mock_openai as a mock_kind, so the binary (main.c) and the
 * in-process library (libmockworks) build it the same way:
 *
 *     mock_server *m = mock_server_new(&oa_kind, argc, argv, true, &code, err, sizeof err);
 */
#ifndef OA_SERVER_H
#define OA_SERVER_H

#include "mock_server.h"

extern const mock_kind oa_kind;

#endif
