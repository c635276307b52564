#include "lp_fixtures.h"

#include "file.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A file name we may look up: no path, nothing hidden, not too long. */
static bool plain_name(const char *name)
{
    return name && *name && name[0] != '.' && !strchr(name, '/') && !strchr(name, '\\') && strlen(name) < 200;
}

static char *slurp(const char *dir, const char *name, const char *ext, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s%s", dir, name, ext);
    buf b = BUF_INIT;
    if (!file_read_all(path, &b)) {
        buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return buf_release(&b);
}

static bool add(lp_doc *d, const char *md, size_t n, const char *text)
{
    lp_page *pages = realloc(d->pages, (d->npages + 1) * sizeof *pages);
    if (!pages)
        return false;
    d->pages = pages;
    buf m = BUF_INIT;
    buf_append(&m, md, n);
    d->pages[d->npages].md = m.data ? buf_release(&m) : strdup("");
    d->pages[d->npages].text = text ? strdup(text) : NULL; /* NULL: derived from md */
    if (text && !d->pages[d->npages].text) {
        free(d->pages[d->npages].md);
        return false;
    }
    d->npages++;
    return true;
}

static lp_doc *from_md(const char *md, size_t len)
{
    lp_doc *d = calloc(1, sizeof *d);
    const char *sep = "\n---\n";
    for (const char *p = md, *end = md + len; d && p <= end;) {
        const char *cut = strstr(p, sep);
        if (!cut || cut > end)
            cut = end;
        if (!add(d, p, (size_t)(cut - p), NULL)) {
            lp_doc_free(d);
            return NULL;
        }
        p = cut + strlen(sep);
    }
    return d;
}

static lp_doc *from_json(const char *json, size_t len)
{
    cJSON *root = cJSON_ParseWithLength(json, len);
    const cJSON *pages = cJSON_IsArray(root) ? root : cJSON_GetObjectItemCaseSensitive(root, "pages");
    lp_doc *d = cJSON_IsArray(pages) ? calloc(1, sizeof *d) : NULL;
    for (const cJSON *p = d ? pages->child : NULL; p; p = p->next) {
        const cJSON *md = cJSON_GetObjectItemCaseSensitive(p, "md");
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(p, "text");
        const char *m = cJSON_IsString(md) ? md->valuestring : cJSON_IsString(text) ? text->valuestring : "";
        if (!add(d, m, strlen(m), cJSON_IsString(text) ? text->valuestring : NULL)) {
            lp_doc_free(d);
            d = NULL;
            break;
        }
    }
    cJSON_Delete(root);
    return d;
}

lp_doc *lp_fixture_doc(const char *dir, const char *filename, const char *data, size_t len)
{
    if (!dir || !*dir)
        return NULL;
    char sum[65];
    lp_sha256_hex(data, len, sum);
    const char *names[2] = {plain_name(filename) ? filename : NULL, sum};
    for (int i = 0; i < 2; i++) {
        size_t n;
        char *text;
        if (!names[i])
            continue;
        if ((text = slurp(dir, names[i], ".json", &n))) {
            lp_doc *d = from_json(text, n);
            free(text);
            if (d)
                return d;
        }
        if ((text = slurp(dir, names[i], ".md", &n))) {
            lp_doc *d = from_md(text, n);
            free(text);
            return d;
        }
    }
    return NULL;
}
