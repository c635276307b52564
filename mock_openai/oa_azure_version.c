/* Azure's api-version query parameter: which values its paths take. */
#include <stdbool.h>
#include <string.h>

#include "oa_azure_internal.h"

/* The dated versions of the data-plane API, GA and preview. */
static const char *const dated[] = {
    "2022-12-01",         "2023-03-15-preview", "2023-05-15",         "2023-06-01-preview", "2023-07-01-preview",
    "2023-08-01-preview", "2023-09-01-preview", "2023-10-01-preview", "2023-12-01-preview", "2024-02-01",
    "2024-02-15-preview", "2024-03-01-preview", "2024-04-01-preview", "2024-05-01-preview", "2024-06-01",
    "2024-07-01-preview", "2024-08-01-preview", "2024-09-01-preview", "2024-10-01-preview", "2024-10-21",
    "2024-12-01-preview", "2025-01-01-preview", "2025-02-01-preview", "2025-03-01-preview", "2025-04-01-preview",
};

/* The v1 API's own names for itself. */
static const char *const v1_names[] = {"v1", "preview", "latest"};

static bool listed(const char *v, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(v, list[i]))
            return true;
    }
    return false;
}

/* Deployment paths need a dated version; the v1 paths need none, and take
 * their own names or a dated one (older SDKs send one there). */
bool oa_azure_version_ok(const char *v, bool v1_path)
{
    if (!v)
        return v1_path;
    if (listed(v, dated, sizeof dated / sizeof dated[0]))
        return true;
    return v1_path && listed(v, v1_names, sizeof v1_names / sizeof v1_names[0]);
}
