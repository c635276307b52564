#include "lp_webhook_internal.h"

#include <cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "lp_allow.h"
#include "lp_ctx.h"
#include "lp_fixtures.h"
#include "lp_images.h"
#include "timer.h"
#include "worker.h"

static void hex(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

void lp_hmac_hex(const char *key, const char *data, size_t len, char out[65])
{
    unsigned char mac[32];
    unsigned int n = 0;
    HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)data, len, mac, &n);
    hex(mac, n == 32 ? 32 : 0, out);
}

void lp_sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char d[32];
    unsigned int n = 0;
    EVP_Digest(data, len, d, &n, EVP_sha256(), NULL);
    hex(d, n == 32 ? 32 : 0, out);
}

/* "txt":"...","md":"..." members: the whole result as strings. */
static void txt_md(buf *out, const lp_job *j)
{
    buf t = BUF_INIT;
    lp_job_joined(&t, j, false);
    buf_puts(out, "\"txt\":");
    buf_json_str(out, t.data ? t.data : "", t.len);
    buf_clear(&t);
    lp_job_joined(&t, j, true);
    buf_puts(out, ",\"md\":");
    buf_json_str(out, t.data ? t.data : "", t.len);
    buf_free(&t);
}

void lp_hooks_legacy_payload(buf *out, const lp_job *j, lp_status st)
{
    bool ok = st == LP_SUCCESS || st == LP_PARTIAL_SUCCESS;
    const char *corr = j->hooks.correlation_id ? j->hooks.correlation_id : j->id;
    buf_puts(out, "{\"job_id\":");
    buf_json_str(out, j->id, strlen(j->id));
    buf_puts(out, ",\"document_id\":");
    buf_json_str(out, j->id, strlen(j->id));
    buf_printf(out, ",\"parse_job_id\":\"mock-parse-%s\",\"correlation_id\":", j->id);
    buf_json_str(out, corr, strlen(corr));
    buf_printf(out, ",\"status\":\"%s\",\"artifacts\":[", ok ? "parsed" : "failed");
    if (ok) {
        buf md = BUF_INIT;
        lp_job_joined(&md, j, true);
        char sum[65];
        lp_sha256_hex(md.data ? md.data : "", md.len, sum);
        buf_puts(out, "{\"type\":\"markdown\",\"content\":");
        buf_json_str(out, md.data ? md.data : "", md.len);
        buf_printf(out, ",\"sha256\":\"%s\",\"bytes\":%zu}", sum, md.len);
        buf_free(&md);
    }
    buf_puts(out, "],\"meta\":{\"parser_name\":\"llamaparse\",\"parser_version\":\"2025-08-01\"}}");
}

static void v1_payload(buf *out, const lp_job *j, lp_status st)
{
    buf_printf(out, "{\"job_id\":\"%s\",\"status\":\"%s\",", j->id, lp_status_name(st));
    txt_md(out, j);
    buf_puts(out, ",\"json\":");
    lp_job_pages_json(out, j->doc, j);
    buf_puts(out, ",\"images\":");
    lp_job_image_names(out, j);
    buf_puts(out, "}");
}

static bool envelope_body(buf *body, const lp_job *j, lp_status st, lp_hook_phase phase, bool as_string);

/* A payload to be built from job j (a reference is taken) when first sent;
 * NULL without memory. Its bytes will be counted in held while they live. */
static lp_payload *payload_new(lp_job *j, lp_status st, lp_hook_phase phase, lp_body_kind kind, atomic_size_t *held)
{
    lp_payload *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    atomic_init(&p->refs, 1);
    lp_job_retain(j);
    p->job = j;
    p->status = st;
    p->phase = phase;
    p->kind = kind;
    p->held = held;
    return p;
}

bool lp_payload_build(lp_payload *p)
{
    if (p->data)
        return true;
    buf body = BUF_INIT;
    bool ok = true;
    switch (p->kind) {
    case LP_BODY_LEGACY:
        lp_hooks_legacy_payload(&body, p->job, p->status);
        break;
    case LP_BODY_V1:
        v1_payload(&body, p->job, p->status);
        break;
    case LP_BODY_ENVELOPE:
    case LP_BODY_ENVELOPE_STRING:
        ok = envelope_body(&body, p->job, p->status, p->phase, p->kind == LP_BODY_ENVELOPE_STRING);
        break;
    }
    if (!ok || !body.data) {
        buf_free(&body);
        return false;
    }
    p->len = body.len;
    p->data = buf_release(&body);
    atomic_fetch_add(p->held, p->len);
    lp_job_release(p->job); /* the body is all a retry needs */
    p->job = NULL;
    return true;
}

static void payload_release(lp_payload *p)
{
    if (p && atomic_fetch_sub(&p->refs, 1) == 1) {
        if (p->data)
            atomic_fetch_sub(p->held, p->len);
        lp_job_release(p->job);
        free(p->data);
        free(p);
    }
}

void lp_delivery_free(delivery *d)
{
    free(d->job_id);
    free(d->url);
    free(d->test_id);
    payload_release(d->payload);
    free(d->secret);
    curl_slist_free_all(d->headers);
    curl_slist_free_all(d->sent_headers);
    free(d);
}

/* Queue a delivery of body (taken) to url for job j. */
/* Queue a delivery of payload p (a reference of its own) to url for job j. */
static delivery *queue(dlist *list, const lp_job *j, const char *url, lp_payload *p)
{
    delivery *d = p ? calloc(1, sizeof *d) : NULL;
    if (!d || !(d->job_id = strdup(j->id)) || !(d->url = strdup(url)) ||
        (j->test_id && !(d->test_id = strdup(j->test_id)))) {
        if (d)
            lp_delivery_free(d);
        return NULL; /* out of memory: this report is lost, the job is not */
    }
    atomic_fetch_add(&p->refs, 1);
    d->payload = p;
    d->mode = j->faults.hook_mode;
    d->param = j->faults.hook_param;
    *list->tail = d;
    list->tail = &d->next;
    return d;
}

/* One more request header for a delivery (lost only without memory). */
static void add_header(delivery *d, const char *name, const char *value)
{
    char line[512];
    snprintf(line, sizeof line, "%s: %s", name, value);
    struct curl_slist *grown = curl_slist_append(d->headers, line);
    d->headers = grown ? grown : d->headers;
}

static const char *event_of(lp_status st, lp_hook_phase phase)
{
    if (phase != LP_HOOK_END)
        return phase == LP_HOOK_START ? "parse.pending" : "parse.running";
    switch (st) {
    case LP_SUCCESS:
        return "parse.success";
    case LP_PARTIAL_SUCCESS:
        return "parse.partial_success";
    case LP_CANCELLED:
        return "parse.cancelled";
    default:
        return "parse.error";
    }
}

static bool subscribed(const cJSON *conf, const char *event)
{
    const cJSON *events = cJSON_GetObjectItemCaseSensitive(conf, "webhook_events");
    if (!cJSON_IsArray(events) || cJSON_GetArraySize(events) == 0)
        return true; /* all events when none are named */
    for (const cJSON *e = events->child; e; e = e->next) {
        if (cJSON_IsString(e) && strcmp(e->valuestring, event) == 0)
            return true;
    }
    return false;
}

/* The status an envelope names: v1's, or v2's for a v2 job. Before the
 * end, v1 knows only PENDING. */
static const char *envelope_status(const lp_job *j, lp_status st, lp_hook_phase phase)
{
    if (phase != LP_HOOK_END)
        return j->v2 && phase == LP_HOOK_RUNNING ? "RUNNING" : "PENDING";
    if (!j->v2)
        return lp_status_name(st);
    return st == LP_SUCCESS || st == LP_PARTIAL_SUCCESS ? "COMPLETED" : st == LP_CANCELLED ? "CANCELLED" : "FAILED";
}

/* The envelope for webhook_configurations (ours, documented in README):
 * {"event","job_id","status","timestamp","data"}; data is the result
 * ({"txt","md","pages"}), the error, or null before the end. */
static void envelope(buf *b, const lp_job *j, lp_status st, lp_hook_phase phase)
{
    char ts[32];
    iso_time(ts, time(NULL), 0, 0);
    const char *event = event_of(st, phase);
    buf_printf(b, "{\"event\":\"%s\",\"job_id\":\"%s\",\"status\":\"%s\",\"timestamp\":\"%s\",\"data\":", event,
               j->id, envelope_status(j, st, phase), ts);
    if (phase != LP_HOOK_END) {
        buf_puts(b, "null}");
    } else if (!strcmp(event, "parse.error")) {
        buf_printf(b, "{\"error_code\":\"%s\",\"error_message\":", j->error_code[0] ? j->error_code : "ERROR_DURING_PROCESSING");
        buf_json_str(b, j->error_message ? j->error_message : "", j->error_message ? strlen(j->error_message) : 0);
        buf_puts(b, "}}");
    } else {
        buf_puts(b, "{");
        txt_md(b, j);
        buf_puts(b, ",\"pages\":");
        lp_pages_json(b, j->doc);
        buf_puts(b, "}}");
    }
}

/* webhook_output_format: "json" sends the envelope as a JSON object;
 * "string", the default, as one JSON string holding its JSON text. */
static bool envelope_body(buf *body, const lp_job *j, lp_status st, lp_hook_phase phase, bool as_string)
{
    if (!as_string) {
        envelope(body, j, st, phase);
        return body->data != NULL;
    }
    buf inner = BUF_INIT;
    envelope(&inner, j, st, phase);
    bool ok = inner.data && buf_json_str(body, inner.data, inner.len);
    buf_free(&inner);
    return ok;
}

/* The envelope in one output format, built once for every configuration
 * that asks for it. */
static lp_payload *shared_envelope(lp_payload **slot, const dlist *list, lp_job *j, lp_status st,
                                   lp_hook_phase phase, bool as_string)
{
    if (!*slot)
        *slot = payload_new(j, st, phase, as_string ? LP_BODY_ENVELOPE_STRING : LP_BODY_ENVELOPE, list->held);
    return *slot;
}

static void queue_configured(dlist *list, lp_job *j, lp_status st, lp_hook_phase phase)
{
    cJSON *confs = cJSON_Parse(j->hooks.configs);
    const char *event = event_of(st, phase);
    lp_payload *formats[2] = {NULL, NULL}; /* as a string, as JSON */
    for (const cJSON *c = cJSON_IsArray(confs) ? confs->child : NULL; c; c = c->next) {
        const cJSON *url = cJSON_GetObjectItemCaseSensitive(c, "webhook_url");
        const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(c, "webhook_output_format");
        const cJSON *secret = cJSON_GetObjectItemCaseSensitive(c, "webhook_signing_secret");
        if (!cJSON_IsString(url) || !subscribed(c, event))
            continue;
        bool as_string = !(cJSON_IsString(fmt) && !strcmp(fmt->valuestring, "json"));
        lp_payload *p = shared_envelope(&formats[as_string ? 0 : 1], list, j, st, phase, as_string);
        delivery *d = queue(list, j, url->valuestring, p);
        if (!d)
            continue;
        if (cJSON_IsString(secret))
            d->secret = strdup(secret->valuestring);
        const cJSON *hdrs = cJSON_GetObjectItemCaseSensitive(c, "webhook_headers");
        for (const cJSON *h = cJSON_IsObject(hdrs) ? hdrs->child : NULL; h; h = h->next)
            add_header(d, h->string, cJSON_IsString(h) ? h->valuestring : "");
    }
    payload_release(formats[0]);
    payload_release(formats[1]);
    cJSON_Delete(confs);
}

/* Queue the deliveries of one due webhook, outside the store's lock; their
 * bodies are built when first sent (lp_payload_build). */
static void take(dlist *list, lp_job *j, lp_status st, lp_hook_phase phase)
{
    const lp_job_hooks *h = &j->hooks;
    if (h->configs)
        queue_configured(list, j, st, phase);
    if (phase != LP_HOOK_END || !h->url)
        return;
    lp_payload *p = payload_new(j, st, phase, h->legacy ? LP_BODY_LEGACY : LP_BODY_V1, list->held);
    delivery *d = queue(list, j, h->url, p);
    payload_release(p);
    if (d)
        d->legacy = h->legacy;
    if (d && h->legacy && h->correlation_id)
        add_header(d, "X-Correlation-ID", h->correlation_id);
}

void lp_hooks_take_due(lp_hooks *h, dlist *list)
{
    lp_hook_due due[64];
    size_t n;
    list->held = &h->payload_bytes;
    do {
        n = lp_store_take_webhooks(h->store, due, sizeof due / sizeof due[0]);
        for (size_t i = 0; i < n; i++) {
            take(list, due[i].job, due[i].status, due[i].phase);
            lp_job_release(due[i].job);
        }
    } while (n + 3 > sizeof due / sizeof due[0]); /* the store stops 3 short of full */
}

void lp_job_hooks_free(lp_job_hooks *h)
{
    free(h->url);
    free(h->correlation_id);
    free(h->configs);
    h->url = h->correlation_id = h->configs = NULL;
}

void lp_hooks_log(lp_hooks *h, const delivery *d, int n, long status, const char *error, bool ok)
{
    char when[32];
    iso_time(when, time(NULL), 0, 0);
    worker_lock(&h->w);
    attempt *a = &h->log[h->log_at];
    free(a->job_id);
    free(a->url);
    free(a->test_id);
    memcpy(a->time, when, sizeof a->time);
    a->job_id = strdup(d->job_id);
    a->url = strdup(d->url);
    a->test_id = d->test_id ? strdup(d->test_id) : NULL;
    a->n = n;
    a->status = status;
    snprintf(a->error, sizeof a->error, "%s", error ? error : "");
    a->delivered = ok;
    h->log_at = (h->log_at + 1) % LP_HOOK_LOG_MAX;
    h->nlog += h->nlog < LP_HOOK_LOG_MAX;
    worker_unlock(&h->w);
}

lp_hooks *lp_hooks_start(lp_store *store, const lp_hooks_config *cfg)
{
    lp_hooks *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    atomic_init(&h->payload_bytes, 0);
    h->store = store;
    h->cfg = *cfg;
    if (h->cfg.secret && !*h->cfg.secret)
        h->cfg.secret = NULL; /* an empty MOCK_WEBHOOK_SECRET means unsigned */
    if (!worker_start(&h->w, lp_hooks_run, h)) {
        free(h);
        return NULL;
    }
    return h;
}

static void free_attempt(attempt *a)
{
    free(a->job_id);
    free(a->url);
    free(a->test_id);
    a->job_id = a->url = a->test_id = NULL;
}

/* Under the lock: forget every attempt, or those of one test's jobs (the
 * ring is rebuilt from the rest, oldest first). */
static void forget_attempts(lp_hooks *h, const char *test_id)
{
    size_t first = h->nlog < LP_HOOK_LOG_MAX ? 0 : h->log_at, kept = 0;
    attempt *keep = test_id ? calloc(h->nlog ? h->nlog : 1, sizeof *keep) : NULL;
    if (test_id && !keep)
        return; /* out of memory: keep the log whole rather than lose others' entries */
    for (size_t k = 0; k < h->nlog; k++) {
        attempt *a = &h->log[(first + k) % LP_HOOK_LOG_MAX];
        if (keep && !(a->test_id && strcmp(a->test_id, test_id) == 0)) {
            keep[kept++] = *a; /* moved, not copied */
            *a = (attempt){0};
        } else {
            free_attempt(a);
        }
    }
    for (size_t k = 0; k < kept; k++)
        h->log[k] = keep[k];
    h->nlog = kept;
    h->log_at = kept % LP_HOOK_LOG_MAX;
    free(keep);
}

void lp_hooks_clear(void *arg, const char *test_id)
{
    lp_hooks *h = arg;
    worker_lock(&h->w);
    forget_attempts(h, test_id);
    worker_unlock(&h->w);
}

void lp_hooks_stop(lp_hooks *h)
{
    if (!h)
        return;
    worker_stop(&h->w); /* aborts the delivery in progress */
    forget_attempts(h, NULL);
    free(h);
}

void lp_hooks_metrics(buf *out, void *arg)
{
    lp_hooks *h = arg;
    buf_printf(out, "# HELP mock_webhook_payload_bytes Bytes of webhook bodies waiting or in flight (a body shared by "
                    "several deliveries counts once).\n# TYPE mock_webhook_payload_bytes gauge\n"
                    "mock_webhook_payload_bytes %zu\n",
               atomic_load(&h->payload_bytes));
}

void lp_hooks_write_json(lp_hooks *h, buf *out)
{
    worker_lock(&h->w);
    buf_puts(out, "{\"deliveries\":[");
    size_t first = h->nlog < LP_HOOK_LOG_MAX ? 0 : h->log_at;
    for (size_t k = 0; k < h->nlog; k++) {
        const attempt *a = &h->log[(first + k) % LP_HOOK_LOG_MAX];
        buf_printf(out, "%s{\"time\":\"%s\",\"job_id\":", k ? "," : "", a->time);
        buf_json_str(out, a->job_id ? a->job_id : "", a->job_id ? strlen(a->job_id) : 0);
        buf_puts(out, ",\"url\":");
        buf_json_str(out, a->url ? a->url : "", a->url ? strlen(a->url) : 0);
        buf_printf(out, ",\"attempt\":%d,\"status\":%ld,\"delivered\":%s,\"error\":", a->n, a->status,
                   a->delivered ? "true" : "false");
        if (a->error[0])
            buf_json_str(out, a->error, strlen(a->error));
        else
            buf_puts(out, "null");
        buf_puts(out, "}");
    }
    buf_puts(out, "]}");
    worker_unlock(&h->w);
}
