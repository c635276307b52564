/* The two encodings: their embedded vocabularies (the .bpez files in bpe_data/, put in
 * the binary by oa_bpe_blobs.S), their pre-tokenizer patterns and special
 * tokens, copied from js-tiktoken 1.0.21's ranks/<name>.js (MIT). Each is
 * loaded on first use, once, under pthread_once; the loaded state is never
 * written again until oa_bpe_free_all(), so readers need no lock. */
#include <pthread.h>
#include <stdatomic.h>

#include "oa_bpe_internal.h"

extern const uint8_t oa_bpe_blob_cl100k[], oa_bpe_blob_cl100k_end[];
extern const uint8_t oa_bpe_blob_o200k[], oa_bpe_blob_o200k_end[];

#define CONTRACTIONS "'s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D"

static const char cl100k_pattern[] =
    "(" CONTRACTIONS ")|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|"
    "\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

static const char o200k_pattern[] =
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
    "(" CONTRACTIONS ")?|"
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*"
    "(" CONTRACTIONS ")?|"
    "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

static const oa_bpe_special cl100k_specials[] = {
    {"<|endoftext|>", 100257}, {"<|fim_prefix|>", 100258}, {"<|fim_middle|>", 100259},
    {"<|fim_suffix|>", 100260}, {"<|endofprompt|>", 100276},
};

static const oa_bpe_special o200k_specials[] = {
    {"<|endoftext|>", 199999},
    {"<|endofprompt|>", 200018},
};

typedef struct slot {
    pthread_once_t once;
    bool ok;               /* written once inside `once`, read after it */
    oa_bpe_encoding enc;
    const uint8_t *blob, *blob_end;
    const char *pattern;
} slot;

static slot slots[] = {
    [OA_BPE_CL100K] = {PTHREAD_ONCE_INIT, false,
                       {.specials = cl100k_specials,
                        .n_specials = sizeof cl100k_specials / sizeof *cl100k_specials},
                       oa_bpe_blob_cl100k, oa_bpe_blob_cl100k_end, cl100k_pattern},
    [OA_BPE_O200K] = {PTHREAD_ONCE_INIT, false,
                      {.specials = o200k_specials,
                       .n_specials = sizeof o200k_specials / sizeof *o200k_specials},
                      oa_bpe_blob_o200k, oa_bpe_blob_o200k_end, o200k_pattern},
};

/* Set by oa_bpe_free_all(): from then on every call fails, no reload. */
static atomic_bool freed;

static void load(slot *s)
{
    if (!oa_bpe_vocab_load(&s->enc.vocab, s->blob, (size_t)(s->blob_end - s->blob)))
        return;
    if (!oa_bpe_regex_compile(&s->enc.re, s->pattern)) {
        oa_bpe_vocab_free(&s->enc.vocab);
        return;
    }
    s->ok = true;
}

/* pthread_once takes no argument: one thunk per encoding. */
static void load_cl100k(void)
{
    load(&slots[OA_BPE_CL100K]);
}

static void load_o200k(void)
{
    load(&slots[OA_BPE_O200K]);
}

const oa_bpe_encoding *oa_bpe_encoding_get(oa_bpe_enc enc)
{
    if (atomic_load(&freed))
        return NULL;
    switch (enc) {
    case OA_BPE_CL100K:
        pthread_once(&slots[enc].once, load_cl100k);
        break;
    case OA_BPE_O200K:
        pthread_once(&slots[enc].once, load_o200k);
        break;
    default:
        return NULL;
    }
    return slots[enc].ok ? &slots[enc].enc : NULL;
}

void oa_bpe_free_all(void)
{
    /* Set first: a call after this one fails rather than loading again. */
    atomic_store(&freed, true);
    for (size_t i = 0; i < sizeof slots / sizeof *slots; i++) {
        slot *s = &slots[i];
        if (!s->ok)
            continue;
        oa_bpe_regex_free(&s->enc.re);
        oa_bpe_vocab_free(&s->enc.vocab);
        s->ok = false;
    }
}
