/* oa_tool_policy: which tools a chat reply calls, decided the same way
 * every time so agent loops end as they do with a real model.
 *
 * - tool_choice "none" (the default without tools): never a call.
 * - a named function: that function, every turn.
 * - "required": one call, to the first tool in this order: not yet called
 *   in the conversation and sharing words with the last user message (see
 *   auto); not yet called and saying it gives the final answer (answer,
 *   final, response, output, extract, structured: LangChain's toolStrategy
 *   tool); not yet called; sharing words; the first tool.
 * - "auto" (the default with tools): after a tool result (the last
 *   message is a tool message), a call to a tool named for the final
 *   answer (answer, final, extract, ... in its name) if there is one not
 *   yet called, else text that quotes the results; else one
 *   call per tool sharing a word with the last user message (its name cut
 *   on _, -, . and camelCase, and its description; words of 3+ letters,
 *   common words left out, "search" matching "searching"), only the first
 *   when parallel_tool_calls is false; none sharing: text.
 *
 * Call ids are "call_" and 24 letters and digits, unique in a reply and
 * the same for the same conversation. */
#ifndef OA_TOOL_POLICY_H
#define OA_TOOL_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "oa_chat.h"

/* Fill q->calls, q->ncalls, q->tool, q->after_tool, q->tools_off and
 * q->messages from the body root (cJSON); false with the real API's 400
 * for a tool_choice it refuses. */
bool oa_tool_policy(const void *root, oa_chat_req *q, oa_err *e);

/* Whether an assistant message after the last user message called the
 * function name (a --replies tool call is spent once it has). */
bool oa_tool_called_since_user(const oa_chat_req *q, const char *name);

/* Whether the text shares a word with the tool's name or description. */
bool oa_tool_matches(const void *function, const char *text);

/* Whether the tool says it gives the final answer (answer, final,
 * respond, response, output, extract, structured in its name or
 * description). */
bool oa_tool_is_final(const void *function);
/* The same, by its name alone (LangChain's `extract-Recipe`): what "auto"
 * calls after a tool result, as a model told to end with that tool does. */
bool oa_tool_named_final(const void *function);

/* The answer after tool results: the results quoted. */
void oa_tool_answer(const oa_chat_req *q, buf *out);

/* How many calls choice replies make (0: it answers in text). */
size_t oa_tool_calls_count(const oa_chat_req *q);

/* Call k's function name and, into args, its arguments (JSON text). */
const char *oa_tool_call(const oa_chat_req *q, long choice, size_t k, buf *args);

/* Call k's id ("call_" + 24 characters) into out. */
void oa_tool_call_id(const oa_chat_req *q, long choice, size_t k, char out[32]);

/* "tool_calls":[...] of choice's message; returns the arguments' tokens. */
size_t oa_tool_calls_json(buf *b, const oa_chat_req *q, long choice);

/* Call k's stream deltas into out, each a JSON object ending in a NUL:
 * the id and name with empty arguments, then the arguments a token a
 * delta. Returns the arguments' tokens. */
size_t oa_tool_call_deltas(const oa_chat_req *q, long choice, size_t k, buf *out);

#endif
