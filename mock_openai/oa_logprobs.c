/* Deterministic logprobs (oa_logprobs.h). */
#include "oa_logprobs.h"

#include <cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "oa_embed_req.h"
#include "oa_tokens.h"

#define IRE "invalid_request_error"

/* The alternatives offered beside a token: common ones. */
static const char *const common[] = {
    " the", " a", " and", " to", " of", " in", " is", " that", " for", " it", " with", " as", " on", " was",
    " this", ",", ".", " be", " by", " are", " or", " an", " at", " from", " not", "\n", " we", " can", " more",
    " but", " have",
};
#define NCOMMON (sizeof common / sizeof common[0])

bool oa_lp_split(const oa_model *m, const char *text, size_t len, oa_lp_tokens *t)
{
    t->n = 0;
    t->end = NULL;
    uint32_t *ids = NULL;
    size_t n = 0;
    oa_bpe_enc enc = oa_tokens_encoding(m);
    if (!oa_bpe_encode(enc, text, len, &ids, &n))
        return false;
    t->end = malloc((n ? n : 1) * sizeof *t->end);
    buf piece = BUF_INIT;
    size_t at = 0;
    for (size_t i = 0; t->end && i < n; i++) {
        buf_clear(&piece);
        if (!oa_bpe_decode(enc, &ids[i], 1, &piece, NULL))
            break;
        at += piece.len;
        t->end[t->n++] = at < len ? at : len;
    }
    buf_free(&piece);
    free(ids);
    if (t->end && t->n == n && n && t->end[n - 1] != len) /* replaced invalid UTF-8: the last token takes the rest */
        t->end[n - 1] = len;
    return t->end != NULL;
}

void oa_lp_tokens_free(oa_lp_tokens *t)
{
    free(t->end);
    t->end = NULL;
    t->n = 0;
}

size_t oa_lp_start(const oa_lp_tokens *t, size_t i)
{
    return i ? t->end[i - 1] : 0;
}

static uint64_t token_hash(uint64_t seed, size_t pos, const char *tok, size_t len)
{
    return XXH3_64bits_withSeed(tok, len, seed ^ ((uint64_t)pos * 0x9e3779b97f4a7c15ULL));
}

static double chosen_logprob(uint64_t h)
{
    return -(0.02 + (double)(h % 38000) / 100000.0);
}

/* Alternative k (1-based) for a token: its text and logprob. */
static const char *alternative(uint64_t h, const char *tok, size_t len, long k, double *lp)
{
    size_t first = (size_t)(h >> 20) % NCOMMON, seen = 0;
    for (size_t j = 0; j < NCOMMON; j++) {
        const char *c = common[(first + j) % NCOMMON];
        if (strlen(c) == len && !memcmp(c, tok, len))
            continue; /* never the chosen token */
        if (++seen == (size_t)k) {
            *lp = chosen_logprob(h) - 5.0 * (double)k - (double)((h >> (k % 40)) % 1000) / 1000.0;
            return c;
        }
    }
    *lp = -100.0;
    return "";
}

static bool valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t more = s[i] < 0x80 ? 0 : (s[i] & 0xE0) == 0xC0 ? 1 : (s[i] & 0xF0) == 0xE0 ? 2 : (s[i] & 0xF8) == 0xF0 ? 3 : 9;
        if (more == 9 || i + more >= n)
            return false;
        for (size_t k = 1; k <= more; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
        i += more + 1;
    }
    return true;
}

/* A token's text as the API shows it: itself, or "bytes:\xNN..." when it
 * is part of a character. */
static void token_str(buf *b, const char *tok, size_t len)
{
    if (valid_utf8((const unsigned char *)tok, len)) {
        buf_json_str(b, tok, len);
        return;
    }
    buf_puts(b, "\"bytes:");
    for (size_t i = 0; i < len; i++)
        buf_printf(b, "\\\\x%02x", (unsigned char)tok[i]);
    buf_puts(b, "\"");
}

static void bytes_list(buf *b, const char *tok, size_t len)
{
    buf_puts(b, "[");
    for (size_t i = 0; i < len; i++)
        buf_printf(b, "%s%u", i ? "," : "", (unsigned char)tok[i]);
    buf_puts(b, "]");
}

static void chat_entry(buf *b, const char *tok, size_t len, double lp)
{
    buf_puts(b, "{\"token\":");
    token_str(b, tok, len);
    buf_printf(b, ",\"logprob\":%.6f,\"bytes\":", lp);
    bytes_list(b, tok, len);
}

void oa_logprobs_chat(buf *b, uint64_t seed, long top, const char *text, const oa_lp_tokens *t, size_t from, size_t to)
{
    buf_puts(b, "{\"content\":[");
    for (size_t i = from; i < to && i < t->n; i++) {
        const char *tok = text + oa_lp_start(t, i);
        size_t len = t->end[i] - oa_lp_start(t, i);
        uint64_t h = token_hash(seed, i, tok, len);
        if (i > from)
            buf_puts(b, ",");
        chat_entry(b, tok, len, chosen_logprob(h));
        buf_puts(b, ",\"top_logprobs\":[");
        for (long k = 0; k < top; k++) {
            double lp = chosen_logprob(h);
            const char *alt = k ? alternative(h, tok, len, k, &lp) : tok;
            size_t alen = k ? strlen(alt) : len;
            buf_puts(b, k ? "," : "");
            chat_entry(b, alt, alen, lp);
            buf_puts(b, "}");
        }
        buf_puts(b, "]}");
    }
    buf_puts(b, "],\"refusal\":null}");
}

void oa_logprobs_legacy(buf *b, uint64_t seed, long top, const char *text, const oa_lp_tokens *t, size_t from,
                        size_t to, size_t offset, bool null_first)
{
    buf_puts(b, "{\"tokens\":[");
    for (size_t i = from; i < to && i < t->n; i++) {
        buf_puts(b, i > from ? "," : "");
        token_str(b, text + oa_lp_start(t, i), t->end[i] - oa_lp_start(t, i));
    }
    buf_puts(b, "],\"token_logprobs\":[");
    for (size_t i = from; i < to && i < t->n; i++) {
        const char *tok = text + oa_lp_start(t, i);
        uint64_t h = token_hash(seed, i, tok, t->end[i] - oa_lp_start(t, i));
        buf_puts(b, i > from ? "," : "");
        if (null_first && i == 0)
            buf_puts(b, "null");
        else
            buf_printf(b, "%.6f", chosen_logprob(h));
    }
    buf_puts(b, "],\"top_logprobs\":[");
    for (size_t i = from; i < to && i < t->n; i++) {
        const char *tok = text + oa_lp_start(t, i);
        size_t len = t->end[i] - oa_lp_start(t, i);
        uint64_t h = token_hash(seed, i, tok, len);
        buf_puts(b, i > from ? "," : "");
        if (null_first && i == 0) {
            buf_puts(b, "null");
            continue;
        }
        buf_puts(b, "{");
        for (long k = 0; k < top; k++) {
            double lp = chosen_logprob(h);
            const char *alt = k ? alternative(h, tok, len, k, &lp) : tok;
            buf_puts(b, k ? "," : "");
            token_str(b, alt, k ? strlen(alt) : len);
            buf_printf(b, ":%.6f", lp);
        }
        buf_puts(b, "}");
    }
    buf_puts(b, "],\"text_offset\":[");
    for (size_t i = from; i < to && i < t->n; i++)
        buf_printf(b, "%s%zu", i > from ? "," : "", offset + oa_lp_start(t, i));
    buf_puts(b, "]}");
}

bool oa_logprobs_read(const void *root, bool *logprobs, long *top, oa_err *e)
{
    const cJSON *lp = cJSON_GetObjectItemCaseSensitive(root, "logprobs");
    const cJSON *tl = cJSON_GetObjectItemCaseSensitive(root, "top_logprobs");
    *logprobs = false;
    *top = 0;
    if (lp && !cJSON_IsNull(lp) && !cJSON_IsBool(lp))
        return oa_fail(e, 400, IRE, "logprobs", "invalid_type",
                       "Invalid type for 'logprobs': expected a boolean, but got %s instead.", oa_json_type_name(lp));
    *logprobs = cJSON_IsTrue(lp);
    if (!tl || cJSON_IsNull(tl))
        return true;
    if (!oa_json_is_int(tl, -HUGE_VAL, HUGE_VAL))
        return oa_fail(e, 400, IRE, "top_logprobs", "invalid_type",
                       "Invalid type for 'top_logprobs': expected an integer, but got %s instead.",
                       oa_json_type_name(tl));
    if (tl->valuedouble < 0)
        return oa_fail(e, 400, IRE, "top_logprobs", "integer_below_min_value",
                       "Invalid 'top_logprobs': integer below minimum value. Expected a value >= 0, but got %.0f "
                       "instead.", tl->valuedouble);
    if (tl->valuedouble > 20)
        return oa_fail(e, 400, IRE, "top_logprobs", "integer_above_max_value",
                       "Invalid 'top_logprobs': integer above maximum value. Expected a value <= 20, but got %.0f "
                       "instead.", tl->valuedouble);
    if (!*logprobs)
        return oa_fail(e, 400, IRE, "top_logprobs", NULL,
                       "The 'top_logprobs' parameter is only allowed when 'logprobs' is enabled.");
    *top = (long)tl->valuedouble;
    return true;
}
