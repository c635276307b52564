/* --record for mock_llamaparse: the upload handlers' front (see
 * lp_record.h). Faults were decided before: a replayed upload is a job
 * like any other, and the job faults of the request apply to it. */
#include "lp_record.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "lp_fixtures.h"
#include "lp_record_internal.h"
#include "rec_mode.h"
#include "rec_store.h"
#include "upstream.h"

#define LP_REC_TIMEOUT_DEFAULT_MS 600000
#define LP_REC_POLL_DEFAULT_MS 1000

lp_rec *lp_rec_new(const lp_rec_config *cfg, const lp_ctx *c, char *err, size_t errlen)
{
    lp_rec *rec = calloc(1, sizeof *rec);
    if (!rec) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    rec->cfg = *cfg;
    rec->c = c;
    if (rec->cfg.timeout_ms <= 0)
        rec->cfg.timeout_ms = LP_REC_TIMEOUT_DEFAULT_MS;
    if (rec->cfg.poll_ms <= 0)
        rec->cfg.poll_ms = LP_REC_POLL_DEFAULT_MS;
    rec_flags f = {cfg->dir, cfg->upstream, cfg->key, cfg->fallback, cfg->replay_only, rec->cfg.timeout_ms};
    if (rec_mode_open(&f, &rec->up, &rec->synthetic, err, errlen) <= 0) {
        free(rec);
        return NULL;
    }
    return rec;
}

void lp_rec_free(lp_rec *rec)
{
    if (!rec)
        return;
    upstream_stop(rec->up);
    free(rec);
}

/* Fields that route an upload's outcome elsewhere without changing it. */
static const char *const volatile_fields[] = {"webhook_url", "webhook_configurations", "job_id"};

void lp_rec_base(const char *data, size_t len, const char *filename, const cJSON *fields, char *out, size_t cap)
{
    char sum[65], key[REC_KEY_LEN + 1];
    lp_sha256_hex(data, len, sum);
    cJSON *k = cJSON_CreateObject();
    cJSON *opts = fields ? cJSON_Duplicate(fields, true) : cJSON_CreateObject();
    for (size_t i = 0; opts && i < sizeof volatile_fields / sizeof volatile_fields[0]; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(opts, volatile_fields[i]);
    if (k && opts && cJSON_AddStringToObject(k, "file_name", filename ? filename : "") &&
        cJSON_AddItemToObject(k, "options", opts))
        opts = NULL;
    cJSON_Delete(opts);
    rec_key(k, key);
    cJSON_Delete(k);
    snprintf(out, cap, "%s.%s", sum, key);
}

void lp_rec_answer(srv_req *r, const lp_rec *rec, srv_handler original, const char *folder, const char *base)
{
    if (folder && base && (!srv_req_note_set(r, "rec.folder", folder) || !srv_req_note_set(r, "rec.base", base))) {
        lp_detail(r, 500, "Out of memory.");
        return;
    }
    original(r, (void *)rec->c);
}

void lp_rec_apply(srv_req *r, lp_job *j)
{
    const char *folder = srv_req_note(r, "rec.folder"), *base = srv_req_note(r, "rec.base");
    lp_doc *d = folder && base && j ? lp_fixture_doc(folder, base, "", 0) : NULL;
    if (!d)
        return;
    lp_doc_free(j->doc);
    j->doc = d;
    if (d->npages > 0 && j->outcome == LP_ERROR) { /* our own parse found nothing; the recording did */
        j->outcome = LP_SUCCESS;
        j->error_code[0] = '\0';
        free(j->error_message);
        j->error_message = NULL;
    }
}

static void missing(srv_req *r, const char *folder, const char *base, const char *filename)
{
    char msg[700];
    snprintf(msg, sizeof msg,
             "No recording for this upload (file '%.100s'): %.300s/%.90s.json does not exist. Record it with "
             "--upstream URL, or allow synthetic results with --fallback synthetic.", filename, folder, base);
    lp_detail(r, 404, msg);
    log_msg(LOG_WARN, "record: no recording %s/%s.json for %s %s (file '%s')", folder, base, srv_req_method(r),
            srv_req_path(r), filename);
}

/* What is not recorded (a document by URL or by file_id, the old
 * contract's /parse): the mock's own answer only with --fallback
 * synthetic, else a 404 that says so. */
static void unrecorded(srv_req *r, const lp_rec *rec, srv_handler original, const char *what)
{
    if (rec->synthetic) {
        srv_resp_header(r, "x-mock-record", "synthetic");
        original(r, (void *)rec->c);
        return;
    }
    srv_resp_header(r, "x-mock-record", "missing");
    char msg[300];
    snprintf(msg, sizeof msg, "No recording: %s not recorded (only file uploads are); answer it synthetically with "
             "--fallback synthetic.", what);
    lp_detail(r, 404, msg);
    log_msg(LOG_WARN, "record: no recording for %s %s (%s)", srv_req_method(r), srv_req_path(r), what);
}

static void serve(srv_req *r, lp_rec *rec, srv_handler original)
{
    const char *data, *filename;
    size_t len;
    char folder[4096], base[128], path[4300];
    if (!lp_auth_check(r, rec->c) || !lp_upload_form(r))
        return;
    if (!lp_upload_file(r, &data, &len, &filename)) {
        if (lp_upload_field(r, "input_url"))
            unrecorded(r, rec, original, "a document given by URL is");
        else
            original(r, (void *)rec->c); /* no document: the mock's own 400 */
        return;
    }
    if (!rec_folder(folder, sizeof folder, rec->cfg.dir, srv_req_header(r, "x-test-id"))) {
        lp_detail(r, 400, "The x-test-id header is too long for a recording folder.");
        return;
    }
    lp_rec_base(data, len, filename, lp_upload_fields(r), base, sizeof base);
    snprintf(path, sizeof path, "%s.json", base);
    cJSON *doc = rec_read(folder, path);
    bool found = doc != NULL;
    cJSON_Delete(doc);
    /* x-mock-record says where the answer came from ("recorded": lp_record_flow.c). */
    if (found && srv_resp_header(r, "x-mock-record", "replayed"))
        lp_rec_answer(r, rec, original, folder, base);
    else if (found)
        lp_detail(r, 500, "Out of memory.");
    else if (rec->up)
        lp_rec_forward(r, rec, original, folder, base, data, len, filename);
    else if (rec->synthetic && srv_resp_header(r, "x-mock-record", "synthetic"))
        lp_rec_answer(r, rec, original, NULL, NULL);
    else if (srv_resp_header(r, "x-mock-record", "missing"))
        missing(r, folder, base, filename);
    else
        lp_detail(r, 500, "Out of memory.");
}

static void on_v1(srv_req *r, void *rec)
{
    serve(r, rec, lp_handle_upload);
}

static void on_v2(srv_req *r, void *rec)
{
    serve(r, rec, lp_v2_upload);
}

static void on_v2_create(srv_req *r, void *rec)
{
    if (lp_auth_check(r, ((lp_rec *)rec)->c))
        unrecorded(r, rec, lp_v2_create, "a parse of a stored file or a URL (POST /api/v2/parse) is");
}

static void on_legacy(srv_req *r, void *rec)
{
    unrecorded(r, rec, lp_legacy_parse, "the old contract's POST /parse is");
}

void lp_rec_routes(srv_routes *t, lp_rec *rec)
{
    for (size_t i = 0; rec && i < t->n; i++) {
        srv_route *rt = &t->v[i];
        if (strcmp(rt->method, "POST") != 0)
            continue;
        if (!strcmp(rt->pattern, "/api/v1/parsing/upload") || !strcmp(rt->pattern, "/api/parsing/upload")) {
            rt->fn = on_v1;
            rt->ctx = rec;
        } else if (!strcmp(rt->pattern, "/api/v2/parse/upload")) {
            rt->fn = on_v2;
            rt->ctx = rec;
        } else if (!rec->synthetic && !strcmp(rt->pattern, "/api/v2/parse")) {
            rt->fn = on_v2_create;
            rt->ctx = rec;
        } else if (!rec->synthetic && !strcmp(rt->pattern, "/parse")) {
            rt->fn = on_legacy;
            rt->ctx = rec;
        }
    }
}
