/* The rule list: insertion order, one lock, and the per-request decision. */
#include <cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faults.h"
#include "faults_internal.h"
#include "file.h"
#include "json.h"
#include "timer.h"

faults *faults_new(void)
{
    faults *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    pthread_mutex_init(&f->lock, NULL);
    f->next_id = 1;
    return f;
}

static bool of_test(const faults_rule *r, const char *test_id)
{
    return !test_id || (r->test_id && strcmp(r->test_id, test_id) == 0);
}

void faults_clear(faults *f, const char *test_id)
{
    pthread_mutex_lock(&f->lock);
    size_t kept = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (of_test(f->rules[i], test_id))
            faults_rule_free(f->rules[i]);
        else
            f->rules[kept++] = f->rules[i];
    }
    f->n = kept;
    pthread_mutex_unlock(&f->lock);
}

void faults_free(faults *f)
{
    if (!f)
        return;
    faults_clear(f, NULL);
    free(f->rules);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

/* Seed the trigger state: a given seed repeats its pattern every run. */
static void arm(faults_rule *r, unsigned long id)
{
    r->id = id;
    r->created_ms = timer_now_ms();
    uint64_t seed = r->seed >= 0 ? (uint64_t)r->seed : (uint64_t)time(NULL) ^ ((uint64_t)id << 32);
    r->rng = seed;
    r->jitter_rng = seed ^ 0x6a09e667f3bcc909ULL;
}

/* Append rules[0..n) (all or none) with consecutive ids from *first;
 * returns false on OOM. */
static bool append_all(faults *f, faults_rule **rules, size_t n, unsigned long *first)
{
    pthread_mutex_lock(&f->lock);
    bool ok = true;
    if (f->n + n > f->cap) {
        size_t cap = f->cap ? f->cap : 16;
        while (cap < f->n + n)
            cap *= 2;
        faults_rule **grown = realloc(f->rules, cap * sizeof *grown);
        ok = grown != NULL;
        if (ok) {
            f->rules = grown;
            f->cap = cap;
        }
    }
    *first = f->next_id;
    for (size_t i = 0; ok && i < n; i++) {
        arm(rules[i], f->next_id++);
        f->rules[f->n++] = rules[i];
    }
    pthread_mutex_unlock(&f->lock);
    return ok;
}

bool faults_add_parsed(faults *f, const void *json, unsigned long *first_id, size_t *count, char *err,
                       size_t errlen)
{
    const cJSON *j = json;
    bool array = cJSON_IsArray(j);
    size_t n = array ? (size_t)cJSON_GetArraySize(j) : 1;
    faults_rule **rules = calloc(n ? n : 1, sizeof *rules);
    bool ok = rules != NULL;
    size_t i = 0;
    for (const cJSON *item = array ? j->child : j; ok && i < n; item = item->next, i++) {
        char why[300];
        rules[i] = faults_rule_from_json(item, &f->x, why, sizeof why);
        if (!rules[i] && array)
            snprintf(err, errlen, "rule %zu: %s", i, why);
        else if (!rules[i])
            snprintf(err, errlen, "%s", why);
        ok = rules[i] != NULL;
    }
    unsigned long first = 0;
    if (ok && !append_all(f, rules, n, &first)) {
        snprintf(err, errlen, "out of memory");
        ok = false;
    }
    for (size_t k = 0; !ok && rules && k < n; k++)
        faults_rule_free(rules[k]);
    free(rules);
    if (first_id)
        *first_id = first;
    if (count)
        *count = ok ? n : 0;
    if (!rules)
        snprintf(err, errlen, "out of memory");
    return ok;
}

bool faults_add_json(faults *f, const char *json, size_t len, char *err, size_t errlen)
{
    return faults_add_json_first(f, json, len, NULL, err, errlen);
}

bool faults_add_json_first(faults *f, const char *json, size_t len, unsigned long *first_id, char *err,
                           size_t errlen)
{
    cJSON *j = json_parse_body(json, len);
    if (!j) {
        snprintf(err, errlen, "invalid JSON");
        return false;
    }
    bool ok = faults_add_parsed(f, j, first_id, NULL, err, errlen);
    cJSON_Delete(j);
    return ok;
}

bool faults_load_file(faults *f, const char *path, char *err, size_t errlen)
{
    buf data = BUF_INIT;
    char why[400];
    bool ok = file_read_all(path, &data);
    if (!ok)
        snprintf(err, errlen, "cannot read %s", path);
    else if (!(ok = faults_add_json(f, data.data, data.len, why, sizeof why)))
        snprintf(err, errlen, "%s: %s", path, why);
    buf_free(&data);
    return ok;
}

bool faults_remove(faults *f, unsigned long id)
{
    pthread_mutex_lock(&f->lock);
    bool found = false;
    for (size_t i = 0; i < f->n && !found; i++) {
        if (f->rules[i]->id != id)
            continue;
        faults_rule_free(f->rules[i]);
        memmove(&f->rules[i], &f->rules[i + 1], (f->n - i - 1) * sizeof f->rules[0]);
        f->n--;
        found = true;
    }
    pthread_mutex_unlock(&f->lock);
    return found;
}

bool faults_add_field(faults *f, const char *name, faults_field_check check)
{
    if (f->x.nfields == FAULTS_MAX_FIELDS)
        return false;
    f->x.fields[f->x.nfields++] = (faults_ext){name, check};
    return true;
}

bool faults_add_kind(faults *f, const char *name)
{
    if (f->x.nkinds == FAULTS_MAX_KINDS)
        return false;
    f->x.kinds[f->x.nkinds++] = name;
    return true;
}

/* Called under the lock. */
static void describe(const faults_rule *r, buf *out)
{
    cJSON *j = cJSON_Duplicate(r->json, true);
    if (j) {
        cJSON_AddNumberToObject(j, "id", (double)r->id);
        cJSON_AddNumberToObject(j, "hits", (double)r->hits);
        long rem = faults_rule_remaining(r);
        if (rem < 0)
            cJSON_AddNullToObject(j, "remaining");
        else
            cJSON_AddNumberToObject(j, "remaining", (double)rem);
    }
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;
    buf_puts(out, text ? text : "{}");
    free(text);
    cJSON_Delete(j);
}

bool faults_describe(faults *f, unsigned long id, buf *out)
{
    pthread_mutex_lock(&f->lock);
    bool found = false;
    for (size_t i = 0; i < f->n && !found; i++) {
        if (f->rules[i]->id == id) {
            describe(f->rules[i], out);
            found = true;
        }
    }
    pthread_mutex_unlock(&f->lock);
    return found;
}

void faults_describe_all(faults *f, const char *test_id, buf *out)
{
    pthread_mutex_lock(&f->lock);
    size_t written = 0;
    for (size_t i = 0; i < f->n; i++) {
        if (!of_test(f->rules[i], test_id))
            continue;
        if (written++)
            buf_puts(out, ",");
        describe(f->rules[i], out);
    }
    pthread_mutex_unlock(&f->lock);
}
