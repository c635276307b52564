/* oa_chat_check: the chat completions checks that depend on the model or
 * span several fields, with the real API's messages, param and code:
 * sampling bounds, n, stop, stream_options, what reasoning models refuse,
 * the model's output limit, and tool turns that do not pair up. */
#ifndef OA_CHAT_CHECK_H
#define OA_CHAT_CHECK_H

#include <stdbool.h>

#include "oa_chat.h"

/* root is the request (cJSON); q->model is set. Checks the sampling
 * parameters, n, stop, stream_options, reasoning_effort and verbosity, and
 * what q->model refuses; sets q->effort and q->n. */
bool oa_chat_check_params(const void *root, oa_chat_req *q, oa_err *e);

/* Every tool message answers an earlier assistant's tool_calls, and every
 * tool call is answered before the conversation moves on. */
bool oa_chat_check_tool_turns(const void *msgs, oa_err *e);

/* max_tokens (mt) and max_completion_tokens (mct) within the model's
 * output limit; then the reasoning tokens (grown with the effort, counted
 * in the limit) and q->max_tokens, the budget left for the visible text. */
bool oa_chat_check_limits(oa_chat_req *q, long mt, long mct, oa_err *e);

#endif
