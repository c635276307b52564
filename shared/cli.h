/* cli: command-line flags with environment-variable fallbacks, one table.
 *
 * Each option names its flag, its environment variable and its default; the
 * precedence is flag > environment > default. --help prints the table, so the
 * help can never drift from what is parsed:
 *
 *     long port = 8002;
 *     const cli_opt opts[] = {
 *         {"port", "MOCK_PORT", CLI_INT, &port, "TCP port; 0 picks a free one", 0, 65535},
 *     };
 *     int rc = cli_parse(opts, 1, argc, argv, &about);  // CLI_OK, CLI_EXIT, CLI_ERROR
 */
#ifndef MW_CLI_H
#define MW_CLI_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    CLI_STR,    /* const char **: points into argv or the environment */
    CLI_INT,    /* long *, within [min, max] */
    CLI_SIZE,   /* size_t *, with an optional k/m/g suffix (powers of 1024) */
    CLI_DOUBLE, /* double *, within [min, max] */
    CLI_BOOL,   /* bool *: the flag alone sets it; env accepts 1/0/true/false */
    CLI_LIST,   /* cli_list *: repeatable flag; env is comma-separated */
} cli_kind;

typedef struct cli_list {
    const char **items;
    size_t n;
    char *env_copy; /* the split environment value the items may point into */
} cli_list;

typedef struct cli_opt {
    const char *name; /* "port" for --port */
    const char *env;  /* "MOCK_PORT", or NULL */
    cli_kind kind;
    void *dst;
    const char *help;
    double min, max; /* for CLI_INT and CLI_DOUBLE */
} cli_opt;

typedef struct cli_about {
    const char *prog;
    const char *version;
    const char *summary;
} cli_about;

typedef enum { CLI_OK, CLI_EXIT, CLI_ERROR } cli_result;

/* Parse env then argv into the options' destinations. --help, --man and --version
 * print to stdout and give CLI_EXIT; an error prints one line to stderr. */
cli_result cli_parse(const cli_opt *opts, size_t n, int argc, char **argv, const cli_about *about);

/* The same with the environment left out when use_env is false: a server
 * started inside another program (libmockworks) takes its flags only. */
cli_result cli_parse_args(const cli_opt *opts, size_t n, int argc, char **argv, const cli_about *about, bool use_env);

void cli_list_free(cli_list *l);

/* Is s[0..len) one of the list's items? */
bool cli_list_has(const cli_list *l, const char *s, size_t len);

#endif
