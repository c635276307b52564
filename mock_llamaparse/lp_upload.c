/* POST .../upload: the multipart form streamed in (the file held once, in
 * one buffer), validated, turned into a job. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include "json.h"
#include "lp_ctx.h"
#include "lp_fixtures.h"
#include "lp_record.h"
#include "multipart.h"
#include "timer.h"

typedef struct upload {
    srv_multipart *mp;
    buf file;
    char *filename;
    bool has_file;
    bool file_done; /* later file parts are ignored */
    bool finished;  /* the form was read to its end */
    bool too_many;  /* more parts than LP_MAX_FORM_PARTS */
    size_t parts;   /* begun so far */
    cJSON *fields; /* plain fields; a repeated name becomes an array */
    char name[128];  /* the plain field being read */
    buf value;
} upload;

static void upload_free(void *p)
{
    upload *u = p;
    srv_multipart_free(u->mp);
    buf_free(&u->file);
    buf_free(&u->value);
    free(u->filename);
    cJSON_Delete(u->fields);
    free(u);
}

/* The plain field read so far goes into fields (as an array when repeated). */
static bool flush_field(upload *u)
{
    if (!u->name[0])
        return true;
    cJSON *v = cJSON_CreateString(u->value.data ? u->value.data : "");
    cJSON *old = cJSON_GetObjectItemCaseSensitive(u->fields, u->name);
    bool ok = v != NULL;
    if (ok && !old) {
        ok = cJSON_AddItemToObject(u->fields, u->name, v);
    } else if (ok && cJSON_IsArray(old)) {
        ok = cJSON_AddItemToArray(old, v);
    } else if (ok) {
        cJSON *arr = cJSON_CreateArray();
        ok = arr && cJSON_AddItemToArray(arr, cJSON_Duplicate(old, true)) && cJSON_AddItemToArray(arr, v) &&
             json_set(u->fields, u->name, arr);
    }
    u->name[0] = '\0';
    buf_clear(&u->value);
    return ok;
}

/* Handling a field costs a look through those before it: bounded, as
 * Starlette bounds them (an unbounded form of 40,000 fields took seconds). */
#define LP_MAX_FORM_PARTS 1000

/* The field that carries the document: `file` in the parse uploads and the
 * beta Files API, `upload_file` in v1's POST /api/v1/files. */
static bool document_field(const char *name)
{
    return !strcmp(name, "file") || !strcmp(name, "upload_file");
}

/* libmicrohttpd may open a part with an empty chunk, then send its data
 * from offset 0 again: a chunk at offset 0 with the same name (and file
 * name) on a part that has nothing yet continues it. */
static bool same_empty_file(const upload *u, const srv_part *p)
{
    return u->has_file && !u->file_done && u->file.len == 0 && document_field(p->name) && u->filename &&
           !strcmp(p->filename, u->filename);
}

/* Does this chunk begin a new part? */
static bool part_begins(const upload *u, const srv_part *p)
{
    if (p->filename)
        return p->offset == 0 && !same_empty_file(u, p);
    return strcmp(p->name, u->name) != 0 || (p->offset == 0 && u->value.len > 0);
}

/* The document is the document field's first part: another field's file,
 * or a second one, is never taken for it (an empty `file` ends in
 * NO_DATA_FOUND_IN_FILE, not in someone else's bytes). */
static bool on_file(upload *u, const srv_part *p)
{
    if (!document_field(p->name))
        return true;
    if (!u->has_file) {
        u->has_file = true;
        u->filename = strdup(p->filename);
    } else if (p->offset == 0 && !u->file_done && !same_empty_file(u, p)) {
        u->file_done = true; /* a second file: the first one is the document */
    }
    return u->file_done || !p->len || buf_append(&u->file, p->data, p->len);
}

static bool on_part(void *ctx, const srv_part *p)
{
    upload *u = ctx;
    if (part_begins(u, p) && ++u->parts > LP_MAX_FORM_PARTS) {
        u->too_many = true;
        return false;
    }
    if (p->filename)
        return on_file(u, p);
    if (u->has_file)
        u->file_done = true;
    /* libmicrohttpd may open a field with an empty chunk, then send its data
     * from offset 0 again: a new field starts at offset 0 only once the
     * current one has data, or under another name. */
    if (strcmp(p->name, u->name) != 0 || (p->offset == 0 && u->value.len > 0)) {
        if (!flush_field(u))
            return false;
        snprintf(u->name, sizeof u->name, "%s", p->name);
    }
    return !p->len || buf_append(&u->value, p->data, p->len);
}

bool lp_upload_body(srv_req *r, const char *data, size_t len, void *ctx)
{
    (void)ctx;
    upload *u = srv_req_state(r);
    if (!u) {
        u = calloc(1, sizeof *u);
        if (!u)
            return false;
        u->fields = cJSON_CreateObject();
        u->mp = srv_multipart_new(r, on_part, u);
        srv_req_set_state(r, u, upload_free);
    }
    return u->mp && srv_multipart_feed(u->mp, data, len);
}

/* Pydantic-style 422 for a known field with a bad value. */
static void unprocessable(srv_req *r, const char *field, const char *type, const char *msg, const char *input)
{
    buf *b = srv_resp_restart(r, 422);
    buf_printf(b, "{\"detail\":[{\"type\":\"%s\",\"loc\":[\"body\",\"%s\"],\"msg\":\"%s\",\"input\":", type, field, msg);
    buf_json_str(b, input, strlen(input));
    buf_puts(b, "}]}");
}

/* A field's value; a repeated field counts by its last value, as FastAPI
 * reads a form field that is not a list (so a repeat cannot slip past
 * validation). */
static const char *field_str(const upload *u, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(u->fields, name);
    if (cJSON_IsArray(v))
        v = cJSON_GetArrayItem(v, cJSON_GetArraySize(v) - 1);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool is_true(const char *v)
{
    return v && (!strcasecmp(v, "true") || !strcmp(v, "1"));
}

/* The tier as a static string (the form's strings die with the request). */
static const char *tier_of(const upload *u)
{
    static const char *const tiers[] = {"fast", "cost_effective", "agentic", "agentic_plus"};
    const char *t = field_str(u, "tier");
    for (size_t i = 0; t && i < sizeof tiers / sizeof tiers[0]; i++) {
        if (strcmp(t, tiers[i]) == 0)
            return tiers[i];
    }
    if (is_true(field_str(u, "fast_mode")))
        return "fast";
    return is_true(field_str(u, "premium_mode")) ? "agentic" : "cost_effective";
}

/* Same bytes with the same result-shaping options: a cache hit. */
static uint64_t content_key(const upload *u, const lp_page_opts *o)
{
    char max[32];
    snprintf(max, sizeof max, "%ld", o->max_pages);
    const char *opts[] = {o->separator, max, tier_of(u), o->target, o->prefix, o->suffix};
    uint64_t h = XXH3_64bits(u->file.data ? u->file.data : "", u->file.len);
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        h = XXH3_64bits_withSeed(opts[i] ? opts[i] : "", opts[i] ? strlen(opts[i]) + 1 : 0, h);
    return h;
}

static lp_job *make_job(const lp_ctx *c, upload *u, const lp_page_opts *o)
{
    char *params = cJSON_PrintUnformatted(u->fields);
    lp_job *j = NULL;
    if (params && !u->has_file) { /* input_url: the document is fetched off the request path */
        j = lp_url_job(NULL, field_str(u, "input_url"), tier_of(u), NULL, 0, params);
        if (j && !lp_job_set_pages(j, o)) {
            lp_job_release(j);
            j = NULL;
        }
    } else if (params) {
        j = lp_doc_job(c, u->filename, u->file.data ? u->file.data : "", u->file.len, tier_of(u), o, params);
        if (j)
            j->cache_hit = lp_store_seen(c->store, content_key(u, o));
    }
    if (j) {
        j->screenshots = is_true(field_str(u, "take_screenshot"));
        j->images = is_true(field_str(u, "save_images"));
    }
    free(params);
    return j;
}

/* The page options: v2's page_ranges (a JSON object, from configuration)
 * when given, else v1's fields. */
static bool page_opts(srv_req *r, const upload *u, lp_page_opts *o, char **target)
{
    const char *ranges = field_str(u, "page_ranges");
    lp_page_fields f = {field_str(u, "target_pages"), field_str(u, "max_pages"), field_str(u, "page_separator"),
                        field_str(u, "page_prefix"), field_str(u, "page_suffix")};
    if (!lp_page_opts_v1(r, &f, o, target))
        return false;
    if (!ranges)
        return true;
    free(*target);
    cJSON *j = json_parse_body(ranges, strlen(ranges));
    bool ok = j && lp_page_opts_v2(r, j, o, target);
    if (!j)
        lp_unprocessable(r, "body", "page_ranges", "model_attributes_type", "Input should be a valid dictionary or object",
                         ranges);
    cJSON_Delete(j);
    return ok;
}

/* v2 sends its options as one JSON object in the "configuration" field:
 * they join the form fields (scalars as strings, as v1 sends them). */
static bool merge_configuration(srv_req *r, upload *u)
{
    const char *conf = field_str(u, "configuration");
    if (!conf)
        return true;
    cJSON *j = json_parse_body(conf, strlen(conf));
    bool ok = cJSON_IsObject(j);
    for (const cJSON *v = ok ? j->child : NULL; v; v = v->next) {
        char num[32];
        const char *text = cJSON_IsString(v) ? v->valuestring : cJSON_IsTrue(v) ? "true" : cJSON_IsFalse(v) ? "false" : NULL;
        if (cJSON_IsNumber(v)) {
            snprintf(num, sizeof num, "%.17g", v->valuedouble);
            text = num;
        }
        char *nested = cJSON_IsArray(v) || cJSON_IsObject(v) ? cJSON_PrintUnformatted(v) : NULL;
        if ((text || nested) && !cJSON_GetObjectItemCaseSensitive(u->fields, v->string))
            cJSON_AddStringToObject(u->fields, v->string, text ? text : nested);
        free(nested);
    }
    cJSON_Delete(j);
    if (!ok)
        unprocessable(r, "configuration", "json_invalid", "Invalid JSON: configuration must be a JSON object", conf);
    return ok;
}

/* The form read to its end, once: the parser is dropped then, so a second
 * call (a handler after lp_upload_form) is a no-op. */
static bool finish_form(srv_req *r, upload *u)
{
    if (u && u->finished)
        return true;
    if (!u || !u->mp) {
        lp_detail(r, 400, "Expected a multipart/form-data body with a file (or input_url) field.");
        return false;
    }
    u->finished = srv_multipart_finish(u->mp) && flush_field(u);
    srv_multipart_free(u->mp);
    u->mp = NULL;
    if (u->too_many)
        lp_detail(r, 400, "Too many fields. Maximum number of fields is 1000.");
    else if (!u->finished)
        lp_detail(r, 400, "The multipart body is incomplete or malformed.");
    return u->finished;
}

bool lp_upload_form(srv_req *r)
{
    return finish_form(r, srv_req_state(r));
}

const char *lp_upload_field(srv_req *r, const char *name)
{
    const upload *u = srv_req_state(r);
    return u && u->fields ? field_str(u, name) : NULL;
}

const cJSON *lp_upload_fields(srv_req *r)
{
    const upload *u = srv_req_state(r);
    return u ? u->fields : NULL;
}

bool lp_upload_file(srv_req *r, const char **data, size_t *len, const char **filename)
{
    const upload *u = srv_req_state(r);
    if (!u || !u->has_file)
        return false;
    *data = u->file.data ? u->file.data : "";
    *len = u->file.len;
    *filename = u->filename ? u->filename : "";
    return true;
}

static bool check_form(srv_req *r, upload *u)
{
    if (!finish_form(r, u))
        return false;
    if (!merge_configuration(r, u) || !lp_v1_validate(r, u->fields))
        return false;
    const char *hook = field_str(u, "webhook_url");
    if (hook && !lp_url_valid(hook)) {
        unprocessable(r, "webhook_url", "url_parsing", "Input should be a valid URL (http or https)", hook);
        return false;
    }
    const char *sep = field_str(u, "page_separator");
    if (sep && strlen(sep) > LP_SEPARATOR_MAX) {
        /* Written between every two pages of every result: bounded, so one
         * request cannot make every answer (and webhook) enormous. */
        unprocessable(r, "page_separator", "string_too_long", "String should have at most 512 characters", sep);
        return false;
    }
    const char *confs = field_str(u, "webhook_configurations");
    char why[200];
    char *checked = confs ? lp_hook_configs(confs, why, sizeof why) : NULL;
    if (confs && !checked) {
        unprocessable(r, "webhook_configurations", "value_error", why, confs);
        return false;
    }
    free(checked);
    const char *url = field_str(u, "input_url");
    if (!u->has_file && url && !lp_url_valid(url)) {
        unprocessable(r, "input_url", "url_parsing", "Input should be a valid URL (http or https)", url);
        return false;
    }
    if (!u->has_file && !url) {
        lp_detail(r, 400, "Either file or input_url must be provided.");
        return false;
    }
    return true;
}

lp_job *lp_upload_job(srv_req *r, const lp_ctx *c)
{
    upload *u = srv_req_state(r);
    lp_page_opts o;
    char *target = NULL;
    if (!lp_auth_check(r, c) || !lp_scope_check(r) || !check_form(r, u) || !page_opts(r, u, &o, &target))
        return NULL;
    lp_job *j = make_job(c, u, &o);
    free(target);
    const char *hook = j ? field_str(u, "webhook_url") : NULL;
    const char *confs = j ? field_str(u, "webhook_configurations") : NULL;
    char why[200];
    if (j && confs && !(j->hooks.configs = lp_hook_configs(confs, why, sizeof why))) {
        lp_job_release(j);
        j = NULL;
    }
    if (j && hook && !(j->hooks.url = strdup(hook))) {
        lp_job_release(j);
        j = NULL;
    }
    if (!j) {
        lp_detail(r, 500, "Out of memory while parsing the upload.");
        return NULL;
    }
    lp_rec_apply(r, j); /* a recorded document instead of our parse (lp_record.c) */
    lp_job_faults_apply(r, j);
    if (!j->fetching)
        lp_job_schedule(j, j->created_ms, (uint64_t)c->job_delay_ms, (uint64_t)c->job_ms_per_page);
    return j;
}

bool lp_upload_store(srv_req *r, const lp_ctx *c, lp_job *j)
{
    /* Copies: once stored, a reset may free the job at any time. */
    char id[LP_ID_MAX + 1], *url = j->fetching ? strdup(j->source_url) : NULL;
    snprintf(id, sizeof id, "%s", j->id);
    bool fetching = j->fetching;
    const char *test = srv_req_header(r, "x-test-id");
    if ((fetching && !url) || (test && !(j->test_id = strdup(test)))) {
        free(url);
        lp_job_release(j);
        lp_detail(r, 500, "Out of memory.");
        return false;
    }
    lp_add_result added = lp_store_add(c->store, j);
    if (added == LP_ADDED && fetching)
        lp_url_fetch(c, id, url);
    free(url);
    if (added == LP_ADDED)
        return true;
    lp_job_release(j);
    if (added == LP_EXISTS) {
        char msg[160];
        snprintf(msg, sizeof msg, "A job with job_id %s already exists.", id);
        lp_detail(r, 409, msg);
        return false;
    }
    lp_detail(r, 429, "Too many jobs: the job store is full (--max-jobs); try again later.");
    srv_resp_header(r, "retry-after", "1");
    return false;
}

void lp_handle_upload(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    lp_job *j = lp_upload_job(r, c);
    if (!j)
        return;
    buf answer = BUF_INIT; /* written before the store shares the job */
    lp_job_status_json(&answer, j, timer_now_ms() < j->ready_ms ? LP_PENDING : j->outcome);
    if (lp_upload_store(r, c, j) && answer.data)
        buf_append(srv_resp_body(r), answer.data, answer.len);
    buf_free(&answer);
}
