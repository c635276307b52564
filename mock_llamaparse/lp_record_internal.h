/* What the lp_record files share. */
#ifndef LP_RECORD_INTERNAL_H
#define LP_RECORD_INTERNAL_H

#include "lp_record.h"

struct upstream;

struct lp_rec {
    lp_rec_config cfg;
    const lp_ctx *c;
    struct upstream *up; /* NULL: replay only */
    bool synthetic;
};

/* Answer the upload as the mock would, with the recording folder/base
 * (when not NULL) as its document. */
void lp_rec_answer(srv_req *r, const lp_rec *rec, srv_handler original, const char *folder, const char *base);

/* Record mode: defer, parse upstream, save folder/base.json, answer
 * (lp_record_flow.c). */
void lp_rec_forward(srv_req *r, lp_rec *rec, srv_handler original, const char *folder, const char *base,
                    const char *data, size_t len, const char *filename);

#endif
