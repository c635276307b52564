/* What upstream.c (the thread) and upstream_call.c (building a call)
 * share: the records of a call and of the caller. Nothing else includes it. */
#ifndef MW_UPSTREAM_INTERNAL_H
#define MW_UPSTREAM_INTERNAL_H

#include <curl/curl.h>

#include "upstream.h"
#include "worker.h"

typedef struct up_field {
    char *name, *value;          /* a plain field */
    char *filename;              /* a file part when not NULL */
    buf data;
    struct up_field *next;
} up_field;

struct up_call {
    char method[16];
    char *path;
    struct curl_slist *headers;
    buf body;
    bool has_body;
    up_field *fields, *last_field;
    unsigned after_ms;
    uint64_t due_ms;
    up_head_fn head;   /* up_call_stream: told when the answer starts, */
    up_data_fn piece;  /* then given each piece */
    bool started, streaming;
    /* while queued or flying */
    const srv *server; /* the server of the request waiting for it: its stop ends the call */
    up_done_fn done;
    void *ctx;
    CURL *easy;
    curl_mime *mime;
    up_answer answer;
    char err[CURL_ERROR_SIZE];
    bool too_big;
    upstream *u;
    struct up_call *next;
};

struct upstream {
    worker w;            /* its lock guards the queue */
    up_call *queue;      /* oldest first; each waits for its due time */
    up_call *flying;
    int in_flight;
    CURLM *multi;
    char *base;
    char *key;
    long timeout_ms;
};

#endif
