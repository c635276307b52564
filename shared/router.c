#include "router.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Match one pattern against path, filling params; false if it differs. */
static bool match_pattern(const char *pat, const char *path, router_match_t *m)
{
    m->nparams = 0;
    m->used = 0;
    while (*pat && *path) {
        if (*pat == '{') {
            const char *close = strchr(pat, '}');
            size_t vlen = strcspn(path, "/");
            if (!close || vlen == 0 || vlen >= sizeof m->values - m->used || m->nparams == ROUTER_MAX_PARAMS)
                return false;
            router_param *p = &m->params[m->nparams++];
            p->name = pat + 1;
            p->name_len = (unsigned short)(close - pat - 1);
            p->value = (unsigned short)m->used;
            memcpy(m->values + m->used, path, vlen);
            m->values[m->used + vlen] = '\0';
            m->used += vlen + 1;
            pat = close + 1;
            path += vlen;
        } else if (*pat++ != *path++) {
            return false;
        }
    }
    return *pat == '\0' && *path == '\0';
}

static bool method_is(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

static void add_allow(router_match_t *m, const char *method)
{
    if (strstr(m->allow, method))
        return;
    size_t used = strlen(m->allow);
    if (used + strlen(method) + 3 >= sizeof m->allow)
        return;
    if (used)
        strcat(m->allow, ", ");
    strcat(m->allow, method);
}

router_result router_match(const srv_route *routes, size_t n, const char *method, const char *path,
                           router_match_t *m)
{
    bool path_known = false;
    m->allow[0] = '\0';
    m->route = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!match_pattern(routes[i].pattern, path, m))
            continue;
        if (method_is(routes[i].method, method)) {
            m->route = &routes[i];
            return ROUTE_FOUND;
        }
        path_known = true;
        add_allow(m, routes[i].method);
        if (strcmp(routes[i].method, "GET") == 0)
            add_allow(m, "HEAD"); /* served by the GET route */
    }
    m->nparams = 0;
    return path_known ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}

const char *router_param_get(const router_match_t *m, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < m->nparams; i++) {
        if (m->params[i].name_len == len && memcmp(m->params[i].name, name, len) == 0)
            return m->values + m->params[i].value;
    }
    return NULL;
}

void srv_routes_add(srv_routes *t, srv_route route)
{
    if (t->failed)
        return;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        srv_route *grown = realloc(t->v, cap * sizeof *grown);
        if (!grown) {
            t->failed = true;
            return;
        }
        t->v = grown;
        t->cap = cap;
    }
    t->v[t->n++] = route;
}

void srv_routes_add_all(srv_routes *t, const srv_route *routes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        srv_routes_add(t, routes[i]);
}

bool srv_routes_ok(const srv_routes *t)
{
    return !t->failed;
}

void srv_routes_free(srv_routes *t)
{
    free(t->v);
    *t = (srv_routes){0};
}
