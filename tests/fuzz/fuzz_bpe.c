/* oa_bpe on any bytes: the first byte picks the encoding (bit 0) and a
 * token count N for oa_bpe_cut (the rest of it), the remaining bytes are
 * the text, often invalid UTF-8.
 *
 * Beyond "no crash, no leak, no hang": encode succeeds and count agrees
 * with it; decoding the ids gives back the text with each invalid run as
 * U+FFFD (oa_bpe_utf8_replace), so no byte is lost or invented; every id
 * decodes; oa_bpe_cut(N) is len when N covers every token and otherwise,
 * for valid UTF-8, exactly the bytes of the first N tokens, and never
 * decreases with N. */
#include <string.h>

#include "fuzz_common.h"
#include "oa_bpe.h"
#include "oa_bpe_internal.h"

/* The byte length of ids[0..k) decoded. */
static size_t prefix_bytes(oa_bpe_enc enc, const uint32_t *ids, size_t k)
{
    buf b = BUF_INIT;
    FUZZ_CHECK(oa_bpe_decode(enc, ids, k, &b, NULL));
    size_t total = b.len;
    buf_free(&b);
    return total;
}

static void check_cut(oa_bpe_enc enc, const char *text, size_t len, const uint32_t *ids, size_t n,
                      size_t want)
{
    size_t at = oa_bpe_cut(enc, text, len, want);
    FUZZ_CHECK(at != OA_BPE_ERROR && at <= len);
    if (want >= n)
        FUZZ_CHECK(at == len);
    else if (oa_bpe_utf8_valid_prefix((const uint8_t *)text, len) == len)
        FUZZ_CHECK(at == prefix_bytes(enc, ids, want));
    if (want > 0)
        FUZZ_CHECK(oa_bpe_cut(enc, text, len, want - 1) <= at);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size == 0)
        return 0;
    oa_bpe_enc enc = (data[0] & 1) ? OA_BPE_O200K : OA_BPE_CL100K;
    size_t want = data[0] >> 1;
    char *text = fuzz_copy(data + 1, size - 1);
    size_t len = size - 1;

    uint32_t *ids;
    size_t n;
    FUZZ_CHECK(oa_bpe_encode(enc, text, len, &ids, &n));
    FUZZ_CHECK(oa_bpe_count(enc, text, len) == n);
    FUZZ_CHECK(n <= len);

    size_t clean_len;
    uint8_t *clean = oa_bpe_utf8_replace((const uint8_t *)text, len, &clean_len);
    FUZZ_CHECK(clean != NULL);
    buf b = BUF_INIT;
    size_t bad = 0;
    FUZZ_CHECK(oa_bpe_decode(enc, ids, n, &b, &bad));
    FUZZ_CHECK(b.len == clean_len && (clean_len == 0 || memcmp(b.data, clean, clean_len) == 0));

    check_cut(enc, text, len, ids, n, want);

    buf_free(&b);
    free(clean);
    free(ids);
    free(text);
    return 0;
}
