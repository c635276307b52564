/* The recording store: see rec_store.h. */
#include "rec_store.h"

#include <cJSON.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "file.h"

#define REC_TEST_MAX 100

static bool safe_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
           ch == '_' || ch == '-';
}

bool rec_folder(char *out, size_t cap, const char *dir, const char *test_id)
{
    if (!test_id || !*test_id) {
        int n = snprintf(out, cap, "%s", dir);
        return n >= 0 && (size_t)n < cap;
    }
    char safe[REC_TEST_MAX + 16];
    size_t len = strlen(test_id), n = 0;
    bool changed = len > REC_TEST_MAX;
    for (size_t i = 0; i < len && n < REC_TEST_MAX; i++) {
        char ch = test_id[i];
        bool ok = safe_char(ch) && !(n == 0 && ch == '.');
        safe[n++] = ok ? ch : '_';
        changed |= !ok;
    }
    safe[n] = '\0';
    if (changed)
        snprintf(safe + n, sizeof safe - n, "-%08x", (unsigned)(XXH3_64bits(test_id, len) & 0xffffffffu));
    int w = snprintf(out, cap, "%s/%s", dir, safe);
    return w >= 0 && (size_t)w < cap;
}

static int by_key(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(x->string ? x->string : "", y->string ? y->string : "");
}

/* Sort obj's members in place (and those of everything inside). */
static bool sort_in_place(cJSON *v)
{
    size_t n = 0;
    for (cJSON *c = v ? v->child : NULL; c; c = c->next) {
        if (!sort_in_place(c))
            return false;
        n++;
    }
    if (!cJSON_IsObject(v) || n < 2)
        return true;
    cJSON **items = malloc(n * sizeof *items);
    if (!items)
        return false;
    size_t i = 0;
    for (cJSON *c = v->child; c; c = c->next)
        items[i++] = c;
    qsort(items, n, sizeof *items, by_key); /* names are unique in what we write */
    for (i = 0; i < n; i++) {
        items[i]->prev = i ? items[i - 1] : items[n - 1]; /* cJSON: the head's prev is the tail */
        items[i]->next = i + 1 < n ? items[i + 1] : NULL;
    }
    v->child = items[0];
    free(items);
    return true;
}

cJSON *rec_sorted(const cJSON *v)
{
    cJSON *copy = cJSON_Duplicate(v, true);
    if (copy && !sort_in_place(copy)) {
        cJSON_Delete(copy);
        return NULL;
    }
    return copy;
}

char *rec_canonical(const cJSON *v)
{
    cJSON *s = rec_sorted(v);
    char *text = s ? cJSON_PrintUnformatted(s) : NULL;
    cJSON_Delete(s);
    return text;
}

void rec_key(const cJSON *v, char out[REC_KEY_LEN + 1])
{
    char *text = rec_canonical(v);
    unsigned long long h = text ? (unsigned long long)XXH3_64bits(text, strlen(text)) : 0;
    snprintf(out, REC_KEY_LEN + 1, "%016llx", h);
    free(text);
}

/* mkdir -p */
static bool make_folders(const char *path)
{
    char p[4096];
    int n = snprintf(p, sizeof p, "%s", path);
    if (n < 0 || (size_t)n >= sizeof p)
        return false;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            return false;
        *s = '/';
    }
    return mkdir(p, 0777) == 0 || errno == EEXIST;
}

/* cJSON indents with tabs; two spaces read better in a review. A raw tab
 * in its output is always layout (tabs in strings are escaped). */
static char *spaced(const char *text)
{
    buf b = BUF_INIT;
    bool ok = true;
    for (const char *p = text; ok && *p; p++) {
        if (*p != '\t')
            ok = buf_append(&b, p, 1);
        else
            ok = buf_puts(&b, p > text && p[-1] == ':' ? " " : "  ");
    }
    if (ok && b.data)
        return buf_release(&b);
    buf_free(&b);
    return NULL;
}

bool rec_write(const char *folder, const char *name, const cJSON *doc, char *err, size_t errlen)
{
    static atomic_uint serial;
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld-%u", path, (long)getpid(), atomic_fetch_add(&serial, 1));
    if (!make_folders(folder)) {
        snprintf(err, errlen, "cannot make the folder %s: %s", folder, strerror(errno));
        return false;
    }
    char *tabbed = cJSON_Print(doc);
    char *text = tabbed ? spaced(tabbed) : NULL;
    free(tabbed);
    FILE *f = text ? fopen(tmp, "w") : NULL;
    bool ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    ok = f && fclose(f) == 0 && ok;
    free(text);
    if (ok && rename(tmp, path) == 0)
        return true;
    snprintf(err, errlen, "cannot write %s: %s", path, text ? strerror(errno) : "out of memory");
    unlink(tmp);
    return false;
}

cJSON *rec_read(const char *folder, const char *name)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", folder, name);
    if (n < 0 || (size_t)n >= sizeof path)
        return NULL;
    buf b = BUF_INIT;
    cJSON *doc = file_read_all(path, &b) && b.data ? cJSON_ParseWithLength(b.data, b.len) : NULL;
    buf_free(&b);
    return doc;
}
