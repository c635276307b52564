/* The server-sent events of a response, as the SDKs type them: created,
 * in_progress, each output item added / its parts and deltas / done, then
 * completed, incomplete or failed; every event numbered. Written from the
 * finished object, so a stored response replays the same events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oa_resp.h"
#include "json.h"
#include "oa_stream.h"

typedef struct ev {
    buf *b;
    long seq, after; /* events numbered <= after are left out (a replay) */
    bool start_only; /* only created and in_progress */
    size_t deltas;
} ev;

/* "event: <type>\ndata: {"type":..., <fields of body>, "sequence_number":n}" */
static void emit(ev *e, const char *type, cJSON *body)
{
    long n = e->seq++;
    if (n > e->after && (!e->start_only || n < 2)) {
        cJSON_AddStringToObject(body, "type", type);
        cJSON_AddNumberToObject(body, "sequence_number", (double)n);
        char *text = cJSON_PrintUnformatted(body);
        if (text) {
            buf_printf(e->b, "event: %s\ndata: %s\n\n", type, text);
            cJSON_free(text);
        }
    }
    cJSON_Delete(body);
}

/* {output_index, item}: takes item. */
static cJSON *with_item(cJSON *item, long index)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "output_index", (double)index);
    cJSON_AddItemToObject(o, "item", item);
    return o;
}

static cJSON *at(const char *item_id, long index, const char *part_key, long part)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "item_id", item_id);
    cJSON_AddNumberToObject(o, "output_index", (double)index);
    if (part_key)
        cJSON_AddNumberToObject(o, part_key, (double)part);
    return o;
}

/* The item as first announced: in progress, no content yet. */
static cJSON *started(const cJSON *item)
{
    cJSON *s = cJSON_Duplicate(item, true);
    const char *type = cJSON_GetObjectItemCaseSensitive(item, "type")->valuestring;
    if (cJSON_GetObjectItemCaseSensitive(s, "status"))
        json_set(s, "status", cJSON_CreateString("in_progress"));
    if (!strcmp(type, "message"))
        json_set(s, "content", cJSON_CreateArray());
    else if (!strcmp(type, "function_call"))
        json_set(s, "arguments", cJSON_CreateString(""));
    else if (!strcmp(type, "reasoning"))
        json_set(s, "summary", cJSON_CreateArray());
    else if (!strcmp(type, "file_search_call") && cJSON_GetObjectItemCaseSensitive(s, "results"))
        json_set(s, "results", cJSON_CreateNull());
    return s;
}

/* Pieces of text for deltas: a word at a time (with its leading space);
 * JSON (no spaces) in pieces of up to 12 bytes, never inside a UTF-8
 * character. */
static size_t piece_end(const char *s, size_t p, size_t len)
{
    size_t q = p + 1;
    while (q < len && s[q] != ' ' && q - p < 12)
        q++;
    while (q < len && ((unsigned char)s[q] & 0xc0) == 0x80)
        q++;
    return q;
}

/* A token's length in bytes: its "bytes" list, else its text. */
static size_t token_len(const cJSON *entry)
{
    const cJSON *bytes = cJSON_GetObjectItemCaseSensitive(entry, "bytes");
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(entry, "token");
    if (cJSON_IsArray(bytes))
        return (size_t)cJSON_GetArraySize(bytes);
    return cJSON_IsString(token) ? strlen(token->valuestring) : 0;
}

/* The deltas of text, each a copy of base with its piece; base is freed.
 * With logprobs (NULL: none asked), each delta carries the entries of the
 * tokens starting in its piece (an empty list without). */
static void deltas(ev *e, const char *type, const char *text, cJSON *base, bool with_logprobs, const cJSON *logprobs)
{
    size_t len = strlen(text), at = 0;
    const cJSON *tok = logprobs ? logprobs->child : NULL;
    for (size_t p = 0; p < len;) {
        size_t q = piece_end(text, p, len);
        cJSON *o = cJSON_Duplicate(base, true);
        buf piece = BUF_INIT;
        buf_append(&piece, text + p, q - p);
        cJSON_AddStringToObject(o, "delta", piece.data ? piece.data : "");
        if (with_logprobs) {
            cJSON *mine = cJSON_AddArrayToObject(o, "logprobs");
            for (; tok && at < q; at += token_len(tok), tok = tok->next)
                cJSON_AddItemToArray(mine, cJSON_Duplicate(tok, true));
        }
        buf_free(&piece);
        emit(e, type, o);
        e->deltas++;
        p = q;
    }
    cJSON_Delete(base);
}

static const char *sget(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static void message_events(ev *e, const cJSON *item, long index)
{
    const char *id = sget(item, "id");
    long k = 0;
    for (const cJSON *part = cJSON_GetObjectItemCaseSensitive(item, "content")->child; part; part = part->next, k++) {
        const char *text = sget(part, "text");
        cJSON *o = at(id, index, "content_index", k), *empty = cJSON_Duplicate(part, true);
        json_set(empty, "text", cJSON_CreateString(""));
        json_set(empty, "annotations", cJSON_CreateArray());
        cJSON_AddItemToObject(o, "part", empty);
        emit(e, "response.content_part.added", o);
        deltas(e, "response.output_text.delta", text, at(id, index, "content_index", k), true,
               cJSON_GetObjectItemCaseSensitive(part, "logprobs"));
        const cJSON *ann = cJSON_GetObjectItemCaseSensitive(part, "annotations");
        long a = 0;
        for (const cJSON *one = ann ? ann->child : NULL; one; one = one->next, a++) {
            o = at(id, index, "content_index", k);
            cJSON_AddNumberToObject(o, "annotation_index", (double)a);
            cJSON_AddItemToObject(o, "annotation", cJSON_Duplicate(one, true));
            emit(e, "response.output_text.annotation.added", o);
        }
        o = at(id, index, "content_index", k);
        cJSON_AddStringToObject(o, "text", text);
        const cJSON *lp = cJSON_GetObjectItemCaseSensitive(part, "logprobs");
        cJSON_AddItemToObject(o, "logprobs", lp ? cJSON_Duplicate(lp, true) : cJSON_CreateArray());
        emit(e, "response.output_text.done", o);
        o = at(id, index, "content_index", k);
        cJSON_AddItemToObject(o, "part", cJSON_Duplicate(part, true));
        emit(e, "response.content_part.done", o);
    }
}

static void call_events(ev *e, const cJSON *item, long index)
{
    const char *id = sget(item, "id");
    deltas(e, "response.function_call_arguments.delta", sget(item, "arguments"), at(id, index, NULL, 0), false, NULL);
    cJSON *o = at(id, index, NULL, 0);
    cJSON_AddStringToObject(o, "name", sget(item, "name"));
    cJSON_AddStringToObject(o, "arguments", sget(item, "arguments"));
    emit(e, "response.function_call_arguments.done", o);
}

static void reasoning_events(ev *e, const cJSON *item, long index)
{
    const char *id = sget(item, "id");
    long k = 0;
    for (const cJSON *part = cJSON_GetObjectItemCaseSensitive(item, "summary")->child; part; part = part->next, k++) {
        const char *text = sget(part, "text");
        cJSON *o = at(id, index, "summary_index", k), *empty = cJSON_Duplicate(part, true);
        json_set(empty, "text", cJSON_CreateString(""));
        cJSON_AddItemToObject(o, "part", empty);
        emit(e, "response.reasoning_summary_part.added", o);
        deltas(e, "response.reasoning_summary_text.delta", text, at(id, index, "summary_index", k), false, NULL);
        o = at(id, index, "summary_index", k);
        cJSON_AddStringToObject(o, "text", text);
        emit(e, "response.reasoning_summary_text.done", o);
        o = at(id, index, "summary_index", k);
        cJSON_AddItemToObject(o, "part", cJSON_Duplicate(part, true));
        emit(e, "response.reasoning_summary_part.done", o);
    }
}

/* web_search_call / file_search_call: in_progress, searching, completed. */
static void search_events(ev *e, const cJSON *item, long index, const char *kind)
{
    static const char *const steps[] = {"in_progress", "searching", "completed"};
    for (size_t i = 0; i < 3; i++) {
        char type[64];
        snprintf(type, sizeof type, "response.%s.%s", kind, steps[i]);
        emit(e, type, at(sget(item, "id"), index, NULL, 0));
    }
}

/* The object as announced at the start: in progress, nothing out yet. */
static cJSON *in_progress(const cJSON *resp)
{
    cJSON *r = cJSON_Duplicate(resp, true);
    json_set(r, "status", cJSON_CreateString("in_progress"));
    json_set(r, "output", cJSON_CreateArray());
    json_set(r, "usage", cJSON_CreateNull());
    json_set(r, "error", cJSON_CreateNull());
    json_set(r, "incomplete_details", cJSON_CreateNull());
    return r;
}

static cJSON *with_response(cJSON *resp)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "response", resp);
    return o;
}

size_t oa_resp_events(buf *b, const cJSON *resp, long after, bool start_only)
{
    ev e = {b, 0, after, start_only, 0};
    emit(&e, "response.created", with_response(in_progress(resp)));
    emit(&e, "response.in_progress", with_response(in_progress(resp)));
    long index = 0;
    for (const cJSON *item = cJSON_GetObjectItemCaseSensitive(resp, "output")->child; item; item = item->next, index++) {
        const char *type = sget(item, "type");
        emit(&e, "response.output_item.added", with_item(started(item), index));
        if (!strcmp(type, "message"))
            message_events(&e, item, index);
        else if (!strcmp(type, "function_call"))
            call_events(&e, item, index);
        else if (!strcmp(type, "reasoning"))
            reasoning_events(&e, item, index);
        else if (!strcmp(type, "web_search_call") || !strcmp(type, "file_search_call"))
            search_events(&e, item, index, type);
        emit(&e, "response.output_item.done", with_item(cJSON_Duplicate(item, true), index));
    }
    const char *status = sget(resp, "status");
    const char *last = !strcmp(status, "failed") ? "response.failed" : !strcmp(status, "incomplete") ? "response.incomplete"
                                                                                                    : "response.completed";
    emit(&e, last, with_response(cJSON_Duplicate(resp, true)));
    return e.deltas;
}

/* Where the nth event ("...\n\n") of the stream ends. */
static size_t event_end(const buf *b, long n, long *kept)
{
    size_t at = 0;
    for (*kept = 0; *kept < n; ++*kept) {
        const char *e = strstr(b->data + at, "\n\n");
        if (!e)
            return b->len;
        at = (size_t)(e + 2 - b->data);
    }
    return at;
}

void oa_resp_stream_fault(srv_req *r, buf *b)
{
    const char *kind = srv_req_note(r, "kind"), *after = srv_req_note(r, "after_chunks");
    if (!kind || !b->data || strcmp(kind, "stream_error")) {
        oa_stream_fault(r, b, NULL, NULL); /* stream_cut as on chat */
        return;
    }
    long kept;
    b->len = event_end(b, after ? strtol(after, NULL, 10) : 3, &kept);
    buf_printf(b, "event: error\ndata: {\"type\":\"error\",\"code\":\"server_error\",\"message\":\"The server had "
                  "an error while processing your request. Sorry about that!\",\"param\":null,\"sequence_number\":%ld}\n\n",
               kept);
}
