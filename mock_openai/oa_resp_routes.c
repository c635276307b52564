/* The Responses API's routes beyond POST /v1/responses: stored responses
 * and conversations. */
#include "oa_resp.h"

void oa_resp_routes(srv_routes *t, oa_ctx *ctx)
{
    const srv_route own[] = {
        {"GET", "/v1/responses/{id}", oa_handle_response_get, ctx},
        {"DELETE", "/v1/responses/{id}", oa_handle_response_delete, ctx},
        {"GET", "/v1/responses/{id}/input_items", oa_handle_response_input_items, ctx},
        {"POST", "/v1/responses/{id}/cancel", oa_handle_response_cancel, ctx},
        {"POST", "/v1/conversations", oa_handle_conversation_create, ctx},
        {"GET", "/v1/conversations/{id}", oa_handle_conversation_get, ctx},
        {"POST", "/v1/conversations/{id}", oa_handle_conversation_update, ctx},
        {"DELETE", "/v1/conversations/{id}", oa_handle_conversation_delete, ctx},
        {"GET", "/v1/conversations/{id}/items", oa_handle_conversation_items, ctx},
        {"POST", "/v1/conversations/{id}/items", oa_handle_conversation_items_add, ctx},
        {"GET", "/v1/conversations/{id}/items/{item_id}", oa_handle_conversation_item_get, ctx},
        {"DELETE", "/v1/conversations/{id}/items/{item_id}", oa_handle_conversation_item_delete, ctx},
    };
    SRV_ROUTES_ADD_ALL(t, own);
}
