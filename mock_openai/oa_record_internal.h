/* What the oa_record files share (not for the rest of mock_openai). */
#ifndef OA_RECORD_INTERNAL_H
#define OA_RECORD_INTERNAL_H

#include "oa_record.h"

struct upstream;
struct cJSON;

struct oa_rec {
    oa_rec_config cfg;
    const oa_ctx *c;
    struct upstream *up; /* NULL: replay only */
    bool synthetic;      /* --fallback synthetic */
};

/* The mock's own handler for the family. */
void oa_rec_synthetic(srv_req *r, const oa_rec *rec, oa_rec_family f);

/* Answer from a recording (oa_record_replay.c). */
void oa_rec_replay(srv_req *r, const oa_rec *rec, oa_rec_family f, const struct cJSON *body, const struct cJSON *doc);
/* Embeddings from a recording: the vectors in the encoding asked for. */
void oa_rec_embed_replay(srv_req *r, const oa_rec *rec, const struct cJSON *body, const struct cJSON *doc);

/* Defer the answer and send the request upstream; the answer is recorded
 * into folder/name and passed on (oa_record_forward.c). Takes body (returns
 * NULL) when the call went out; else returns it with an error written. */
struct cJSON *oa_rec_forward(srv_req *r, oa_rec *rec, oa_rec_family f, struct cJSON *body, const char *folder,
                             const char *name);

#endif
