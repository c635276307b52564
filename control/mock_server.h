/* mock_server: what each mock is built of besides its endpoints: the
 * common flags, the fault store, the journal, the metrics, the control
 * plane and the route table, made the same way for both servers, whether
 * the binary or libmockworks starts them. A server is a mock_kind (its own
 * flags, fault fields and state, as hooks) and a struct whose first member
 * is a mock_server, as h2o's filters embed the interface they implement:
 *
 *     typedef struct oa_server { mock_server base; oa_ctx ctx; ... } oa_server;
 *     const mock_kind oa_kind = {"mock_openai", "mock-openai", "a fake OpenAI API", 8002,
 *                                sizeof(oa_server), defaults, options, fields, legacy, build, free_own, ...};
 *
 *     int main(int argc, char **argv) { return mock_server_main(&oa_kind, argc, argv); }
 */
#ifndef MOCK_SERVER_H
#define MOCK_SERVER_H

#include <stdbool.h>

#include "app.h"
#include "control.h"
#include "faults.h"

typedef struct mock_server mock_server;

typedef struct mock_kind {
    const char *prog;    /* "mock_openai": --help, messages */
    const char *service; /* "mock-openai": logs */
    const char *summary; /* --help's one line */
    unsigned port;       /* the default --port */
    size_t size;         /* the server's struct, whose first member is the mock_server */
    /* Its own defaults, set before the flags are read. */
    void (*defaults)(mock_server *m);
    /* Its own flags, after the common ones: writes at most cap, returns how many. */
    size_t (*options)(mock_server *m, cli_opt *out, size_t cap);
    /* Fields and kinds its fault rules may use, registered before any rule is read. */
    bool (*fault_fields)(faults *f);
    /* Rules from the old mocks' environment knobs, after the --faults file's
     * (read only when the environment is: not in libmockworks). */
    bool (*legacy_rules)(mock_server *m, char *err, size_t errlen);
    /* Its own state and routes (appended to m->routes), and what reset
     * clears (control_on_reset on m->ctl). The exit code: 0, 1 (out of
     * memory; err may stay empty) or 2 (a bad value, with a message). */
    int (*build)(mock_server *m, char *err, size_t errlen);
    /* Free its own state (the common parts are freed after). */
    void (*free_own)(mock_server *m);
    srv_error_fn on_error;  /* the API's error format */
    srv_hook_fn before_send; /* optional; its context is the server */
} mock_kind;

struct mock_server {
    const mock_kind *kind;
    app_common c;
    bool use_env;
    faults *f;
    journal *j;
    metrics *m;
    control *ctl;
    srv_routes routes;
    srv_config cfg;
};

/* For a kind's options hook: copy its table into out (at most cap);
 * returns how many. */
size_t mock_server_options(cli_opt *out, size_t cap, const cli_opt *opts, size_t n);
#define MOCK_SERVER_OPTIONS(out, cap, table) mock_server_options((out), (cap), (table), sizeof(table) / sizeof((table)[0]))

/* Parse the flags (and the environment when use_env), load --faults, and
 * build the server. NULL when there is nothing to serve: *exit_code is
 * then the process's (0 after --help, --version, --man or --healthcheck,
 * 2 for an invalid flag or file, 1 when memory or a thread fails), with a
 * message in err if any. */
mock_server *mock_server_new(const mock_kind *k, int argc, char **argv, bool use_env, int *exit_code, char *err,
                             size_t errlen);

/* After the server has stopped. */
void mock_server_free(mock_server *m);

/* A binary's whole main(): signals blocked before any thread exists, the
 * server built, served until SIGTERM, SIGINT or SIGHUP, freed. */
int mock_server_main(const mock_kind *k, int argc, char **argv);

#endif
