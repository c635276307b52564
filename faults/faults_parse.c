/* Reading a rule from JSON (or the header's key=value form turned into
 * JSON), field by field from one table, with an error naming the field. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "faults_rule.h"

typedef enum { T_STR, T_INT, T_PROB, T_PAIRS, T_BODY, T_KIND } field_type;

typedef struct field {
    const char *name;
    field_type type;
    long min, max;
} field;

#define LMAX 2147483647L

static const field fields[] = {
    {"path", T_STR, 0, 0},           {"method", T_STR, 0, 0},
    {"model", T_STR, 0, 0},          {"match_headers", T_PAIRS, 0, 0},
    {"test_id", T_STR, 0, 0},
    {"status", T_INT, 200, 599},     {"body", T_BODY, 0, 0}, /* a 1xx is no final answer */
    {"headers", T_PAIRS, 0, 0},      {"delay_ms", T_INT, 0, 3600000},
    {"jitter_ms", T_INT, 0, 3600000}, {"kind", T_KIND, 0, 0},
    {"drip_bytes_per_s", T_INT, 1, LMAX}, {"truncate_bytes", T_INT, 0, LMAX},
    {"hang_ms", T_INT, 1, 86400000}, {"times", T_INT, 1, LMAX},
    {"after", T_INT, 0, LMAX},       {"every", T_INT, 1, LMAX},
    {"probability", T_PROB, 0, 1},   {"seed", T_INT, 0, LMAX},
    {"duration_ms", T_INT, 1, LMAX},
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static const struct {
    const char *name;
    srv_delivery mode;
} kinds[] = {
    {"reset", SRV_DELIVER_RESET},       {"hang", SRV_DELIVER_HANG}, {"empty", SRV_DELIVER_EMPTY},
    {"truncate", SRV_DELIVER_TRUNCATE}, {"drip", SRV_DELIVER_DRIP}, {"malformed", SRV_DELIVER_MALFORMED},
};

static const field *find_field(const char *name)
{
    for (size_t i = 0; i < NFIELDS; i++) {
        if (strcmp(fields[i].name, name) == 0)
            return &fields[i];
    }
    return NULL;
}

static bool fail(char *err, size_t errlen, const char *fmt, const char *name, const char *extra)
{
    snprintf(err, errlen, fmt, name, extra);
    return false;
}

static bool read_pairs(const cJSON *v, faults_pair **out, size_t *n, char *err, size_t errlen)
{
    if (!cJSON_IsObject(v))
        return fail(err, errlen, "invalid '%s': must be an object of header names to string values%s", v->string, "");
    size_t count = (size_t)cJSON_GetArraySize(v);
    *out = calloc(count ? count : 1, sizeof **out);
    if (!*out)
        return fail(err, errlen, "out of memory reading '%s'%s", v->string, "");
    for (const cJSON *h = v->child; h; h = h->next) {
        if (!cJSON_IsString(h) || !h->string[0] || strpbrk(h->valuestring, "\r\n") || strpbrk(h->string, "\r\n: "))
            return fail(err, errlen, "invalid '%s': header '%.100s' needs a plain string value", v->string, h->string);
        faults_pair *p = &(*out)[(*n)++];
        p->name = strdup(h->string);
        p->value = strdup(h->valuestring);
        if (!p->name || !p->value)
            return fail(err, errlen, "out of memory reading '%s'%s", v->string, "");
    }
    return true;
}

static bool add_extra_pair(faults_rule *r, const char *name, const char *value)
{
    faults_pair *grown = realloc(r->extras, (r->nextras + 1) * sizeof *grown);
    if (!grown)
        return false;
    r->extras = grown;
    faults_pair *p = &r->extras[r->nextras++];
    p->name = strdup(name);
    p->value = strdup(value);
    return p->name && p->value;
}

/* A server-registered kind. */
static bool server_kind(faults_rule *r, const faults_extensions *x, const char *value)
{
    for (size_t i = 0; x && i < x->nkinds; i++) {
        if (!strcmp(x->kinds[i], value))
            return add_extra_pair(r, "kind", value);
    }
    return false;
}

static bool read_kind(faults_rule *r, const cJSON *v, const faults_extensions *x, char *err, size_t errlen)
{
    for (size_t i = 0; cJSON_IsString(v) && i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(v->valuestring, kinds[i].name) == 0) {
            r->kind = kinds[i].mode;
            return true;
        }
    }
    if (cJSON_IsString(v) && server_kind(r, x, v->valuestring))
        return true;
    return fail(err, errlen, "invalid '%s': must be one of reset, empty, truncate, hang, drip, malformed%s",
                "kind", x && x->nkinds ? " (or one of this server's own)" : "");
}

static char **str_slot(faults_rule *r, const char *name)
{
    if (!strcmp(name, "path"))
        return &r->path;
    if (!strcmp(name, "method"))
        return &r->method;
    if (!strcmp(name, "test_id"))
        return &r->test_id;
    return &r->model;
}

static long *int_slot(faults_rule *r, const char *name)
{
    static const char *names[] = {"status",      "delay_ms", "jitter_ms",        "times",         "after",
                                  "every",       "duration_ms", "seed",          "hang_ms",       "drip_bytes_per_s",
                                  "truncate_bytes"};
    long *slots[] = {&r->status, &r->delay_ms,    &r->jitter_ms, &r->times,          &r->after,
                     &r->every,  &r->duration_ms, &r->seed,      &r->hang_ms,        &r->drip_bytes_per_s,
                     &r->truncate_bytes};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!strcmp(name, names[i]))
            return slots[i];
    }
    return NULL; /* every T_INT field is listed above */
}

static bool read_field(faults_rule *r, const field *f, const cJSON *v, const faults_extensions *x, char *err,
                       size_t errlen)
{
    switch (f->type) {
    case T_STR:
        if (!cJSON_IsString(v) || !v->valuestring[0])
            return fail(err, errlen, "invalid '%s': must be a non-empty string%s", f->name, "");
        return (*str_slot(r, f->name) = strdup(v->valuestring)) != NULL;
    case T_INT: {
        double d = cJSON_IsNumber(v) ? v->valuedouble : NAN;
        if (!isfinite(d) || d != floor(d) || d < f->min || d > f->max) {
            char range[64];
            snprintf(range, sizeof range, " from %ld to %ld", f->min, f->max);
            return fail(err, errlen, "invalid '%s': must be an integer%s", f->name, range);
        }
        long *slot = int_slot(r, f->name);
        if (slot)
            *slot = (long)d;
        return slot != NULL;
    }
    case T_PROB:
        if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 1))
            return fail(err, errlen, "invalid '%s': must be a number from 0 to 1%s", f->name, "");
        r->probability = v->valuedouble;
        return true;
    case T_PAIRS:
        return !strcmp(f->name, "headers") ? read_pairs(v, &r->headers, &r->nheaders, err, errlen)
                                           : read_pairs(v, &r->match_headers, &r->nmatch, err, errlen);
    case T_BODY: /* a string as is; any other JSON value as its compact text */
        r->body = cJSON_IsString(v) ? strdup(v->valuestring) : cJSON_PrintUnformatted(v);
        return r->body != NULL;
    case T_KIND:
        return read_kind(r, v, x, err, errlen);
    }
    return false;
}

static faults_rule *new_rule(void)
{
    faults_rule *r = calloc(1, sizeof *r);
    if (r) {
        r->probability = 1.0;
        r->seed = -1;
        r->hang_ms = r->drip_bytes_per_s = r->truncate_bytes = -1;
    }
    return r;
}

/* Each kind's parameter is its own field, and fits no other kind (a
 * drip_bytes_per_s on a hang used to set the hang's length). The kind
 * gets it as kind_param; a truncate without truncate_bytes cuts half. */
static bool kind_parameter(faults_rule *r, char *err, size_t errlen)
{
    static const struct {
        const char *field;
        srv_delivery kind;
        const char *kind_name;
    } params[] = {{"hang_ms", SRV_DELIVER_HANG, "hang"},
                  {"drip_bytes_per_s", SRV_DELIVER_DRIP, "drip"},
                  {"truncate_bytes", SRV_DELIVER_TRUNCATE, "truncate"}};
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        long v = *int_slot(r, params[i].field);
        if (v >= 0 && r->kind != params[i].kind)
            return fail(err, errlen, "'%s' needs \"kind\": \"%s\"", params[i].field, params[i].kind_name);
        if (r->kind == params[i].kind)
            r->kind_param = v;
    }
    if (r->kind_param < 0) /* not given: the kind's default */
        r->kind_param = r->kind == SRV_DELIVER_TRUNCATE ? (long)SRV_TRUNCATE_HALF : 0; /* hang: 10 min; drip: 1 B/s */
    return true;
}

/* A server-specific field: its value as text, checked by the server. */
static bool read_extra(faults_rule *r, const faults_ext *x, const cJSON *v, char *err, size_t errlen)
{
    char num[32], why[200] = "";
    const char *text = cJSON_IsString(v) ? v->valuestring : NULL;
    if (cJSON_IsNumber(v)) {
        snprintf(num, sizeof num, "%.17g", v->valuedouble);
        text = num;
    }
    if (!text || !x->check(text, why, sizeof why))
        return fail(err, errlen, "invalid '%s': %s", x->name, why[0] ? why : "expected a string or a number");
    return add_extra_pair(r, x->name, text) || fail(err, errlen, "out of memory reading '%s'%s", x->name, "");
}

static const faults_ext *find_ext(const faults_extensions *x, const char *name)
{
    for (size_t i = 0; x && i < x->nfields; i++) {
        if (strcmp(x->fields[i].name, name) == 0)
            return &x->fields[i];
    }
    return NULL;
}

/* cJSON keeps every copy of a repeated key. Reading a field twice would leak
 * the first value, or write a second header list past the first one's
 * storage; and which copy was meant is anyone's guess: refuse it. */
static bool repeated(const cJSON *obj, const cJSON *v)
{
    for (const cJSON *w = obj->child; w != v; w = w->next) {
        if (strcmp(w->string, v->string) == 0)
            return true;
    }
    return false;
}

faults_rule *faults_rule_from_json(const void *obj, const faults_extensions *ext, char *err, size_t errlen)
{
    const cJSON *o = obj;
    if (!cJSON_IsObject(o)) {
        snprintf(err, errlen, "a fault rule must be a JSON object");
        return NULL;
    }
    faults_rule *r = new_rule();
    bool ok = r != NULL;
    for (const cJSON *v = o->child; ok && v; v = v->next) {
        const field *f = find_field(v->string);
        const faults_ext *x = f ? NULL : find_ext(ext, v->string);
        ok = repeated(o, v) ? fail(err, errlen, "field '%.100s' is given more than once%s", v->string, "")
             : f            ? read_field(r, f, v, ext, err, errlen)
             : x            ? read_extra(r, x, v, err, errlen)
                            : fail(err, errlen, "unknown field '%.100s'%s", v->string, "");
    }
    if (ok && r->status == 0 && r->delay_ms == 0 && r->kind == SRV_DELIVER_NORMAL && r->nheaders == 0 &&
        r->nextras == 0)
        ok = fail(err, errlen, "a rule needs an action: %s%s", "status, delay_ms, kind or headers", "");
    if (ok)
        ok = kind_parameter(r, err, errlen);
    if (ok && !(r->json = cJSON_Duplicate(o, true)))
        ok = fail(err, errlen, "out of memory%s%s", "", "");
    if (!ok) {
        if (!r)
            snprintf(err, errlen, "out of memory");
        faults_rule_free(r);
        return NULL;
    }
    return r;
}

/* Spaces and tabs off both ends of s, in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* "status=503;delay_ms=800" → {"status":503,"delay_ms":800}: numeric
 * fields become numbers, the rest strings; then the JSON path validates.
 * Spaces around items, keys and values are not part of them
 * ("status = 503; delay_ms=800"), as in other header syntaxes. */
faults_rule *faults_rule_from_header(const char *kv, const faults_extensions *ext, char *err, size_t errlen)
{
    err[0] = '\0';
    cJSON *o = cJSON_CreateObject();
    char *copy = strdup(kv);
    bool ok = o && copy;
    char *save = NULL;
    for (char *item = copy ? strtok_r(copy, ";", &save) : NULL; ok && item; item = strtok_r(NULL, ";", &save)) {
        item = trim(item);
        char *eq = strchr(item, '=');
        if (!*item)
            continue;
        if (!eq) {
            ok = fail(err, errlen, "invalid x-mock-fault item '%.100s': expected key=value%s", item, "");
            break;
        }
        *eq = '\0';
        char *value = trim(eq + 1);
        item = trim(item);
        const field *f = find_field(item);
        char *end;
        double d = strtod(value, &end);
        bool numeric = f && (f->type == T_INT || f->type == T_PROB) && end != value && *end == '\0';
        ok = (numeric ? cJSON_AddNumberToObject(o, item, d) : cJSON_AddStringToObject(o, item, value)) != NULL;
    }
    faults_rule *r = ok ? faults_rule_from_json(o, ext, err, errlen) : NULL;
    if (!ok && copy && o && !err[0])
        snprintf(err, errlen, "out of memory");
    cJSON_Delete(o);
    free(copy);
    return r;
}

static void free_pairs(faults_pair *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].name);
        free(p[i].value);
    }
    free(p);
}

void faults_rule_free(faults_rule *r)
{
    if (!r)
        return;
    cJSON_Delete(r->json);
    free(r->path);
    free(r->method);
    free(r->model);
    free(r->test_id);
    free(r->body);
    free_pairs(r->match_headers, r->nmatch);
    free_pairs(r->headers, r->nheaders);
    free_pairs(r->extras, r->nextras);
    free(r);
}
