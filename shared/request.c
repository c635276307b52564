/* The request record: its making, accessors, and the response builders
 * handlers and faults use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "srv_internal.h"

uint64_t req_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

srv_req *req_new(struct MHD_Connection *conn, const char *method, const char *path, srv_error_fn on_error)
{
    srv_req *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->server_error_fn = on_error;
    r->conn = conn;
    r->method = method;
    r->path = path;
    r->start_ns = req_now_ns();
    r->status = 200;
    reqid_next(r->id);
    return r;
}

void req_free(srv_req *r)
{
    if (!r)
        return;
    if (r->app_state_free)
        r->app_state_free(r->app_state);
    feed_release(r->feed); /* never sent (the client left first) */
    buf_free(&r->body);
    buf_free(&r->headers);
    resp_share_drop(r);
    buf_free(&r->resp);
    buf_free(&r->notes);
    free(r);
}

const char *srv_req_method(const srv_req *r)
{
    return r->method;
}

const char *srv_req_path(const srv_req *r)
{
    return r->path;
}

const char *srv_req_header(const srv_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *srv_req_query(const srv_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

typedef struct query_each {
    const char *name;
    void (*fn)(const char *value, void *ctx);
    void *ctx;
} query_each;

static enum MHD_Result each_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    query_each *q = cls;
    if (strcmp(key, q->name) == 0)
        q->fn(value ? value : "", q->ctx);
    return MHD_YES;
}

void srv_req_query_each(const srv_req *r, const char *name, void (*fn)(const char *value, void *ctx), void *ctx)
{
    query_each q = {name, fn, ctx};
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, each_arg, &q);
}

const char *srv_req_param(const srv_req *r, const char *name)
{
    return router_param_get(&r->match, name);
}

const char *srv_req_body(const srv_req *r, size_t *len)
{
    *len = r->body.len;
    return r->body.data ? r->body.data : "";
}

const char *srv_req_id(const srv_req *r)
{
    return r->id;
}

double srv_req_elapsed_ms(const srv_req *r)
{
    return (double)(req_now_ns() - r->start_ns) / 1e6;
}

void srv_resp_status(srv_req *r, int status)
{
    r->status = status;
}

int srv_resp_get_status(const srv_req *r)
{
    return r->status;
}

/* Header names and values are stored back to back in one buffer; a value
 * with CR or LF would split the response, so it is refused. */
bool srv_resp_header(srv_req *r, const char *name, const char *value)
{
    if (strpbrk(value, "\r\n") || strpbrk(name, "\r\n: "))
        return false;
    if (strcasecmp(name, "content-type") == 0)
        r->has_content_type = true;
    return buf_append(&r->headers, name, strlen(name) + 1) &&
           buf_append(&r->headers, value, strlen(value) + 1);
}

const char *srv_resp_header_get(const srv_req *r, const char *name)
{
    const char *found = NULL;
    for (size_t off = 0; off < r->headers.len;) {
        const char *n = r->headers.data + off, *v = n + strlen(n) + 1;
        if (strcasecmp(n, name) == 0)
            found = v;
        off = (size_t)(v + strlen(v) + 1 - r->headers.data);
    }
    return found;
}

void srv_mask_key(const char *key, size_t len, char *out, size_t cap)
{
    if (len >= 10)
        snprintf(out, cap, "%.6s***%.3s", key, key + len - 3);
    else
        snprintf(out, cap, "%.*s***", (int)(len / 3), key);
}

buf *srv_resp_body(srv_req *r)
{
    return &r->resp;
}

buf *srv_resp_restart(srv_req *r, int status)
{
    r->status = status;
    resp_share_drop(r);
    buf_clear(&r->resp);
    return &r->resp;
}

bool srv_resp_text(srv_req *r, int status, const char *content_type, const char *text)
{
    srv_resp_restart(r, status);
    if (content_type && !srv_resp_header(r, "content-type", content_type))
        return false;
    return buf_puts(&r->resp, text);
}

void srv_resp_error(srv_req *r, int status, const char *message)
{
    srv_resp_restart(r, status);
    if (r->server_error_fn) {
        r->server_error_fn(r, status, message);
    } else {
        buf_puts(&r->resp, "{\"error\":");
        buf_json_str(&r->resp, message, strlen(message));
        buf_puts(&r->resp, "}");
    }
}

void srv_resp_delay(srv_req *r, unsigned ms)
{
    r->plan.pace_ms += ms;
}

bool srv_resp_deliver(srv_req *r, srv_delivery how, unsigned long param)
{
    if (r->plan.fault_delivery)
        return false;
    r->plan.delivery = how;
    r->plan.param = param;
    return true;
}

void srv_fault_delay(srv_req *r, unsigned ms)
{
    r->plan.fault_ms += ms;
}

void srv_fault_deliver(srv_req *r, srv_delivery how, unsigned long param)
{
    r->plan.delivery = how;
    r->plan.param = param;
    r->plan.fault_delivery = true;
}

void srv_req_mark_fault(srv_req *r, const char *rule, const char *kind)
{
    snprintf(r->fault_rule, sizeof r->fault_rule, "%s", rule);
    snprintf(r->fault_kind, sizeof r->fault_kind, "%s", kind);
}

bool srv_req_faulted(const srv_req *r)
{
    return r->fault_rule[0] != '\0';
}

void srv_metrics_handler(srv_req *r, void *m)
{
    srv_resp_header(r, "content-type", "text/plain; version=0.0.4");
    metrics_write(m, &r->resp);
}

void srv_req_set_state(srv_req *r, void *state, void (*free_fn)(void *))
{
    r->app_state = state;
    r->app_state_free = free_fn;
}

void *srv_req_state(const srv_req *r)
{
    return r->app_state;
}

bool srv_req_note_set(srv_req *r, const char *name, const char *value)
{
    return buf_append(&r->notes, name, strlen(name) + 1) && buf_append(&r->notes, value, strlen(value) + 1);
}

const char *srv_req_note(const srv_req *r, const char *name)
{
    const char *found = NULL;
    for (size_t off = 0; off < r->notes.len;) {
        const char *n = r->notes.data + off, *v = n + strlen(n) + 1;
        if (strcmp(n, name) == 0)
            found = v; /* the last one set wins */
        off = (size_t)(v + strlen(v) + 1 - r->notes.data);
    }
    return found;
}

srv_delivery srv_resp_get_delivery(const srv_req *r)
{
    return r->plan.delivery;
}

/* RFC 9110: the scheme is case-insensitive, then one or more spaces; the
 * token ends at whitespace and anything after it is not part of it. */
const char *srv_req_bearer(const srv_req *r, size_t *len)
{
    const char *h = srv_req_header(r, "authorization");
    *len = 0;
    if (!h)
        return NULL;
    h += strspn(h, " \t");
    if (strncasecmp(h, "Bearer", 6) != 0 || (h[6] != ' ' && h[6] != '\t'))
        return NULL;
    h += 6 + strspn(h + 6, " \t");
    *len = strcspn(h, " \t");
    return *len ? h : NULL;
}
