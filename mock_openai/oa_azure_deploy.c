/* Azure deployments: --azure-deployment NAME=MODEL, and which model a name
 * serves. */
#include <stdio.h>
#include <string.h>

#include "oa_azure.h"
#include "oa_completions.h"

static bool add_deployment(oa_ctx *c, const char *spec, char *err, size_t errlen)
{
    const char *eq = strchr(spec, '=');
    size_t n = eq ? (size_t)(eq - spec) : 0;
    if (!eq || n == 0 || n >= sizeof c->deployments[0].name) {
        snprintf(err, errlen, "invalid Azure deployment '%s': expected NAME=MODEL", spec);
        return false;
    }
    const oa_model *m = oa_model_find(c, eq + 1);
    if (!m) {
        snprintf(err, errlen, "invalid Azure deployment '%s': no model '%s' (see --model)", spec, eq + 1);
        return false;
    }
    if (c->ndeployments == OA_MAX_DEPLOYMENTS) {
        snprintf(err, errlen, "too many Azure deployments (at most %d)", OA_MAX_DEPLOYMENTS);
        return false;
    }
    oa_deployment *d = &c->deployments[c->ndeployments++];
    memcpy(d->name, spec, n);
    d->name[n] = '\0';
    d->model = (size_t)(m - c->models);
    return true;
}

bool oa_azure_deployments(oa_ctx *c, const cli_list *specs, char *err, size_t errlen)
{
    c->ndeployments = 0;
    for (size_t i = 0; specs && i < specs->n; i++) {
        if (!add_deployment(c, specs->items[i], err, errlen))
            return false;
    }
    return true;
}

/* A configured name first, so a deployment may even be named after
 * another model; then a deployment named after its model, the way most
 * people name theirs. */
const oa_model *oa_azure_model(const oa_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->ndeployments; i++) {
        if (!strcmp(c->deployments[i].name, name))
            return &c->models[c->deployments[i].model];
    }
    const oa_model *m = oa_model_find(c, name);
    return m ? m : oa_completion_model(name); /* until the catalogue lists them */
}
