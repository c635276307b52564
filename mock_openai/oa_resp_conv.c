/* The Conversations API: POST /v1/conversations (items, metadata), GET,
 * POST (new metadata), DELETE; its items: GET (cursor pages), POST (add),
 * GET and DELETE one. A response made with `conversation` reads the items
 * as its history and adds its input and output to them
 * (oa_resp_conv_history, oa_resp_conv_append). Conversations live in the
 * responses' store, under the same bounds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "oa_embed_req.h"
#include "oa_handlers.h"
#include "oa_resp.h"
#include "oa_resp_store.h"
#include "timer.h"

static void not_found(srv_req *r, const char *id)
{
    char msg[200];
    snprintf(msg, sizeof msg, "Conversation with id '%.80s' not found.", id);
    oa_error(r, 404, msg, IRE, NULL, NULL);
}

static void item_not_found(srv_req *r, const char *id)
{
    char msg[200];
    snprintf(msg, sizeof msg, "Item with id '%.80s' not found.", id);
    oa_error(r, 404, msg, IRE, NULL, NULL);
}

/* The body as an object (an empty body is {}); NULL with the 400 written. */
static cJSON *body_object(srv_req *r)
{
    size_t len;
    const char *body = srv_req_body(r, &len);
    cJSON *root = len ? json_parse_body(body, len) : cJSON_CreateObject();
    if (!cJSON_IsObject(root)) {
        oa_err e;
        oa_fail_unparsable(&e);
        oa_error_send(r, &e);
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

static bool check_metadata(const cJSON *root, oa_err *e)
{
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(root, "metadata");
    if (md && !cJSON_IsNull(md) && !cJSON_IsObject(md))
        return oa_fail(e, 400, IRE, "metadata", "invalid_type",
                       "Invalid type for 'metadata': expected an object, but got %s instead.", oa_json_type_name(md));
    return true;
}

void oa_handle_conversation_create(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    cJSON *root = body_object(r);
    if (!root)
        return;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(root, "metadata");
    oa_err e;
    cJSON *list = NULL;
    if (!check_metadata(root, &e) ||
        (items && !cJSON_IsNull(items) && !(list = oa_resp_input_items(items, "items", c->resp_store, &e)))) {
        oa_error_send(r, &e);
        cJSON_Delete(root);
        return;
    }
    oa_resp_rec *rec = calloc(1, sizeof *rec);
    const char *test = srv_req_header(r, "x-test-id");
    if (rec) {
        oa_resp_id(rec->id, sizeof rec->id, "conv_");
        rec->conversation = true;
        rec->created_ms = rec->done_ms = timer_now_ms();
        rec->test_id = test ? strdup(test) : NULL;
        rec->input = list ? list : cJSON_CreateArray();
        list = NULL;
        rec->history = cJSON_CreateArray();
        rec->response = cJSON_CreateObject();
        cJSON_AddStringToObject(rec->response, "id", rec->id);
        cJSON_AddStringToObject(rec->response, "object", "conversation");
        cJSON_AddNumberToObject(rec->response, "created_at", (double)time(NULL));
        cJSON_AddItemToObject(rec->response, "metadata", cJSON_IsObject(md) ? cJSON_Duplicate(md, true) : cJSON_CreateObject());
    }
    if (!rec || !rec->input || !rec->history || !rec->response || (test && !rec->test_id)) {
        oa_resp_rec_free(rec);
        oa_resp_print(r, NULL);
    } else {
        oa_resp_print(r, rec->response);
        oa_resp_store_add(c->resp_store, rec);
    }
    cJSON_Delete(list);
    cJSON_Delete(root);
}

typedef struct conv_op {
    srv_req *r;
    const cJSON *body;
    const char *item_id;
    oa_resp_page_q page;
    bool missing; /* the item (or the cursor's item) is not there */
} conv_op;

static void on_get(oa_resp_rec *rec, void *ctx)
{
    oa_resp_print(((conv_op *)ctx)->r, rec->response);
}

static void on_update(oa_resp_rec *rec, void *ctx)
{
    conv_op *op = ctx;
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(op->body, "metadata");
    json_set(rec->response, "metadata",
                                           cJSON_IsObject(md) ? cJSON_Duplicate(md, true) : cJSON_CreateObject());
    oa_resp_print(op->r, rec->response);
}

/* Run fn on the conversation named in the path, after the key check. */
static void with_conversation(srv_req *r, const oa_ctx *c, oa_resp_rec_fn fn, conv_op *op)
{
    const char *id = srv_req_param(r, "id");
    if (!oa_resp_store_with(c->resp_store, id, true, fn, op))
        not_found(r, id);
    else if (op->missing && op->item_id)
        item_not_found(r, op->item_id);
}

void oa_handle_conversation_get(srv_req *r, void *ctx)
{
    if (!oa_auth_check(r, ctx))
        return;
    conv_op op = {r};
    with_conversation(r, ctx, on_get, &op);
}

void oa_handle_conversation_update(srv_req *r, void *ctx)
{
    if (!oa_auth_check(r, ctx))
        return;
    cJSON *root = body_object(r);
    oa_err e;
    if (root && !check_metadata(root, &e))
        oa_error_send(r, &e);
    else if (root) {
        conv_op op = {r, root};
        with_conversation(r, ctx, on_update, &op);
    }
    cJSON_Delete(root);
}

void oa_handle_conversation_delete(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    const char *id = srv_req_param(r, "id");
    if (!oa_resp_store_remove(c->resp_store, id, true))
        not_found(r, id);
    else
        buf_printf(srv_resp_body(r), "{\"id\":\"%.80s\",\"object\":\"conversation.deleted\",\"deleted\":true}", id);
}

static void on_list(oa_resp_rec *rec, void *ctx)
{
    conv_op *op = ctx;
    cJSON *list = oa_resp_page(rec->input, &op->page);
    op->missing = !list;
    if (list)
        oa_resp_print(op->r, list);
    cJSON_Delete(list);
}

void oa_handle_conversation_items(srv_req *r, void *ctx)
{
    if (!oa_auth_check(r, ctx))
        return;
    conv_op op = {r};
    if (!oa_resp_page_query(r, &op.page, "desc"))
        return;
    op.item_id = op.page.after;
    with_conversation(r, ctx, on_list, &op);
}

/* Append copies of items to the conversation's items. */
static void append(oa_resp_rec *rec, const cJSON *items)
{
    for (const cJSON *it = items ? items->child : NULL; it; it = it->next)
        cJSON_AddItemToArray(rec->input, cJSON_Duplicate(it, true));
}

static void on_add(oa_resp_rec *rec, void *ctx)
{
    conv_op *op = ctx;
    append(rec, op->body);
    oa_resp_page_q all = {NULL, 1000000, true};
    cJSON *list = oa_resp_page(op->body, &all);
    oa_resp_print(op->r, list);
    cJSON_Delete(list);
}

void oa_handle_conversation_items_add(srv_req *r, void *ctx)
{
    const oa_ctx *c = ctx;
    if (!oa_auth_check(r, c))
        return;
    cJSON *root = body_object(r);
    if (!root)
        return;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    oa_err e;
    cJSON *list = NULL;
    if (!cJSON_IsArray(items))
        oa_fail(&e, 400, IRE, "items", "missing_required_parameter", "Missing required parameter: 'items'.");
    else
        list = oa_resp_input_items(items, "items", c->resp_store, &e);
    if (!list) {
        oa_error_send(r, &e);
    } else {
        conv_op op = {r, list};
        with_conversation(r, c, on_add, &op);
    }
    cJSON_Delete(list);
    cJSON_Delete(root);
}

static int item_index(const oa_resp_rec *rec, const char *item_id)
{
    int i = 0;
    for (const cJSON *it = rec->input->child; it; it = it->next, i++) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        if (cJSON_IsString(id) && !strcmp(id->valuestring, item_id))
            return i;
    }
    return -1;
}

static void on_item_get(oa_resp_rec *rec, void *ctx)
{
    conv_op *op = ctx;
    int i = item_index(rec, op->item_id);
    op->missing = i < 0;
    if (i >= 0)
        oa_resp_print(op->r, cJSON_GetArrayItem(rec->input, i));
}

static void on_item_delete(oa_resp_rec *rec, void *ctx)
{
    conv_op *op = ctx;
    int i = item_index(rec, op->item_id);
    op->missing = i < 0;
    if (i >= 0) {
        cJSON_DeleteItemFromArray(rec->input, i);
        oa_resp_print(op->r, rec->response);
    }
}

void oa_handle_conversation_item_get(srv_req *r, void *ctx)
{
    if (!oa_auth_check(r, ctx))
        return;
    conv_op op = {r, NULL, srv_req_param(r, "item_id")};
    with_conversation(r, ctx, on_item_get, &op);
}

void oa_handle_conversation_item_delete(srv_req *r, void *ctx)
{
    if (!oa_auth_check(r, ctx))
        return;
    conv_op op = {r, NULL, srv_req_param(r, "item_id")};
    with_conversation(r, ctx, on_item_delete, &op);
}

/* --- responses made in a conversation --- */

static void copy_items(oa_resp_rec *rec, void *ctx)
{
    *(cJSON **)ctx = cJSON_Duplicate(rec->input, true);
}

const char *oa_resp_conv_id(const cJSON *root)
{
    const cJSON *conv = cJSON_GetObjectItemCaseSensitive(root, "conversation");
    const cJSON *id = cJSON_IsObject(conv) ? cJSON_GetObjectItemCaseSensitive(conv, "id") : conv;
    return cJSON_IsString(id) ? id->valuestring : NULL;
}

cJSON *oa_resp_conv_history(oa_resp_store *s, const char *id, oa_err *e)
{
    cJSON *items = NULL;
    if (!oa_resp_store_with(s, id, true, copy_items, &items))
        return oa_fail(e, 404, IRE, "conversation", NULL, "Conversation with id '%.80s' not found.", id), NULL;
    if (!items)
        oa_fail(e, 500, "server_error", NULL, NULL, "Out of memory.");
    return items;
}

typedef struct turn {
    const cJSON *input, *output;
} turn;

static void on_turn(oa_resp_rec *rec, void *ctx)
{
    turn *t = ctx;
    append(rec, t->input);
    append(rec, t->output);
}

void oa_resp_conv_append(oa_resp_store *s, const char *id, const cJSON *input, const cJSON *output)
{
    turn t = {input, output};
    oa_resp_store_with(s, id, true, on_turn, &t); /* deleted meanwhile: nothing to add to */
}
