/* Cursor pages of stored items, as the list endpoints give them (a
 * response's input items, a conversation's items): after an item id, up to
 * limit (1..100, 20 by default), oldest or newest first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oa_resp.h"

bool oa_resp_page_query(srv_req *r, oa_resp_page_q *p, const char *default_order)
{
    const char *order = srv_req_query(r, "order"), *limit = srv_req_query(r, "limit");
    char *end = NULL;
    long n = limit ? strtol(limit, &end, 10) : 20;
    char msg[200];
    if (limit && (end == limit || *end || n < 1 || n > 100)) {
        snprintf(msg, sizeof msg, "Invalid 'limit': integer %s. Expected a value between 1 and 100.",
                 n < 1 ? "below minimum value" : "above maximum value");
        oa_error(r, 400, msg, IRE, "limit", n < 1 ? "integer_below_min_value" : "integer_above_max_value");
        return false;
    }
    if (order && strcmp(order, "asc") && strcmp(order, "desc")) {
        snprintf(msg, sizeof msg, "Invalid value: '%.40s'. Supported values are: 'asc' and 'desc'.", order);
        oa_error(r, 400, msg, IRE, "order", "invalid_value");
        return false;
    }
    p->after = srv_req_query(r, "after");
    p->limit = n;
    p->asc = !strcmp(order ? order : default_order, "asc");
    return true;
}

/* Where the page starts: after the cursor's item; -1 when it is not there. */
static int start_of(const cJSON *items, int n, const oa_resp_page_q *p)
{
    if (!p->after)
        return 0;
    for (int i = 0; i < n; i++) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(items, p->asc ? i : n - 1 - i), "id");
        if (cJSON_IsString(id) && !strcmp(id->valuestring, p->after))
            return i + 1;
    }
    return -1;
}

cJSON *oa_resp_page(const cJSON *items, const oa_resp_page_q *p)
{
    int n = cJSON_GetArraySize(items);
    int start = start_of(items, n, p);
    if (start < 0)
        return NULL;
    cJSON *list = cJSON_CreateObject(), *data = cJSON_AddArrayToObject(list, "data");
    const char *first = NULL, *last = NULL;
    int i = start;
    for (; i < n && i - start < p->limit; i++) {
        const cJSON *item = cJSON_GetArrayItem(items, p->asc ? i : n - 1 - i);
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
        last = cJSON_IsString(id) ? id->valuestring : NULL;
        first = first ? first : last;
        cJSON_AddItemToArray(data, cJSON_Duplicate(item, true));
    }
    cJSON_AddStringToObject(list, "object", "list");
    cJSON_AddItemToObject(list, "first_id", first ? cJSON_CreateString(first) : cJSON_CreateNull());
    cJSON_AddItemToObject(list, "last_id", last ? cJSON_CreateString(last) : cJSON_CreateNull());
    cJSON_AddBoolToObject(list, "has_more", i < n);
    return list;
}

void oa_resp_print(srv_req *r, const cJSON *o)
{
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    if (text)
        buf_puts(srv_resp_body(r), text);
    else
        oa_error(r, 500, "The server had an error while processing your request. Sorry about that!", "server_error",
                 NULL, NULL);
    cJSON_free(text);
}
