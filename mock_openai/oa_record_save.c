/* Upstream answers made into recordings: a chat answer into a --replies
 * rule (the reply, or the tool call, of its first choice), a stream put
 * back together first; embeddings into float32 vectors, base64. */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "json.h"
#include "buf.h"
#include "oa_record.h"
#include "rec_store.h"

/* Append piece (a JSON string, or nothing) to the string member name of obj. */
static void append_to(cJSON *obj, const char *name, const cJSON *piece)
{
    if (!cJSON_IsString(piece))
        return;
    const cJSON *old = cJSON_GetObjectItemCaseSensitive(obj, name);
    buf b = BUF_INIT;
    buf_puts(&b, cJSON_IsString(old) ? old->valuestring : "");
    buf_puts(&b, piece->valuestring);
    cJSON *v = cJSON_CreateString(b.data ? b.data : "");
    buf_free(&b);
    if (!v)
        return;
    if (old)
        json_set(obj, name, v);
    else
        cJSON_AddItemToObject(obj, name, v);
}

/* One event's delta for choice 0 folded into msg (content, or the first
 * tool call's name and arguments). */
static void fold(cJSON *msg, cJSON *fn, const cJSON *event, const char **finish)
{
    const cJSON *choices = cJSON_GetObjectItemCaseSensitive(event, "choices");
    for (const cJSON *ch = cJSON_IsArray(choices) ? choices->child : NULL; ch; ch = ch->next) {
        const cJSON *index = cJSON_GetObjectItemCaseSensitive(ch, "index");
        if (cJSON_IsNumber(index) && index->valuedouble != 0)
            continue;
        const cJSON *delta = cJSON_GetObjectItemCaseSensitive(ch, "delta");
        append_to(msg, "content", cJSON_GetObjectItemCaseSensitive(delta, "content"));
        const cJSON *calls = cJSON_GetObjectItemCaseSensitive(delta, "tool_calls");
        const cJSON *f = cJSON_IsArray(calls) && calls->child ? cJSON_GetObjectItemCaseSensitive(calls->child, "function") : NULL;
        append_to(fn, "name", cJSON_GetObjectItemCaseSensitive(f, "name"));
        append_to(fn, "arguments", cJSON_GetObjectItemCaseSensitive(f, "arguments"));
        const cJSON *fin = cJSON_GetObjectItemCaseSensitive(ch, "finish_reason");
        if (cJSON_IsString(fin))
            *finish = fin->valuestring; /* lives in the event, copied by the caller */
    }
}

cJSON *oa_rec_sse_message(const char *sse, size_t len, const char **finish)
{
    static const char *const reasons[] = {"stop", "length", "tool_calls", "content_filter", "function_call"};
    cJSON *msg = cJSON_CreateObject(), *fn = cJSON_CreateObject();
    *finish = "stop";
    for (const char *p = sse, *end = sse + len; msg && fn && p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        if (eol - p > 6 && !strncmp(p, "data: ", 6) && strncmp(p + 6, "[DONE]", 6) != 0) {
            cJSON *event = cJSON_ParseWithLength(p + 6, (size_t)(eol - p - 6));
            const char *fin = NULL;
            fold(msg, fn, event, &fin);
            for (size_t i = 0; fin && i < sizeof reasons / sizeof reasons[0]; i++)
                *finish = !strcmp(fin, reasons[i]) ? reasons[i] : *finish;
            cJSON_Delete(event);
        }
        p = eol + 1;
    }
    if (msg && fn && cJSON_GetObjectItemCaseSensitive(fn, "name")) {
        cJSON *calls = cJSON_AddArrayToObject(msg, "tool_calls"), *call = cJSON_CreateObject();
        if (calls && call && cJSON_AddItemToArray(calls, call) && cJSON_AddItemToObject(call, "function", fn))
            return msg;
        cJSON_Delete(call);
    }
    cJSON_Delete(fn);
    return msg;
}

/* The reply (or tool_call) of a message, into rule. */
static bool add_reply(cJSON *rule, const cJSON *msg)
{
    const cJSON *calls = cJSON_GetObjectItemCaseSensitive(msg, "tool_calls");
    const cJSON *fn = cJSON_IsArray(calls) && calls->child ? cJSON_GetObjectItemCaseSensitive(calls->child, "function") : NULL;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(fn, "name");
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(fn, "arguments");
    cJSON *parsed = cJSON_IsString(args) ? cJSON_Parse(args->valuestring) : NULL;
    if (cJSON_IsString(name) && parsed) {
        cJSON *call = cJSON_AddObjectToObject(rule, "tool_call");
        bool ok = call && cJSON_AddStringToObject(call, "name", name->valuestring) &&
                  cJSON_AddItemToObject(call, "arguments", parsed);
        if (!ok)
            cJSON_Delete(parsed);
        return ok;
    }
    cJSON_Delete(parsed);
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(msg, "content");
    return cJSON_AddStringToObject(rule, "reply", cJSON_IsString(content) ? content->valuestring : "") != NULL;
}

/* "^text$" with every ERE special character escaped. */
static char *exact_pattern(const char *text)
{
    buf b = BUF_INIT;
    buf_puts(&b, "^");
    for (const char *p = text; *p; p++) {
        if (strchr(".[]{}()\\*+?^$|", *p))
            buf_puts(&b, "\\");
        buf_append(&b, p, 1);
    }
    buf_puts(&b, "$");
    return buf_release(&b);
}

bool oa_rec_keep_answer(cJSON *recorded, cJSON *answer, const char *raw, size_t len)
{
    char *compact = cJSON_PrintUnformatted(answer);
    bool same = compact && strlen(compact) == len && !memcmp(compact, raw, len);
    free(compact);
    if (!cJSON_AddItemToObject(recorded, "upstream_answer", answer)) {
        cJSON_Delete(answer);
        return false;
    }
    if (same)
        return true;
    /* The upstream's own layout (the real API indents its JSON): kept as
     * text too, and sent while it still says what upstream_answer says. */
    buf b = BUF_INIT;
    bool ok = buf_append(&b, raw, len) && b.data;
    ok = ok && cJSON_AddStringToObject(recorded, "upstream_body", b.data);
    buf_free(&b);
    return ok;
}

static bool is_sse(const char *content_type)
{
    return content_type && !strncmp(content_type, "text/event-stream", 17);
}

cJSON *oa_rec_chat_rule(const cJSON *norm, const cJSON *body, long status, const char *content_type,
                        const char *answer, size_t len)
{
    const char *finish = "stop";
    cJSON *parsed = NULL, *msg = NULL;
    bool stream = is_sse(content_type);
    if (stream) {
        msg = oa_rec_sse_message(answer, len, &finish);
    } else {
        parsed = cJSON_ParseWithLength(answer, len);
        const cJSON *choices = cJSON_GetObjectItemCaseSensitive(parsed, "choices");
        const cJSON *first = cJSON_IsArray(choices) ? choices->child : NULL;
        const cJSON *fin = cJSON_GetObjectItemCaseSensitive(first, "finish_reason");
        finish = cJSON_IsString(fin) ? fin->valuestring : "stop";
        msg = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(first, "message"), true);
    }
    char key[REC_KEY_LEN + 1];
    rec_key(norm, key);
    char *pattern = exact_pattern(oa_rec_last_user(body));
    cJSON *rule = cJSON_CreateObject(), *rec = cJSON_AddObjectToObject(rule, "recorded");
    bool ok = msg && pattern && rec && add_reply(rule, msg) && cJSON_AddStringToObject(rule, "match", pattern) &&
              cJSON_AddStringToObject(rule, "request_hash", key) &&
              cJSON_AddStringToObject(rec, "endpoint", "/v1/chat/completions") &&
              cJSON_AddItemToObject(rec, "request", cJSON_Duplicate(norm, true)) &&
              cJSON_AddNumberToObject(rec, "status", (double)status) &&
              cJSON_AddBoolToObject(rec, "stream", stream) && cJSON_AddStringToObject(rec, "finish_reason", finish);
    free(pattern);
    cJSON_Delete(msg);
    cJSON *sorted = ok ? rec_sorted(rule) : NULL;
    cJSON_Delete(rule);
    /* The upstream's answer in its own order, last: it replays byte for byte. */
    cJSON *r = sorted ? cJSON_GetObjectItemCaseSensitive(sorted, "recorded") : NULL;
    if (r && parsed && !stream) {
        oa_rec_keep_answer(r, parsed, answer, len); /* takes parsed */
        parsed = NULL;
    }
    /* A stream's events too, for a model the chat engine does not know. */
    buf events = BUF_INIT;
    if (r && stream && buf_append(&events, answer, len) && events.data)
        cJSON_AddStringToObject(r, "upstream_events", events.data);
    buf_free(&events);
    cJSON_Delete(parsed);
    cJSON *doc = sorted ? cJSON_CreateArray() : NULL;
    if (doc && cJSON_AddItemToArray(doc, sorted))
        return doc;
    cJSON_Delete(sorted);
    cJSON_Delete(doc);
    return NULL;
}

/* One "embedding" (a list of numbers, or float32 base64 already) as base64. */
static cJSON *vector_b64(const cJSON *e)
{
    if (cJSON_IsString(e))
        return cJSON_CreateString(e->valuestring);
    size_t n = cJSON_IsArray(e) ? (size_t)cJSON_GetArraySize(e) : 0;
    float *v = malloc((n ? n : 1) * sizeof *v);
    char *out = malloc(BASE64_LEN(n * 4) + 1);
    size_t i = 0;
    for (const cJSON *x = v && out && n ? e->child : NULL; x; x = x->next)
        v[i++] = (float)x->valuedouble;
    cJSON *s = NULL;
    if (v && out && cJSON_IsArray(e)) {
        out[base64_encode_f32le(out, v, n)] = '\0';
        s = cJSON_CreateString(out);
    }
    free(v);
    free(out);
    return s;
}

cJSON *oa_rec_embed_doc(const cJSON *norm, const char *answer, size_t len)
{
    cJSON *parsed = cJSON_ParseWithLength(answer, len);
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(parsed, "data");
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(parsed, "model");
    const cJSON *usage = cJSON_GetObjectItemCaseSensitive(parsed, "usage");
    cJSON *doc = cJSON_IsArray(data) && cJSON_IsString(model) ? cJSON_CreateObject() : NULL;
    cJSON *vectors = doc ? cJSON_AddArrayToObject(doc, "vectors") : NULL;
    bool ok = vectors && cJSON_AddItemToObject(doc, "request", cJSON_Duplicate(norm, true)) &&
              cJSON_AddStringToObject(doc, "model", model->valuestring) &&
              (!usage || cJSON_AddItemToObject(doc, "usage", cJSON_Duplicate(usage, true)));
    int n = ok ? cJSON_GetArraySize(data) : 0;
    for (int i = 0; ok && i < n; i++) { /* in index order, as the answer numbers them */
        const cJSON *item = NULL;
        for (const cJSON *d = data->child; d && !item; d = d->next) {
            const cJSON *ix = cJSON_GetObjectItemCaseSensitive(d, "index");
            item = cJSON_IsNumber(ix) && ix->valueint == i ? d : NULL;
        }
        cJSON *v = item ? vector_b64(cJSON_GetObjectItemCaseSensitive(item, "embedding")) : NULL;
        ok = v && cJSON_AddItemToArray(vectors, v);
        if (!ok)
            cJSON_Delete(v);
    }
    cJSON_Delete(parsed);
    cJSON *sorted = ok ? rec_sorted(doc) : NULL;
    cJSON_Delete(doc);
    return sorted;
}
