/* What the oa_azure_*.c files share and nothing else needs. */
#ifndef OA_AZURE_INTERNAL_H
#define OA_AZURE_INTERNAL_H

#include <stdbool.h>

/* May a path of this style (v1 or deployment) take this api-version
 * (NULL: none was sent)? */
bool oa_azure_version_ok(const char *v, bool v1_path);

#endif
