/* router: match (method, path) against a table of patterns.
 *
 * A pattern is a path whose segments are literal or "{name}" (one non-empty
 * segment captured as a parameter):
 *
 *     {"GET", "/v1/models/{id}", handler, ctx}
 *     router_match(routes, n, "GET", "/v1/models/abc", &m)  → ROUTE_FOUND,
 *         m.route = that entry, m.params[0] = {"id", "abc"}
 *
 * A path that matches some pattern under another method gives
 * ROUTE_BAD_METHOD with the allowed methods listed in m.allow; HEAD is served
 * by GET routes. */
#ifndef MW_ROUTER_H
#define MW_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#define ROUTER_MAX_PARAMS 4
#define ROUTER_PARAM_MAX 256

typedef struct srv_req srv_req;
typedef void (*srv_handler)(srv_req *r, void *ctx);

/* A route that streams its request body takes each chunk as it arrives
 * (instead of the core buffering it up to max_body); return false to stop
 * taking the rest. */
typedef bool (*srv_body_fn)(srv_req *r, const char *data, size_t len, void *ctx);

/* What the core does around a route, beyond calling it. */
enum {
    SRV_ROUTE_CONTROL = 1,     /* the control plane and /metrics: never faulted, never journaled */
    SRV_ROUTE_UNJOURNALED = 2, /* /health: faults apply, but it is not journaled */
};

typedef struct srv_route {
    const char *method;
    const char *pattern;
    srv_handler fn;
    void *ctx;
    srv_body_fn body; /* optional: stream the body (uploads) */
    unsigned flags;   /* SRV_ROUTE_* */
} srv_route;

/* A route table built by appending, so no count is kept by hand.
 *
 *     srv_routes t = {0};
 *     srv_routes_add(&t, (srv_route){"GET", "/health", health, ctx, .flags = SRV_ROUTE_UNJOURNALED});
 *     SRV_ROUTES_ADD_ALL(&t, more);            // a static array of routes
 *     if (!srv_routes_ok(&t)) ...              // out of memory at some point
 *     router_match(t.v, t.n, ...);
 *     srv_routes_free(&t);
 */
typedef struct srv_routes {
    srv_route *v;
    size_t n, cap;
    bool failed; /* an append found no memory */
} srv_routes;

void srv_routes_add(srv_routes *t, srv_route route);
void srv_routes_add_all(srv_routes *t, const srv_route *routes, size_t n);
#define SRV_ROUTES_ADD_ALL(t, array) srv_routes_add_all((t), (array), sizeof(array) / sizeof((array)[0]))
bool srv_routes_ok(const srv_routes *t);
void srv_routes_free(srv_routes *t);

typedef struct router_param {
    const char *name; /* points into the pattern, not NUL-terminated */
    unsigned short name_len;
    unsigned short value; /* offset of its NUL-terminated value in values[] */
} router_param;

/* Every request carries one (thousands may be held at once), so the values
 * share one ROUTER_PARAM_MAX buffer instead of one each: a path whose
 * parameters need more does not match. */
typedef struct router_match_t {
    const srv_route *route;
    router_param params[ROUTER_MAX_PARAMS];
    size_t nparams;
    size_t used; /* bytes of values[] taken */
    char values[ROUTER_PARAM_MAX];
    char allow[64]; /* "GET, POST" when the method did not match */
} router_match_t;

typedef enum { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD } router_result;

router_result router_match(const srv_route *routes, size_t n, const char *method, const char *path,
                           router_match_t *m);

/* Value of parameter `name` captured by the match, or NULL. */
const char *router_param_get(const router_match_t *m, const char *name);

#endif
