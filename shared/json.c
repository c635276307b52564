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
