/* What a recording is keyed by: the request's body, normalised. Fields
 * that name or route a request without changing its answer are left out,
 * so the same prompt from another user or run finds the same recording;
 * everything else (sampling parameters and seed included) is kept, since
 * a different value may get a different answer. */
#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "oa_record.h"
#include "rec_store.h"

static const char *const volatile_fields[] = {
    "user", "metadata", "store", "service_tier", "prompt_cache_key", "safety_identifier", "stream_options",
};

const char *oa_rec_family_name(oa_rec_family f)
{
    static const char *const names[] = {"chat", "responses", "completions", "embeddings"};
    return names[f];
}

static cJSON *embed_key(const cJSON *body)
{
    cJSON *k = cJSON_CreateObject();
    static const char *const kept[] = {"model", "input", "dimensions"};
    for (size_t i = 0; k && i < sizeof kept / sizeof kept[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, kept[i]);
        cJSON *copy = v ? cJSON_Duplicate(v, true) : NULL;
        if (v && (!copy || !cJSON_AddItemToObject(k, kept[i], copy))) {
            cJSON_Delete(copy);
            cJSON_Delete(k);
            return NULL;
        }
    }
    return k;
}

cJSON *oa_rec_normalise(oa_rec_family f, const cJSON *body)
{
    if (!cJSON_IsObject(body))
        return NULL;
    if (f == OA_REC_EMBEDDINGS)
        return embed_key(body);
    cJSON *k = cJSON_Duplicate(body, true);
    for (size_t i = 0; k && i < sizeof volatile_fields / sizeof volatile_fields[0]; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(k, volatile_fields[i]);
    /* A chat stream replays from its final content, so streamed or not is
     * one recording; the other families keep the stream's own events. */
    if (k && f == OA_REC_CHAT)
        cJSON_DeleteItemFromObjectCaseSensitive(k, "stream");
    else if (k && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k, "stream")))
        cJSON_DeleteItemFromObjectCaseSensitive(k, "stream"); /* false and absent are one */
    return k;
}

bool oa_rec_file_name(oa_rec_family f, const cJSON *body, char *out, size_t cap)
{
    cJSON *k = oa_rec_normalise(f, body);
    if (!k)
        return false;
    char key[REC_KEY_LEN + 1];
    rec_key(k, key);
    cJSON_Delete(k);
    int n = snprintf(out, cap, "%s-%s.json", oa_rec_family_name(f), key);
    return n > 0 && (size_t)n < cap;
}

bool oa_rec_hash_matches(const char *hash, const cJSON *body)
{
    cJSON *k = oa_rec_normalise(OA_REC_CHAT, body);
    char key[REC_KEY_LEN + 1];
    if (k)
        rec_key(k, key);
    cJSON_Delete(k);
    return k && !strcmp(hash, key);
}

const char *oa_rec_last_user(const cJSON *body)
{
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(body, "messages");
    const char *found = "";
    for (const cJSON *m = cJSON_IsArray(msgs) ? msgs->child : NULL; m; m = m->next) {
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(m, "role");
        const cJSON *content = cJSON_GetObjectItemCaseSensitive(m, "content");
        if (!cJSON_IsString(role) || strcmp(role->valuestring, "user") != 0)
            continue;
        if (cJSON_IsString(content))
            found = content->valuestring;
        for (const cJSON *p = cJSON_IsArray(content) ? content->child : NULL; p; p = p->next) {
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "text");
            if (cJSON_IsString(t))
                found = t->valuestring;
        }
    }
    return found;
}
