/* Building an upstream call: its method, path, headers (credentials
 * included), and a body or a multipart form. See upstream.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "upstream_internal.h"

up_call *up_call_new(const char *method, const char *path)
{
    up_call *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(path))) {
        free(c);
        return NULL;
    }
    snprintf(c->method, sizeof c->method, "%s", method);
    return c;
}

void up_call_free(up_call *c)
{
    if (!c)
        return;
    while (c->fields) {
        up_field *f = c->fields;
        c->fields = f->next;
        free(f->name);
        free(f->value);
        free(f->filename);
        buf_free(&f->data);
        free(f);
    }
    curl_slist_free_all(c->headers);
    buf_free(&c->body);
    buf_free(&c->answer.body);
    free(c->path);
    free(c);
}

bool up_call_header(up_call *c, const char *name, const char *value)
{
    char line[8192];
    int n = snprintf(line, sizeof line, "%s: %s", name, value);
    if (n < 0 || (size_t)n >= sizeof line)
        return false;
    struct curl_slist *l = curl_slist_append(c->headers, line);
    if (!l)
        return false;
    c->headers = l;
    return true;
}

bool up_call_auth(up_call *c, const upstream *u, const srv_req *r)
{
    if (u->key) {
        char bearer[4200];
        snprintf(bearer, sizeof bearer, "Bearer %.4000s", u->key);
        return up_call_header(c, "Authorization", bearer) && up_call_header(c, "api-key", u->key);
    }
    static const char *const names[] = {"authorization", "api-key", "x-api-key"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = srv_req_header(r, names[i]);
        if (v && !up_call_header(c, names[i], v))
            return false;
    }
    return true;
}

bool up_call_body(up_call *c, const char *content_type, const char *body, size_t len)
{
    c->has_body = true;
    return up_call_header(c, "Content-Type", content_type) && (len == 0 || buf_append(&c->body, body, len));
}

static up_field *add_field(up_call *c, const char *name)
{
    up_field *f = calloc(1, sizeof *f);
    if (!f || !(f->name = strdup(name))) {
        free(f);
        return NULL;
    }
    if (c->last_field)
        c->last_field->next = f;
    else
        c->fields = f;
    c->last_field = f;
    return f;
}

bool up_call_field(up_call *c, const char *name, const char *value)
{
    up_field *f = add_field(c, name);
    return f && (f->value = strdup(value));
}

bool up_call_file(up_call *c, const char *name, const char *filename, const char *data, size_t len)
{
    up_field *f = add_field(c, name);
    return f && (f->filename = strdup(filename && *filename ? filename : "file")) &&
           (len == 0 || buf_append(&f->data, data, len));
}

void up_call_stream(up_call *c, up_head_fn head, up_data_fn piece)
{
    c->head = head;
    c->piece = piece;
}

void up_call_after(up_call *c, unsigned ms)
{
    c->after_ms = ms;
}
