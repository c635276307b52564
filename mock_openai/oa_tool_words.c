/* Does a message talk about a tool? Shared words between the text and the
 * tool's name (cut on _, -, . and camelCase) and description. */
#include <cJSON.h>
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "oa_tool_policy.h"

#define WORD_MAX 32

/* Words too common to say which tool a message wants. */
static const char *const common[] = {
    "the", "and", "for", "with", "from", "that", "this", "what", "when", "where", "which", "who", "how", "are",
    "was", "were", "you", "your", "our", "get", "set", "use", "can", "will", "into", "about", "tool", "tools",
    "function", "call", "please", "tell", "give", "some", "any", "all", "its", "has", "have", "not", "but",
    "there", "their", "they", "them", "then", "than", "let", "make", "does", "did", "run", "value", "input",
    "returns", "return", "given", "provided", "using", "used",
};

static bool is_common(const char *w)
{
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        if (!strcmp(w, common[i]))
            return true;
    return false;
}

/* The next word of s from *at (lower case, into w); false at the end.
 * camel: a capital after a small letter starts a new word. */
static bool next_word(const char *s, size_t *at, char w[WORD_MAX], bool camel)
{
    size_t i = *at, n = 0;
    while (s[i] && !isalnum((unsigned char)s[i]))
        i++;
    if (!s[i])
        return false;
    for (; isalnum((unsigned char)s[i]); i++) {
        if (camel && n > 0 && isupper((unsigned char)s[i]) && islower((unsigned char)s[i - 1]))
            break;
        if (n + 1 < WORD_MAX)
            w[n++] = (char)tolower((unsigned char)s[i]);
    }
    w[n] = '\0';
    *at = i;
    return true;
}

static bool significant(const char *w)
{
    return strlen(w) >= 3 && !is_common(w);
}

/* Equal, or one starts the other and the shorter has 4+ letters
 * ("search" / "searching", "city" / "cities" does not). */
static bool same_word(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), m = la < lb ? la : lb;
    return !strcmp(a, b) || (m >= 4 && !strncmp(a, b, m));
}

static bool text_has(const char *text, const char *word)
{
    char w[WORD_MAX];
    for (size_t at = 0; next_word(text, &at, w, false);)
        if (significant(w) && same_word(w, word))
            return true;
    return false;
}

static bool shares(const char *tool_text, bool camel, const char *text)
{
    char w[WORD_MAX];
    for (size_t at = 0; next_word(tool_text, &at, w, camel);)
        if (significant(w) && text_has(text, w))
            return true;
    return false;
}

bool oa_tool_matches(const void *function, const char *text)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(function, "name");
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(function, "description");
    if (!text || !*text)
        return false;
    return (cJSON_IsString(name) && shares(name->valuestring, true, text)) ||
           (cJSON_IsString(desc) && shares(desc->valuestring, false, text));
}

/* Words by which a tool says it gives the final answer (LangChain's
 * toolStrategy "extract-N": "Tool for extracting structured output from
 * the model's response"). */
static const char *const final_words[] = {"answer", "final", "respond", "response", "output", "extract", "structured"};

bool oa_tool_named_final(const void *function)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(function, "name");
    for (size_t i = 0; i < sizeof final_words / sizeof final_words[0]; i++) {
        char w[WORD_MAX];
        for (size_t at = 0; cJSON_IsString(name) && next_word(name->valuestring, &at, w, true);)
            if (same_word(w, final_words[i]))
                return true;
    }
    return false;
}

bool oa_tool_is_final(const void *function)
{
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(function, "description");
    if (oa_tool_named_final(function))
        return true;
    for (size_t i = 0; i < sizeof final_words / sizeof final_words[0]; i++) {
        if (cJSON_IsString(desc) && text_has(desc->valuestring, final_words[i]))
            return true;
    }
    return false;
}
