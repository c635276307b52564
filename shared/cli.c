#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end)
        return false;
    *out = v;
    return true;
}

static bool parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *s == '-')
        return false;
    unsigned shift = 0;
    if (*end == 'k' || *end == 'K')
        shift = 10;
    else if (*end == 'm' || *end == 'M')
        shift = 20;
    else if (*end == 'g' || *end == 'G')
        shift = 30;
    if (shift)
        end++;
    if (*end || v > (~0ULL >> shift))
        return false;
    *out = (size_t)(v << shift);
    return true;
}

static bool parse_bool(const char *s, bool *out)
{
    if (!strcmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on"))
        *out = true;
    else if (!strcmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off"))
        *out = false;
    else
        return false;
    return true;
}

static bool list_push(cli_list *l, const char *item)
{
    const char **items = realloc(l->items, (l->n + 1) * sizeof *items);
    if (!items)
        return false;
    items[l->n++] = item;
    l->items = items;
    return true;
}

/* An environment list replaces the default; flags then replace it again. */
static bool set_list_env(cli_list *l, const char *value)
{
    cli_list_free(l);
    l->env_copy = strdup(value);
    if (!l->env_copy)
        return false;
    char *save = NULL;
    for (char *t = strtok_r(l->env_copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (*t && !list_push(l, t))
            return false;
    }
    return true;
}

static bool set_value(const cli_opt *o, const char *value, bool from_env, bool *list_reset)
{
    switch (o->kind) {
    case CLI_STR:
        *(const char **)o->dst = value;
        return true;
    case CLI_INT: {
        long v;
        if (!parse_long(value, &v) || v < o->min || v > o->max)
            return false;
        *(long *)o->dst = v;
        return true;
    }
    case CLI_SIZE:
        return parse_size(value, o->dst);
    case CLI_DOUBLE: {
        char *end;
        double v = strtod(value, &end);
        if (end == value || *end || !isfinite(v) || v < o->min || v > o->max)
            return false;
        *(double *)o->dst = v;
        return true;
    }
    case CLI_BOOL:
        return parse_bool(value, o->dst);
    case CLI_LIST:
        if (from_env)
            return set_list_env(o->dst, value);
        if (!*list_reset) { /* the first flag drops what env gave */
            cli_list_free(o->dst);
            *list_reset = true;
        }
        return list_push(o->dst, value);
    }
    return false;
}

static const char *kind_arg(cli_kind k)
{
    switch (k) {
    case CLI_INT:
        return "N";
    case CLI_SIZE:
        return "BYTES";
    case CLI_DOUBLE:
        return "X";
    case CLI_BOOL:
        return "";
    default:
        return "VALUE";
    }
}

/* The option's current value as text: called before parsing, it is the default. */
static void value_text(const cli_opt *o, char *out, size_t cap)
{
    out[0] = '\0';
    switch (o->kind) {
    case CLI_STR:
        snprintf(out, cap, "%s", *(const char **)o->dst ? *(const char **)o->dst : "");
        break;
    case CLI_INT:
        snprintf(out, cap, "%ld", *(long *)o->dst);
        break;
    case CLI_SIZE:
        snprintf(out, cap, "%zu", *(size_t *)o->dst);
        break;
    case CLI_DOUBLE:
        snprintf(out, cap, "%g", *(double *)o->dst);
        break;
    case CLI_BOOL:
        snprintf(out, cap, "%s", *(bool *)o->dst ? "on" : "off");
        break;
    case CLI_LIST: {
        const cli_list *l = o->dst;
        size_t used = 0;
        for (size_t i = 0; i < l->n && used < cap; i++)
            used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? "," : "", l->items[i]);
        break;
    }
    }
}

static void print_help(const cli_opt *opts, size_t n, const cli_about *a)
{
    printf("%s %s: %s\n\nUsage: %s [OPTIONS]\n\nOptions (flag, environment variable):\n", a->prog,
           a->version, a->summary, a->prog);
    for (size_t i = 0; i < n; i++) {
        char flag[64];
        snprintf(flag, sizeof flag, "--%s %s", opts[i].name, kind_arg(opts[i].kind));
        char def[128];
        value_text(&opts[i], def, sizeof def);
        printf("  %-26s %-24s %s", flag, opts[i].env ? opts[i].env : "", opts[i].help);
        printf(def[0] ? " (default: %s)\n" : " (default: none)\n", def);
    }
    printf("  %-26s %-24s %s\n  %-26s %-24s %s\n  %-26s %-24s %s\n", "--help", "", "print this help and exit",
           "--version", "", "print the version and exit", "--man", "", "print the man page (roff) and exit");
}

static const cli_opt *find(const cli_opt *opts, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
            return &opts[i];
    }
    return NULL;
}

static bool apply_env(const cli_opt *opts, size_t n, const char *prog)
{
    for (size_t i = 0; i < n; i++) {
        const char *v = opts[i].env ? getenv(opts[i].env) : NULL;
        bool unused = false;
        if (v && *v && !set_value(&opts[i], v, true, &unused)) {
            fprintf(stderr, "%s: invalid value '%s' in %s\n", prog, v, opts[i].env);
            return false;
        }
    }
    return true;
}

/* roff text: backslashes and hyphens escaped, so man shows them as typed. */
static void put_roff(const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '-')
            putchar('\\');
        putchar(*s);
    }
}

/* The help table as a man page (section 1), so `meson install` ships a man
 * page generated from the same table --help prints and the parser reads. */
static void print_man(const cli_opt *opts, size_t n, const cli_about *a)
{
    printf(".TH \"%s\" 1 \"\" \"mockworks %s\" \"User Commands\"\n.SH NAME\n", a->prog, a->version);
    put_roff(a->prog);
    printf(" \\- ");
    put_roff(a->summary);
    printf("\n.SH SYNOPSIS\n.B ");
    put_roff(a->prog);
    printf("\n[\\fIOPTIONS\\fR]\n.SH DESCRIPTION\nAn option listed with an environment variable can be set "
           "by either; a flag wins over the environment, which wins over the default.\n.SH OPTIONS\n");
    for (size_t i = 0; i < n; i++) {
        char def[128];
        value_text(&opts[i], def, sizeof def);
        printf(".TP\n.B \\-\\-");
        put_roff(opts[i].name);
        printf(*kind_arg(opts[i].kind) ? " \\fI%s\\fR\n" : "\n", kind_arg(opts[i].kind));
        put_roff(opts[i].help);
        printf(".\n");
        if (opts[i].env)
            printf("Environment: \\fB%s\\fR.\n", opts[i].env);
        printf("Default: ");
        put_roff(def[0] ? def : "none");
        printf(".\n");
    }
    printf(".TP\n.B \\-\\-help\nPrint the options with their defaults and exit.\n"
           ".TP\n.B \\-\\-version\nPrint the version and exit.\n"
           ".TP\n.B \\-\\-man\nPrint this manual page (roff) and exit.\n"
           ".SH EXIT STATUS\n0 after a clean stop on SIGTERM or SIGINT; 1 if the server cannot start; "
           "2 for an invalid option.\n");
}

/* --help, --man and --version win wherever they stand, and help shows
 * defaults, so they are looked for before anything is parsed. */
static bool wants_info(const cli_opt *opts, size_t n, int argc, char **argv, const cli_about *about)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            print_help(opts, n, about);
            return true;
        }
        if (!strcmp(argv[i], "--man")) {
            print_man(opts, n, about);
            return true;
        }
        if (!strcmp(argv[i], "--version")) {
            printf("%s %s\n", about->prog, about->version);
            return true;
        }
    }
    return false;
}

static cli_result parse_flags(const cli_opt *opts, size_t n, int argc, char **argv, const cli_about *about,
                              bool *reset);

cli_result cli_parse(const cli_opt *opts, size_t n, int argc, char **argv, const cli_about *about)
{
    return cli_parse_args(opts, n, argc, argv, about, true);
}

cli_result cli_parse_args(const cli_opt *opts, size_t n, int argc, char **argv, const cli_about *about, bool use_env)
{
    if (wants_info(opts, n, argc, argv, about))
        return CLI_EXIT;
    if (use_env && !apply_env(opts, n, about->prog))
        return CLI_ERROR;
    bool *reset = calloc(n ? n : 1, sizeof *reset); /* per list option: env value dropped yet? */
    if (!reset)
        return CLI_ERROR;
    cli_result rc = parse_flags(opts, n, argc, argv, about, reset);
    free(reset);
    return rc;
}

static cli_result parse_flags(const cli_opt *opts, size_t n, int argc, char **argv, const cli_about *about,
                              bool *reset)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg) - 2;
        const cli_opt *o = strncmp(arg, "--", 2) == 0 ? find(opts, n, arg + 2, len) : NULL;
        if (!o) {
            fprintf(stderr, "%s: unknown option '%s' (see --help)\n", about->prog, arg);
            return CLI_ERROR;
        }
        const char *value = eq ? eq + 1 : NULL;
        if (!value && o->kind == CLI_BOOL)
            value = "true";
        if (!value && i + 1 < argc)
            value = argv[++i];
        if (!value || !set_value(o, value, false, &reset[o - opts])) {
            fprintf(stderr, "%s: invalid or missing value for --%s (see --help)\n", about->prog, o->name);
            return CLI_ERROR;
        }
    }
    return CLI_OK;
}

void cli_list_free(cli_list *l)
{
    free(l->items);
    free(l->env_copy);
    l->items = NULL;
    l->env_copy = NULL;
    l->n = 0;
}

bool cli_list_has(const cli_list *l, const char *s, size_t len)
{
    for (size_t i = 0; l && i < l->n; i++) {
        if (strlen(l->items[i]) == len && memcmp(l->items[i], s, len) == 0)
            return true;
    }
    return false;
}
