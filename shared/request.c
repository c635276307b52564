/* Request accessors and response builders for handlers. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "req_internal.h"

uint64_t req_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
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

buf *srv_resp_body(srv_req *r)
{
    return &r->resp;
}

bool srv_resp_text(srv_req *r, int status, const char *content_type, const char *text)
{
    r->status = status;
    buf_clear(&r->resp);
    if (content_type && !srv_resp_header(r, "content-type", content_type))
        return false;
    return buf_puts(&r->resp, text);
}

void srv_resp_error(srv_req *r, int status, const char *message)
{
    r->status = status;
    buf_clear(&r->resp);
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
    r->delay_ms = ms;
}

void srv_resp_deliver(srv_req *r, srv_delivery how, unsigned long param)
{
    r->delivery = how;
    r->delivery_param = param;
}

void srv_req_mark_fault(srv_req *r, const char *rule, const char *kind)
{
    snprintf(r->fault_rule, sizeof r->fault_rule, "%s", rule);
    snprintf(r->fault_kind, sizeof r->fault_kind, "%s", kind);
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
    return r->delivery;
}
