/* The v2 parse API's shared parts: a job in v2's shape (lp_v2.c), the
 * expansions of GET /api/v2/parse/{id} (lp_v2_expand.c), the list
 * (lp_v2_list.c), and the parser versions (lp_v2_versions.c). */
#ifndef LP_V2_H
#define LP_V2_H

#include "lp_ctx.h"

struct cJSON;

/* v2's status names: PENDING, RUNNING, COMPLETED, FAILED, CANCELLED. */
const char *lp_v2_status(const lp_job *j, lp_status st);

/* The job object ({"id","project_id","status",...,"user_metadata"}); with
 * usage, its "usage":{"credits"} too. */
void lp_v2_job_json(buf *b, const lp_job *j, lp_status st, bool usage);

/* The ?expand= values (repeated or comma-separated) as X_* bits: false
 * with the 422 written for a name the SDK does not list. */
bool lp_v2_expand_parse(srv_req *r, unsigned *x);

/* {"job":..., and each expansion asked for} of a job. */
void lp_v2_expanded(buf *b, srv_req *r, const lp_job *j, lp_status st, unsigned x);

/* "latest" or a version of the tier (lp_v2_versions.c). */
bool lp_v2_version_ok(const char *tier, const char *version);

/* user_metadata checked (an object of strings, or absent/null) into its
 * compact text (*out NULL when absent); false with the 422 written. */
bool lp_v2_user_metadata(srv_req *r, const struct cJSON *v, char **out);

void lp_v2_versions(srv_req *r, void *ctx);
void lp_v2_result_raw(srv_req *r, void *ctx);

#endif
