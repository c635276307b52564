/* Stored responses: a bounded list, oldest first, under one lock. */
#include "oa_resp_store.h"
#include "json.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "timer.h"

struct oa_resp_store {
    pthread_mutex_t lock;
    oa_resp_rec **recs; /* insertion order: the oldest first */
    size_t n, max;
    uint64_t ttl_ms;
};

void oa_resp_rec_free(oa_resp_rec *rec)
{
    if (!rec)
        return;
    cJSON_Delete(rec->response);
    cJSON_Delete(rec->input);
    cJSON_Delete(rec->history);
    free(rec->test_id);
    free(rec);
}

oa_resp_store *oa_resp_store_new(size_t max, uint64_t ttl_ms)
{
    oa_resp_store *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->max = max ? max : 1;
    s->ttl_ms = ttl_ms;
    if (!(s->recs = calloc(s->max, sizeof *s->recs))) {
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

void oa_resp_store_clear(void *arg, const char *test_id)
{
    oa_resp_store *s = arg;
    pthread_mutex_lock(&s->lock);
    size_t kept = 0;
    for (size_t i = 0; i < s->n; i++) {
        oa_resp_rec *r = s->recs[i];
        if (!test_id || (r->test_id && !strcmp(r->test_id, test_id)))
            oa_resp_rec_free(r);
        else
            s->recs[kept++] = r;
    }
    s->n = kept;
    pthread_mutex_unlock(&s->lock);
}

void oa_resp_store_free(oa_resp_store *s)
{
    if (!s)
        return;
    oa_resp_store_clear(s, NULL);
    pthread_mutex_destroy(&s->lock);
    free(s->recs);
    free(s);
}

static void drop_at(oa_resp_store *s, size_t i)
{
    oa_resp_rec_free(s->recs[i]);
    memmove(s->recs + i, s->recs + i + 1, (s->n - i - 1) * sizeof *s->recs);
    s->n--;
}

/* Responses past their TTL go first (they are the oldest). */
static void expire(oa_resp_store *s, uint64_t now)
{
    size_t gone = 0;
    while (gone < s->n && now - s->recs[gone]->created_ms >= s->ttl_ms)
        oa_resp_rec_free(s->recs[gone++]);
    memmove(s->recs, s->recs + gone, (s->n - gone) * sizeof *s->recs);
    s->n -= gone;
}

bool oa_resp_store_add(oa_resp_store *s, oa_resp_rec *rec)
{
    pthread_mutex_lock(&s->lock);
    expire(s, timer_now_ms());
    if (s->n == s->max)
        drop_at(s, 0); /* full: the oldest makes room */
    s->recs[s->n++] = rec;
    pthread_mutex_unlock(&s->lock);
    return true;
}

static oa_resp_rec *find(oa_resp_store *s, const char *id, bool conversation, size_t *at)
{
    expire(s, timer_now_ms());
    for (size_t i = s->n; i-- > 0;) {
        if (s->recs[i]->conversation == conversation && !strcmp(s->recs[i]->id, id)) {
            if (at)
                *at = i;
            return s->recs[i];
        }
    }
    return NULL;
}

bool oa_resp_store_with(oa_resp_store *s, const char *id, bool conversation, oa_resp_rec_fn fn, void *ctx)
{
    pthread_mutex_lock(&s->lock);
    oa_resp_rec *r = find(s, id, conversation, NULL);
    if (r)
        fn(r, ctx);
    pthread_mutex_unlock(&s->lock);
    return r != NULL;
}

bool oa_resp_store_remove(oa_resp_store *s, const char *id, bool conversation)
{
    pthread_mutex_lock(&s->lock);
    size_t at;
    bool found = find(s, id, conversation, &at) != NULL;
    if (found)
        drop_at(s, at);
    pthread_mutex_unlock(&s->lock);
    return found;
}

cJSON *oa_resp_store_history(oa_resp_store *s, const char *id)
{
    pthread_mutex_lock(&s->lock);
    /* the chain, newest first: at most every stored response once */
    const oa_resp_rec **chain = calloc(s->n ? s->n : 1, sizeof *chain);
    size_t n = 0;
    for (const oa_resp_rec *r = chain ? find(s, id, false, NULL) : NULL; r && n < s->n;
         r = r->prev[0] ? find(s, r->prev, false, NULL) : NULL)
        chain[n++] = r;
    cJSON *all = n ? cJSON_CreateArray() : NULL;
    for (size_t i = n; all && i-- > 0;)
        for (const cJSON *it = chain[i]->history ? chain[i]->history->child : NULL; it; it = it->next)
            cJSON_AddItemToArray(all, cJSON_Duplicate(it, true));
    pthread_mutex_unlock(&s->lock);
    free(chain);
    return all;
}

static const cJSON *item_in(const cJSON *items, const char *id)
{
    for (const cJSON *it = cJSON_IsArray(items) ? items->child : NULL; it; it = it->next) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "id");
        if (cJSON_IsString(v) && !strcmp(v->valuestring, id))
            return it;
    }
    return NULL;
}

cJSON *oa_resp_store_item(oa_resp_store *s, const char *item_id)
{
    cJSON *copy = NULL;
    pthread_mutex_lock(&s->lock);
    expire(s, timer_now_ms());
    for (size_t i = s->n; i-- > 0 && !copy;) {
        const cJSON *it = item_in(cJSON_GetObjectItemCaseSensitive(s->recs[i]->response, "output"), item_id);
        if (!it)
            it = item_in(s->recs[i]->input, item_id);
        if (it)
            copy = cJSON_Duplicate(it, true);
    }
    pthread_mutex_unlock(&s->lock);
    return copy;
}

const char *oa_resp_rec_status(const oa_resp_rec *rec, uint64_t now)
{
    if (rec->cancelled)
        return "cancelled";
    if (rec->background && now < rec->done_ms) /* a third of its time queued, then in progress */
        return now < rec->created_ms + (rec->done_ms == UINT64_MAX ? 0 : (rec->done_ms - rec->created_ms) / 3)
                   ? "queued"
                   : "in_progress";
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(rec->response, "status");
    return cJSON_IsString(st) ? st->valuestring : "completed";
}

cJSON *oa_resp_rec_view(const oa_resp_rec *rec, uint64_t now)
{
    cJSON *v = cJSON_Duplicate(rec->response, true);
    const char *st = oa_resp_rec_status(rec, now);
    const cJSON *final = cJSON_GetObjectItemCaseSensitive(rec->response, "status");
    if (!v || (cJSON_IsString(final) && !strcmp(st, final->valuestring)))
        return v;
    json_set(v, "status", cJSON_CreateString(st));
    json_set(v, "output", cJSON_CreateArray());
    json_set(v, "usage", cJSON_CreateNull());
    json_set(v, "error", cJSON_CreateNull());
    json_set(v, "incomplete_details", cJSON_CreateNull());
    return v;
}
