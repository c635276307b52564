/* oa_error: OpenAI's error envelope,
 * {"error":{"message":...,"type":...,"param":...,"code":...}}, all four keys
 * always present (param and code may be null). */
#ifndef OA_ERROR_H
#define OA_ERROR_H

#include "server.h"

/* A validation failure found while reading a request, reported later. */
typedef struct oa_err {
    int status;
    char message[600];
    const char *type;
    char param[48]; /* "" means null */
    const char *code; /* NULL means null */
} oa_err;

void oa_error(srv_req *r, int status, const char *message, const char *type, const char *param,
              const char *code);
void oa_error_send(srv_req *r, const oa_err *e);

/* Set e and return false, so validators can `return oa_fail(e, ...)`. */
bool oa_fail(oa_err *e, int status, const char *type, const char *param, const char *code,
             const char *fmt, ...) __attribute__((format(printf, 6, 7)));

void oa_error_model_not_found(srv_req *r, const char *model);

/* srv_error_fn for errors the core decides (404, 405, 413, 500). */
void oa_core_error(srv_req *r, int status, const char *message);
/* The same in OpenAI's envelope, whatever the path. */
void oa_core_error_openai(srv_req *r, int status, const char *message);

#endif
