/* app: what both binaries share around the server: the common flags, start,
 * the port line on stdout, waiting for SIGTERM/SIGINT, graceful stop.
 *
 *     app_common c = APP_COMMON_DEFAULTS(8002);
 *     cli_opt opts[] = {APP_COMMON_OPTS(c), {...server's own...}};
 *     cli_parse(...);
 *     return app_run(&c, &srv_cfg);   // blocks until a signal, exit code
 */
#ifndef MW_APP_H
#define MW_APP_H

#include "cli.h"
#include "server.h"

#ifndef MOCKWORKS_VERSION
#define MOCKWORKS_VERSION "0.0.0"
#endif

typedef struct app_common {
    const char *host;
    long port;
    long threads;
    size_t max_body;
    const char *log_format;
    const char *log_level;
    long conn_limit;
    long idle_timeout_s;
    long grace_ms;
    const char *faults_file;
    const char *control_token;
    long journal_size;
    size_t conn_memory;
    size_t max_upload; /* streamed uploads (mock_llamaparse) */
    bool healthcheck;  /* probe a running server's /health instead of serving */
    cli_list api_keys; /* --api-key: the only bearer keys accepted; empty = any non-empty key */
} app_common;

#define APP_COMMON_DEFAULTS(default_port) \
    {"127.0.0.1", (default_port), 2, 16u << 20, "text", "info", 4096, 60, 10000, NULL, NULL, 1000, 16u << 10, (size_t)512 << 20, false, {NULL, 0, NULL}}

#define APP_COMMON_OPTS(c)                                                                              \
    {"host", "MOCK_HOST", CLI_STR, &(c).host, "address to listen on (0.0.0.0 for all)", 0, 0},         \
    {"port", "MOCK_PORT", CLI_INT, &(c).port, "TCP port; 0 picks a free one, printed on stdout's first line", 0, 65535}, \
    {"threads", "MOCK_THREADS", CLI_INT, &(c).threads, "worker threads", 1, 256},                        \
    {"max-body", "MOCK_MAX_BODY", CLI_SIZE, &(c).max_body, "largest request body in bytes (k/m/g suffix); larger gets 413", 0, 0}, \
    {"log-format", "MOCK_LOG_FORMAT", CLI_STR, &(c).log_format, "text or json (one JSON object per line)", 0, 0}, \
    {"log-level", "MOCK_LOG_LEVEL", CLI_STR, &(c).log_level, "debug, info (one line per request), warn, error or off", 0, 0}, \
    {"max-connections", "MOCK_MAX_CONNECTIONS", CLI_INT, &(c).conn_limit, "concurrent connections accepted", 1, 1000000}, \
    {"idle-timeout", "MOCK_IDLE_TIMEOUT", CLI_INT, &(c).idle_timeout_s, "seconds before an idle connection is closed, and the most a request head may take to arrive (0 = never)", 0, 86400}, \
    {"shutdown-grace-ms", "MOCK_SHUTDOWN_GRACE_MS", CLI_INT, &(c).grace_ms, "on SIGTERM, how long in-flight requests may take to finish", 0, 600000}, \
    {"faults", "MOCK_FAULTS", CLI_STR, &(c).faults_file, "file with a JSON array of fault rules loaded at start-up", 0, 0}, \
    {"control-token", "MOCK_CONTROL_TOKEN", CLI_STR, &(c).control_token, "require this token on /__control/* (Authorization: Bearer or x-control-token)", 0, 0}, \
    {"journal-size", "MOCK_JOURNAL_SIZE", CLI_INT, &(c).journal_size, "requests kept for GET /__control/requests (oldest dropped first)", 1, 1000000}, \
    {"connection-memory", "MOCK_CONNECTION_MEMORY", CLI_SIZE, &(c).conn_memory, "buffer per connection; bounds the request line and headers", 0, 0}, \
    {"healthcheck", NULL, CLI_BOOL, &(c).healthcheck, "probe GET /health of the server on --host/--port; exit 0 if it answers 200, else 1", 0, 0}, \
    {"api-key", "MOCK_API_KEYS", CLI_LIST, &(c).api_keys, "accept only this bearer key (repeatable; env: comma-separated); none = any non-empty key", 0, 0}

/* Fill the server config's common fields from c. False with a message in
 * err if a value is invalid. */
bool app_configure(const app_common *c, srv_config *cfg, char *err, size_t errlen);

/* What a parsed command line asks for: -1 to go on and serve, else the
 * exit code: 0 after --help, --version or --man, --healthcheck's result,
 * 2 for an invalid flag. */
int app_parsed(cli_result parsed, const app_common *c);

/* --healthcheck, for a container's HEALTHCHECK with no curl in the image:
 * GET /health on c's host and port (0.0.0.0 probed as 127.0.0.1) within
 * three seconds. Returns the exit code: 0 for a 200, 1 otherwise. */
int app_healthcheck(const app_common *c);

/* The binaries' first call, before any thread exists: SIGTERM, SIGINT and
 * SIGHUP blocked (threads inherit the mask) so that app_run's sigwait in
 * the main thread is the one place they are handled; SIGPIPE ignored (a
 * client that hangs up is not a reason to die). */
void app_block_signals(void);

/* The binaries' allocator policy: blocks of 128 KiB and more (uploads,
 * results, webhook bodies, big embeddings answers) are mapped on their own
 * and given back to the system when freed. glibc otherwise raises that
 * threshold after the first such block is freed, and from then on serves
 * them from the heap, where the holes they leave between long-lived
 * allocations (held jobs) are never returned: 1,000 held 150 KB jobs then
 * cost 1.9x their documents instead of 1.5x. Left alone when GLIBC_TUNABLES
 * names a malloc setting (the user's choice wins); never called by
 * libmockworks, whose host owns its allocator. */
void app_tune_malloc(void);

/* Start logging and the server, print the bound port as stdout's first line,
 * wait for SIGTERM, SIGINT or SIGHUP, stop gracefully. Returns the process
 * exit code. */
int app_run(const app_common *c, const srv_config *cfg);

#endif
