#include "fuzz_common.h"

#include <cJSON.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

void *fuzz_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "fuzz harness: out of memory\n");
        abort();
    }
    return p;
}

char *fuzz_copy(const unsigned char *data, size_t size)
{
    char *p = fuzz_xmalloc(size);
    if (size)
        memcpy(p, data, size);
    return p;
}

char *fuzz_cstr(const unsigned char *data, size_t size)
{
    char *p = fuzz_xmalloc(size + 1);
    if (size)
        memcpy(p, data, size);
    p[size] = '\0';
    return p;
}

bool fuzz_field(const unsigned char **in, size_t *left, unsigned char sep, const unsigned char **data, size_t *len)
{
    if (!*in)
        return false;
    const unsigned char *s = *in, *hit = memchr(s, sep, *left);
    *data = s;
    *len = hit ? (size_t)(hit - s) : *left;
    if (hit) {
        *left -= *len + 1;
        *in = hit + 1;
    } else {
        *left = 0;
        *in = NULL; /* the last field has been handed out */
    }
    return true;
}

/* Lookup tables: a handful of entries is all a request here carries. */
#define MAX_PAIRS 32
typedef struct pair {
    const char *name, *value;
    bool query;
} pair;
static pair pairs[MAX_PAIRS];
static size_t npairs;
static void *fake_conn;

void fuzz_headers_reset(void)
{
    npairs = 0;
}

static bool add_pair(const char *name, const char *value, bool query)
{
    if (npairs == MAX_PAIRS)
        return false;
    pairs[npairs++] = (pair){name, value, query};
    return true;
}

bool fuzz_header_add(const char *name, const char *value)
{
    return add_pair(name, value, false);
}

bool fuzz_query_add(const char *name, const char *value)
{
    return add_pair(name, value, true);
}

const char *fuzz_query_get(const char *name)
{
    for (size_t i = 0; i < npairs; i++) {
        if (pairs[i].query && strcmp(pairs[i].name, name) == 0)
            return pairs[i].value;
    }
    return NULL;
}

static const char *lookup(const void *conn, enum MHD_ValueKind kind, const char *key)
{
    FUZZ_CHECK(conn == fake_conn); /* nothing else should reach libmicrohttpd */
    if (!key)
        return NULL;
    for (size_t i = 0; i < npairs; i++) {
        if (kind == MHD_GET_ARGUMENT_KIND && pairs[i].query && strcmp(pairs[i].name, key) == 0)
            return pairs[i].value;
        if (kind == MHD_HEADER_KIND && !pairs[i].query && strcasecmp(pairs[i].name, key) == 0)
            return pairs[i].value;
    }
    return NULL;
}

/* These definitions take the place of libmicrohttpd's own for the whole
 * process, its post processor included (it calls them through the PLT). */
const char *MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind, const char *key)
{
    return lookup(connection, kind, key);
}

enum MHD_Result MHD_lookup_connection_value_n(struct MHD_Connection *connection, enum MHD_ValueKind kind,
                                              const char *key, size_t key_size, const char **value_ptr,
                                              size_t *value_size_ptr)
{
    (void)key_size;
    const char *v = lookup(connection, kind, key);
    if (value_ptr)
        *value_ptr = v;
    if (value_size_ptr)
        *value_size_ptr = v ? strlen(v) : 0;
    return v ? MHD_YES : MHD_NO;
}

srv_req *fuzz_req_new(const char *method, const char *path, const char *body, size_t body_len)
{
    if (!fake_conn) {
        fake_conn = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (fake_conn == MAP_FAILED) {
            perror("mmap");
            abort();
        }
    }
    srv_req *r = req_new(fake_conn, method, path, NULL); /* the server's own constructor */
    if (!r || (body_len && !buf_append(&r->body, body, body_len)))
        abort();
    r->body_seen = body_len;
    return r;
}

void fuzz_req_free(srv_req *r)
{
    req_free(r);
}

bool fuzz_json_valid(const char *text, size_t len)
{
    /* One value and nothing after it: cJSON checks that only up to a NUL,
     * so the NUL is part of what it reads, and none may come earlier. */
    if (!text || text[len] != '\0' || strlen(text) != len)
        return false;
    cJSON *j = cJSON_ParseWithLengthOpts(text, len + 1, NULL, true);
    cJSON_Delete(j);
    return j != NULL;
}

void fuzz_sse_check(const buf *b)
{
    FUZZ_CHECK(b->data && b->len >= 14 && !strcmp(b->data + b->len - 14, "data: [DONE]\n\n"));
    for (const char *p = b->data; p < b->data + b->len - 14;) {
        const char *end = strstr(p, "\n\n");
        FUZZ_CHECK(end && !strncmp(p, "data: ", 6));
        size_t n = (size_t)(end - p) - 6;
        char *event = fuzz_cstr((const unsigned char *)p + 6, n);
        FUZZ_CHECK(fuzz_json_valid(event, n));
        free(event);
        p = end + 2;
    }
}
