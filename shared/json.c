#include "json.h"

cJSON *json_parse_body(const char *body, size_t len)
{
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(body, len, &end, false);
    while (j && end < body + len && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
        end++;
    if (j && end != body + len) {
        cJSON_Delete(j);
        j = NULL;
    }
    return j;
}

bool json_set(cJSON *obj, const char *key, cJSON *item)
{
    if (!item)
        return false;
    bool ok = cJSON_GetObjectItemCaseSensitive(obj, key) ? cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item)
                                                         : cJSON_AddItemToObject(obj, key, item);
    if (!ok)
        cJSON_Delete(item);
    return ok;
}
