/* mockworks: run mock_openai or mock_llamaparse inside your own test
 * process, on a free port of 127.0.0.1, and drive it through C calls.
 *
 *     #include <mockworks.h>     // cc t.c $(pkg-config --cflags --libs mockworks)
 *
 *     char err[256];
 *     const char *args[] = {"--job-delay-ms", "0", NULL};   // the binary's flags
 *     mockworks *m = mockworks_start(MOCKWORKS_LLAMAPARSE, args, err, sizeof err);
 *     const char *base = mockworks_url(m);       // "http://127.0.0.1:41233"
 *     long id = mockworks_fault_add(m, "{\"path\":\"/api/v1/parsing/upload\",\"status\":503,\"times\":1}",
 *                                   err, sizeof err);
 *     ... your code under test calls base ...
 *     size_t uploads = mockworks_request_count(m, "/api/v1/parsing/upload", "POST", 0);
 *     mockworks_stop(m);
 *
 * Flags are the binary's own (see `mock_openai --help`); the environment is
 * not read. Defaults differ in two ways: --port 0 and --log-level warn (log
 * lines go to stderr). Several servers may run at once; each call is
 * thread-safe, except mockworks_stop, which must be the last call on a
 * server. Everything here is also reachable over HTTP (/__control/...).
 *
 * Signals stay yours: the library installs no handler and leaves the
 * calling thread's mask as it was; every thread it starts (HTTP workers,
 * timer, URL fetcher, webhook sender) blocks all signals, so a signal sent
 * to your process is handled on one of your threads.
 */
#ifndef MOCKWORKS_H
#define MOCKWORKS_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mockworks mockworks;

typedef enum {
    MOCKWORKS_OPENAI = 1,     /* mock_openai: embeddings, chat, models */
    MOCKWORKS_LLAMAPARSE = 2, /* mock_llamaparse: parsing jobs, webhooks */
} mockworks_server;

/* Start a server. args: the binary's flags, NULL-terminated (NULL for
 * none). Returns NULL with a message in err when a flag or file is invalid
 * or the server cannot listen. */
mockworks *mockworks_start(mockworks_server which, const char *const *args, char *err, size_t errlen);

/* "http://127.0.0.1:PORT" (the --host given, in brackets for IPv6; a
 * wildcard host as loopback), valid until mockworks_stop. */
const char *mockworks_url(const mockworks *m);
unsigned mockworks_port(const mockworks *m);

/* Add a fault rule (a JSON object) or several (a JSON array), as POST
 * /__control/faults does: all or nothing. Returns the id of the first new
 * rule (the others follow in order), or -1 with a message in err. */
long mockworks_fault_add(mockworks *m, const char *rule_json, char *err, size_t errlen);

/* Remove rule `id`; false if there is no such rule. */
bool mockworks_fault_remove(mockworks *m, long id);

/* Remove every fault rule. */
void mockworks_faults_clear(mockworks *m);

/* As POST /__control/reset: rules, journal, jobs and rate limits cleared. */
void mockworks_reset(mockworks *m);

/* The journal as GET /__control/requests gives it:
 * {"requests":[{"method":...,"path":...,"status":...,"fault":...},...]},
 * oldest first. Filters: path (exact or glob), method, status (0 = any),
 * limit (the newest `limit` matches; 0 = all); NULL/0 for none. The caller
 * frees the string with free(); NULL when out of memory. */
char *mockworks_requests_json(mockworks *m, const char *path, const char *method, int status, size_t limit);

/* How many journal entries pass the same filters. */
size_t mockworks_request_count(mockworks *m, const char *path, const char *method, int status);

/* Stop the server (in-flight requests finish, held ones are released) and
 * free it. NULL is ignored. */
void mockworks_stop(mockworks *m);

#ifdef __cplusplus
}
#endif

#endif
