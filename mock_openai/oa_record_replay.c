/* Answers from recordings. An answer recorded whole goes out as the
 * upstream sent it; a chat stream (or a chat recorded from one) goes
 * through the chat engine with the recorded reply as its script, so
 * --ttft-ms, --tokens-per-s and the stream faults apply as to any reply. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "fmt_float.h"
#include "oa_error.h"
#include "oa_handlers.h"
#include "oa_record_internal.h"

/* --tokens-per-s on recorded events as on the chat engine's: that many
 * events a second, dripped (a fault's delivery wins). */
static void pace_events(srv_req *r, const oa_ctx *c, const char *events)
{
    size_t n = 0, bytes = strlen(events);
    for (const char *p = events; (p = strstr(p, "\n\n")); p += 2)
        n++;
    if (c->tokens_per_s > 0 && n > 0 && srv_resp_get_delivery(r) == SRV_DELIVER_NORMAL) {
        unsigned long rate = (unsigned long)((double)bytes * (double)c->tokens_per_s / (double)n);
        srv_resp_deliver(r, SRV_DELIVER_DRIP, rate ? rate : 1);
    }
}

/* The chat stream faults on recorded events, as the chat engine applies
 * them: stream_cut drops the connection after after_chunks events (3 by
 * default), stream_error ends the stream there with an error event. */
static void events_fault(srv_req *r, buf *b)
{
    const char *kind = srv_req_note(r, "kind"), *after = srv_req_note(r, "after_chunks");
    if (!kind || (strcmp(kind, "stream_cut") != 0 && strcmp(kind, "stream_error") != 0))
        return;
    size_t at = 0;
    for (long k = after ? strtol(after, NULL, 10) : 3; k > 0; k--) {
        const char *e = strstr(b->data + at, "\n\n");
        at = e ? (size_t)(e + 2 - b->data) : b->len;
    }
    if (!strcmp(kind, "stream_cut")) {
        srv_resp_deliver(r, SRV_DELIVER_TRUNCATE, at ? at : 1);
        return;
    }
    b->len = at;
    b->data[at] = '\0';
    buf_puts(b, "data: {\"error\":{\"message\":\"The server had an error while processing your request. Sorry "
                "about that!\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n");
}

static void verbatim(srv_req *r, const oa_rec *rec, const cJSON *recorded, bool chat)
{
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(recorded, "status");
    const cJSON *answer = cJSON_GetObjectItemCaseSensitive(recorded, "upstream_answer");
    const cJSON *events = cJSON_GetObjectItemCaseSensitive(recorded, "upstream_events");
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(answer, "model");
    srv_resp_status(r, cJSON_IsNumber(status) ? status->valueint : 200);
    if (cJSON_IsString(model))
        srv_resp_header(r, "openai-model", model->valuestring);
    srv_resp_delay(r, (unsigned)rec->c->ttft_ms);
    if (cJSON_IsString(events)) {
        srv_resp_header(r, "content-type", "text/event-stream; charset=utf-8");
        srv_resp_header(r, "cache-control", "no-cache");
        buf_puts(srv_resp_body(r), events->valuestring);
        if (chat && srv_resp_body(r)->data)
            events_fault(r, srv_resp_body(r));
        pace_events(r, rec->c, events->valuestring);
        return;
    }
    /* The upstream's bytes while they say what the (editable) answer says. */
    const cJSON *raw = cJSON_GetObjectItemCaseSensitive(recorded, "upstream_body");
    cJSON *parsed = cJSON_IsString(raw) ? cJSON_Parse(raw->valuestring) : NULL;
    bool as_sent = parsed && cJSON_Compare(parsed, answer, true);
    cJSON_Delete(parsed);
    char *text = as_sent ? NULL : cJSON_PrintUnformatted(answer);
    if (!buf_puts(srv_resp_body(r), as_sent ? raw->valuestring : text ? text : ""))
        oa_core_error(r, 500, "out of memory");
    free(text);
}

/* The recorded reply (or tool call) as the chat engine's script. */
static void scripted_chat(srv_req *r, const oa_rec *rec, const cJSON *rule)
{
    const cJSON *reply = cJSON_GetObjectItemCaseSensitive(rule, "reply");
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(rule, "tool_call");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(call, "name");
    char *args = cJSON_IsString(name) ? cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(call, "arguments")) : NULL;
    bool ok = cJSON_IsString(name) ? args && srv_req_note_set(r, "rec.tool", name->valuestring) &&
                                         srv_req_note_set(r, "rec.args", args)
                                   : srv_req_note_set(r, "rec.reply", cJSON_IsString(reply) ? reply->valuestring : "");
    free(args);
    if (ok)
        oa_rec_synthetic(r, rec, OA_REC_CHAT);
    else
        oa_core_error(r, 500, "out of memory");
}

void oa_rec_replay(srv_req *r, const oa_rec *rec, oa_rec_family f, const cJSON *body, const cJSON *doc)
{
    if (f == OA_REC_EMBEDDINGS) {
        oa_rec_embed_replay(r, rec, body, doc);
        return;
    }
    const cJSON *rule = cJSON_IsArray(doc) ? doc->child : doc; /* chat: a --replies file of one rule */
    const cJSON *recorded = cJSON_GetObjectItemCaseSensitive(rule, "recorded");
    if (f != OA_REC_CHAT) {
        verbatim(r, rec, recorded, false);
        return;
    }
    bool stream = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "stream"));
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(body, "model");
    bool known = cJSON_IsString(model) && oa_model_find(rec->c, model->valuestring);
    if (!stream && cJSON_GetObjectItemCaseSensitive(recorded, "upstream_answer"))
        verbatim(r, rec, recorded, true);
    else if (stream && !known && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(recorded, "upstream_events")))
        verbatim(r, rec, recorded, true); /* a model the engine would refuse: the stream as it came */
    else
        scripted_chat(r, rec, rule);
}

/* Floats, as the mock's own embeddings print them. */
static bool write_vector(buf *b, const char *b64, bool base64)
{
    if (base64) {
        return buf_puts(b, "\"") && buf_puts(b, b64) && buf_puts(b, "\"");
    }
    size_t len = strlen(b64), cap = len / 4 * 3 / 4 + 1;
    float *v = malloc(cap * sizeof *v);
    long n = v ? base64_decode_f32le(b64, len, v, cap) : -1;
    char *p = n >= 0 ? buf_reserve(b, (size_t)n * (FMT_F32_MAX + 1) + 2) : NULL;
    if (p) {
        p[0] = '[';
        size_t w = fmt_f32_list(p + 1, v, (size_t)n);
        p[w + 1] = ']';
        buf_advance(b, w + 2);
    }
    free(v);
    return p != NULL;
}

void oa_rec_embed_replay(srv_req *r, const oa_rec *rec, const cJSON *body, const cJSON *doc)
{
    (void)rec;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(body, "encoding_format");
    bool base64 = cJSON_IsString(fmt) && !strcmp(fmt->valuestring, "base64");
    const cJSON *vectors = cJSON_GetObjectItemCaseSensitive(doc, "vectors");
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(doc, "model");
    char *usage = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(doc, "usage"));
    buf *b = srv_resp_body(r);
    bool ok = usage && cJSON_IsString(model) && cJSON_IsArray(vectors) && buf_puts(b, "{\"object\":\"list\",\"data\":[");
    size_t i = 0;
    for (const cJSON *v = ok ? vectors->child : NULL; ok && v; v = v->next, i++) {
        ok = cJSON_IsString(v) && buf_printf(b, "%s{\"object\":\"embedding\",\"index\":%zu,\"embedding\":", i ? "," : "", i) &&
             write_vector(b, v->valuestring, base64) && buf_puts(b, "}");
    }
    ok = ok && buf_puts(b, "],\"model\":") && buf_json_str(b, model->valuestring, strlen(model->valuestring)) &&
         buf_puts(b, ",\"usage\":") && buf_puts(b, usage) && buf_puts(b, "}");
    free(usage);
    if (!ok) {
        buf_clear(b);
        oa_error(r, 500, "The recording of this request is damaged (its vectors, model or usage).", "server_error",
                 NULL, "recording_damaged");
        return;
    }
    srv_resp_header(r, "openai-model", model->valuestring);
}
