/* lp_record: --record DIR [--upstream URL]: mock_llamaparse records the
 * real LlamaParse's results per document and replays them.
 *
 * An upload (v1 or v2, a file rather than a URL) is keyed by the sha256 of
 * its bytes plus a hash of its file name and form fields (webhook fields
 * left out): DIR[/<x-test-id>]/<sha256>.<16 hex>.json. That file is in the
 * --fixtures JSON format ({"pages": [{"md", "text"}]}, with the upstream's
 * job_metadata and what was uploaded beside it), so a recording can be read,
 * edited and committed like a fixture. A recorded upload becomes a local
 * job with those pages: polling, results, webhooks and job faults work as
 * for any job. Without a recording: the upstream parses it (upload, poll,
 * result/json) and it is saved, or a 404 names it (replay only), or the
 * mock parses it (--fallback synthetic). */
#ifndef LP_RECORD_H
#define LP_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "lp_ctx.h"
#include "router.h"
#include "server.h"

typedef struct lp_rec_config {
    const char *dir, *upstream, *key, *fallback;
    bool replay_only;
    long timeout_ms;
    long poll_ms;
} lp_rec_config;

#define LP_REC_OPTIONS(c)                                                                                      \
    {"record", "MOCK_RECORD_DIR", CLI_STR, &(c).dir,                                                           \
     "record and replay: uploads are answered with results recorded in DIR (per x-test-id in DIR/<test id>); " \
     "with --upstream, missing ones are parsed there and recorded", 0, 0},                                     \
    {"upstream", "MOCK_UPSTREAM", CLI_STR, &(c).upstream,                                                      \
     "record mode: the real API's base URL (https://api.cloud.llamaindex.ai) for uploads with no recording", 0, 0}, \
    {"upstream-key", "MOCK_UPSTREAM_KEY", CLI_STR, &(c).key,                                                   \
     "record mode: the key sent upstream instead of the client's own", 0, 0},                                  \
    {"upstream-timeout-ms", "MOCK_UPSTREAM_TIMEOUT_MS", CLI_INT, &(c).timeout_ms,                              \
     "record mode: the longest an upstream job may take, polls included (default 600000)", 0, 86400000},       \
    {"upstream-poll-ms", "MOCK_UPSTREAM_POLL_MS", CLI_INT, &(c).poll_ms,                                       \
     "record mode: time between two polls of an upstream job (default 1000)", 10, 600000},                    \
    {"replay-only", "MOCK_REPLAY_ONLY", CLI_BOOL, &(c).replay_only,                                            \
     "serve recordings only, even with --upstream: an upload with none gets a 404 (the default without "       \
     "--upstream)", 0, 0},                                                                                      \
    {"fallback", "MOCK_FALLBACK", CLI_STR, &(c).fallback,                                                      \
     "replay: what an upload with no recording gets: none (a 404, the default) or synthetic", 0, 0}

typedef struct lp_rec lp_rec;

/* NULL with err empty when recording is off. */
lp_rec *lp_rec_new(const lp_rec_config *cfg, const lp_ctx *c, char *err, size_t errlen);
void lp_rec_free(lp_rec *rec);

/* Put the recording handler in front of the file uploads (v1 under both
 * prefixes, v2). */
void lp_rec_routes(srv_routes *t, lp_rec *rec);

/* lp_upload_job's hook: a recorded document replaces the job's own parse. */
void lp_rec_apply(srv_req *r, lp_job *j);

/* The recording's base name for a document: "<sha256>.<16 hex>" of its
 * bytes, file name and (normalised) form fields. */
void lp_rec_base(const char *data, size_t len, const char *filename, const struct cJSON *fields, char *out,
                 size_t cap);

#endif
