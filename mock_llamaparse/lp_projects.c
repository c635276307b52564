/* /api/v1/projects: the one default project every file and job belongs to
 * (tools list projects at start-up to find it). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lp_files.h"

static void project(buf *out)
{
    buf_printf(out,
               "{\"id\":\"%s\",\"name\":\"Default\",\"organization_id\":\"%s\",\"created_at\":\"2024-01-01T00:00:00Z\","
               "\"updated_at\":\"2024-01-01T00:00:00Z\",\"ad_hoc_eval_dataset_id\":null,\"is_default\":true}",
               LP_PROJECT_ID, LP_ORG_ID);
}

void lp_projects_list(srv_req *r, void *ctx)
{
    if (!lp_auth_check(r, ctx) || !lp_scope_check(r))
        return;
    const char *name = srv_req_query(r, "project_name");
    buf *b = srv_resp_body(r);
    buf_puts(b, "[");
    if (!name || !strcmp(name, "Default"))
        project(b);
    buf_puts(b, "]");
}

void lp_projects_get(srv_req *r, void *ctx)
{
    if (!lp_auth_check(r, ctx) || !lp_scope_check(r))
        return;
    const char *id = srv_req_param(r, "id");
    if (!lp_is_uuid(id))
        lp_unprocessable(r, "path", "project_id", "uuid_parsing", "Input should be a valid UUID", id);
    else if (strcasecmp(id, LP_PROJECT_ID))
        lp_detail(r, 404, "Project not found.");
    else
        project(srv_resp_body(r));
}
