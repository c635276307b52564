/* Token counts through the exact tokenizer (oa_bpe), in the model's own
 * encoding. */
#include "oa_tokens.h"

#include "oa_ctx.h"

oa_bpe_enc oa_tokens_encoding(const oa_model *m)
{
    return m ? m->enc : OA_BPE_CL100K;
}

size_t oa_tokens_count(const oa_model *m, const char *text, size_t len)
{
    size_t n = oa_bpe_count(oa_tokens_encoding(m), text, len);
    return n == OA_BPE_ERROR ? len : n;
}

size_t oa_tokens_cut(const oa_model *m, const char *text, size_t len, size_t max)
{
    size_t at = oa_bpe_cut(oa_tokens_encoding(m), text, len, max);
    return at == OA_BPE_ERROR ? len : at;
}
