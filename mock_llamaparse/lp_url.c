/* Jobs whose document comes by URL: v1 input_url, v2 source_url, and the
 * old mock's POST /parse. The fetch runs on lp_fetch's worker; the job is
 * PENDING until its document is in and its processing time has passed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lp_ctx.h"
#include "lp_fetch.h"
#include "lp_files.h"
#include "lp_fixtures.h"

bool lp_url_valid(const char *url)
{
    return url && (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0) && !strpbrk(url, " \r\n");
}

/* The last path segment, for the file type: "http://h/a/b.pdf?x=1" → "b.pdf". */
static char *name_of(const char *url)
{
    size_t end = strcspn(url, "?#");
    const char *slash = url + end;
    while (slash > url && slash[-1] != '/')
        slash--;
    return strndup(slash, (size_t)(url + end - slash));
}

lp_job *lp_url_job(const char *id, const char *url, const char *tier, const char *separator, long max_pages,
                   const char *params)
{
    lp_job *j = lp_job_new();
    if (!j)
        return NULL;
    if (id)
        snprintf(j->id, sizeof j->id, "%s", id);
    j->doc = lp_doc_parse("", "", 0);
    j->filename = name_of(url);
    j->source_url = strdup(url);
    j->separator = strdup(separator ? separator : "\n---\n");
    j->params = strdup(params ? params : "{}");
    j->tier = tier;
    j->max_pages = max_pages;
    j->fetching = true;
    j->ready_ms = UINT64_MAX; /* PENDING until the document is in */
    if (!j->doc || !j->filename || !j->source_url || !j->separator || !j->params) {
        lp_job_release(j);
        return NULL;
    }
    return j;
}

void lp_on_fetched(void *ctx, const char *job_id, const char *url, const char *data, size_t len, const char *error)
{
    const lp_ctx *c = ctx;
    if (!strncmp(job_id, LP_FILE_FETCH, strlen(LP_FILE_FETCH))) {
        lp_files_fetched(c, job_id + strlen(LP_FILE_FETCH), data, len, error);
        return;
    }
    lp_doc *doc = NULL;
    if (!error) {
        char *name = name_of(url);
        doc = lp_fixture_doc(c->fixtures, name, data, len);
        if (!doc)
            doc = lp_doc_parse(name ? name : "", data, len);
        free(name);
        if (!doc)
            error = "out of memory while parsing";
    }
    lp_store_fetched(c->store, job_id, doc, error, (uint64_t)c->job_delay_ms, (uint64_t)c->job_ms_per_page);
}

bool lp_url_fetch(const lp_ctx *c, const char *job_id, const char *url)
{
    if (lp_fetcher_enqueue(c->fetcher, job_id, url))
        return true;
    lp_on_fetched((void *)c, job_id, url, "", 0, "out of memory queueing the fetch");
    return false;
}
