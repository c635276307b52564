/* json: request bodies read as exactly one JSON value.
 *
 * cJSON stops after the first value, so `{"a":1} trailing` would parse;
 * a real API answers it 400. Whitespace after the value is fine.
 *
 *     cJSON *j = json_parse_body(body, len);   // NULL: not one JSON value
 *     ...
 *     cJSON_Delete(j);
 */
#ifndef MW_JSON_H
#define MW_JSON_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

cJSON *json_parse_body(const char *body, size_t len);

/* Set obj[key] to item, replacing or adding: cJSON_ReplaceItemInObject
 * alone fails when the key is absent and leaves the new item leaked. item
 * is taken either way (freed when it cannot be set); false then.
 *
 *     json_set(resp, "usage", cJSON_CreateNull());
 */
bool json_set(cJSON *obj, const char *key, cJSON *item);

#endif
