/* A job for a document in hand (an upload, or a stored file): parsed now,
 * on the request path, as an upload always was; only URL documents wait
 * for the fetcher. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lp_ctx.h"
#include "lp_fixtures.h"
#include "lp_pages_select.h"

lp_job *lp_doc_job(const lp_ctx *c, const char *filename, const char *data, size_t len, const char *tier,
                   const lp_page_opts *pages, const char *params)
{
    lp_job *j = lp_job_new();
    if (!j)
        return NULL;
    const char *name = filename ? filename : "";
    j->doc = lp_fixture_doc(c->fixtures, name, data, len);
    if (!j->doc)
        j->doc = lp_doc_parse(name, data, len);
    j->filename = strdup(name);
    j->params = strdup(params ? params : "{}");
    /* --fixtures documents are selected like parsed ones */
    if (!j->doc || !j->filename || !j->params || !lp_job_set_pages(j, pages) ||
        !lp_doc_select(j->doc, j->target_pages, j->max_pages)) {
        lp_job_release(j);
        return NULL;
    }
    lp_doc_compact(j->doc);
    j->bytes = len;
    j->tier = tier;
    if (j->doc->npages == 0) {
        j->outcome = LP_ERROR;
        snprintf(j->error_code, sizeof j->error_code, "NO_DATA_FOUND_IN_FILE");
        j->error_message = strdup("No data found in file.");
    }
    return j;
}
