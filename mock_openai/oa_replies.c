/* --replies FILE: scripted conversations. Patterns are POSIX extended
 * regular expressions on the last user message. */
#include <cJSON.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "oa_chat.h"
#include "oa_tool_policy.h"

typedef struct reply_rule {
    regex_t re;
    char *text;        /* the reply, or NULL for a tool call */
    char *tool, *args; /* the tool call */
} reply_rule;

struct oa_replies {
    reply_rule *rules;
    size_t n;
};

void oa_replies_free(oa_replies *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        regfree(&r->rules[i].re);
        free(r->rules[i].text);
        free(r->rules[i].tool);
        free(r->rules[i].args);
    }
    free(r->rules);
    free(r);
}

static bool load_rule(reply_rule *rr, const cJSON *item, size_t i, char *err, size_t n)
{
    const cJSON *match = cJSON_GetObjectItemCaseSensitive(item, "match");
    const cJSON *reply = cJSON_GetObjectItemCaseSensitive(item, "reply");
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(item, "tool_call");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(call, "name");
    if (!cJSON_IsString(match) || (!cJSON_IsString(reply) && !cJSON_IsString(name)))
        return snprintf(err, n, "rule %zu: needs \"match\" and either \"reply\" or \"tool_call\" with a name", i), false;
    if (regcomp(&rr->re, match->valuestring, REG_EXTENDED | REG_NOSUB) != 0)
        return snprintf(err, n, "rule %zu: invalid regular expression '%.100s'", i, match->valuestring), false;
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(call, "arguments");
    if (cJSON_IsString(reply))
        rr->text = strdup(reply->valuestring);
    else {
        rr->tool = strdup(name->valuestring);
        rr->args = args ? cJSON_PrintUnformatted(args) : strdup("{}");
    }
    if (rr->text || (rr->tool && rr->args))
        return true;
    regfree(&rr->re);
    free(rr->tool);
    free(rr->args);
    snprintf(err, n, "out of memory");
    return false;
}

oa_replies *oa_replies_load(const char *path, char *err, size_t errlen)
{
    buf b = BUF_INIT;
    if (!file_read_all(path, &b)) {
        buf_free(&b);
        snprintf(err, errlen, "cannot read %s", path);
        return NULL;
    }
    cJSON *root = cJSON_Parse(b.data);
    buf_free(&b);
    oa_replies *r = calloc(1, sizeof *r);
    size_t n = cJSON_IsArray(root) ? (size_t)cJSON_GetArraySize(root) : 0;
    bool ok = r && cJSON_IsArray(root) && (r->rules = calloc(n ? n : 1, sizeof *r->rules));
    if (r && !cJSON_IsArray(root))
        snprintf(err, errlen, "%s: expected a JSON array of rules", path);
    size_t i = 0;
    for (const cJSON *item = ok ? root->child : NULL; ok && item; item = item->next, i++) {
        ok = load_rule(&r->rules[i], item, i, err, errlen);
        r->n = i + (ok ? 1 : 0);
    }
    cJSON_Delete(root);
    if (!ok) {
        oa_replies_free(r); /* the failed rule freed its own pattern */
        return NULL;
    }
    return r;
}

void oa_replies_apply(const oa_replies *r, oa_chat_req *q)
{
    for (size_t i = 0; r && i < r->n; i++) {
        if (regexec(&r->rules[i].re, q->last_user, 0, NULL, 0) != 0)
            continue;
        /* A tool call acts once on its turn: not with tool_choice "none",
         * not again once its tool answered (the agent loop can end). */
        if (r->rules[i].tool && (q->tools_off || oa_tool_called_since_user(q, r->rules[i].tool)))
            continue;
        q->scripted = r->rules[i].text;
        q->scripted_tool = r->rules[i].tool;
        q->scripted_args = r->rules[i].args;
        return;
    }
}
