/* bpe_ids: oa_bpe from the command line, for tests/clients/bpe.test.mjs
 * and bench/tokens.mjs to compare with js-tiktoken.
 *
 *   bpe_ids ENC             stdin's bytes -> their ids as a JSON array
 *   bpe_ids ENC --count     stdin's bytes -> oa_bpe_count()
 *   bpe_ids ENC --cut N     stdin's bytes -> oa_bpe_cut(N), a byte offset
 *   bpe_ids ENC --batch     each stdin line is a text in hex ->
 *                           {"ids":[...],"count":N} per line
 *   bpe_ids ENC --bench R   stdin's bytes counted, then encoded, R times
 *                           each -> {"count":N,"count_ms":..,"encode_ms":..}
 *                           (ms per call, after one call that loads)
 *
 *   bpe_ids ENC --unicode   oa_bpe_unicode_version()
 *
 * ENC is cl100k_base or o200k_base. Exit status 1 when oa_bpe fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "oa_bpe.h"

static bool read_all(FILE *f, buf *b)
{
    for (;;) {
        char *p = buf_reserve(b, 65536);
        if (!p)
            return false;
        size_t n = fread(p, 1, 65536, f);
        buf_advance(b, n);
        if (n == 0)
            return !ferror(f);
    }
}

static bool print_ids(const char *text, size_t len, oa_bpe_enc enc, buf *out)
{
    uint32_t *ids;
    size_t n;
    if (!oa_bpe_encode(enc, text, len, &ids, &n))
        return false;
    bool ok = buf_puts(out, "[");
    for (size_t i = 0; i < n && ok; i++)
        ok = buf_printf(out, i ? ",%u" : "%u", ids[i]);
    free(ids);
    return ok && buf_puts(out, "]");
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decodes the hex line[0..n) in place; its byte length, or -1 if not hex. */
static long unhex(char *line, size_t n)
{
    if (n % 2)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hexval(line[i]), lo = hexval(line[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        line[i / 2] = (char)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

static bool batch(oa_bpe_enc enc, char *in, size_t len, buf *out)
{
    char *p = in, *end = in + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        long k = unhex(p, n);
        if (k < 0)
            return false;
        size_t count = oa_bpe_count(enc, p, (size_t)k);
        if (count == OA_BPE_ERROR || !buf_puts(out, "{\"ids\":") || !print_ids(p, (size_t)k, enc, out) ||
            !buf_printf(out, ",\"count\":%zu}\n", count))
            return false;
        p += n + 1;
    }
    return true;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static bool bench(oa_bpe_enc enc, const char *text, size_t len, long rounds, buf *out)
{
    size_t count = oa_bpe_count(enc, text, len); /* loads the vocabulary */
    if (count == OA_BPE_ERROR)
        return false;
    double a = now_ms();
    for (long r = 0; r < rounds; r++)
        if (oa_bpe_count(enc, text, len) != count)
            return false;
    double b = now_ms();
    for (long r = 0; r < rounds; r++) {
        uint32_t *ids;
        size_t n;
        if (!oa_bpe_encode(enc, text, len, &ids, &n))
            return false;
        free(ids);
        if (n != count)
            return false;
    }
    double c = now_ms();
    return buf_printf(out, "{\"count\":%zu,\"count_ms\":%.3f,\"encode_ms\":%.3f}", count,
                      (b - a) / (double)rounds, (c - b) / (double)rounds);
}

static bool run(oa_bpe_enc enc, int argc, char **argv, buf *in, buf *out)
{
    const char *mode = argc > 2 ? argv[2] : "";
    const char *arg = argc > 3 ? argv[3] : "0";
    if (strcmp(mode, "--batch") == 0)
        return batch(enc, in->data, in->len, out);
    if (strcmp(mode, "--count") == 0) {
        size_t n = oa_bpe_count(enc, in->data, in->len);
        return n != OA_BPE_ERROR && buf_printf(out, "%zu", n);
    }
    if (strcmp(mode, "--cut") == 0) {
        size_t at = oa_bpe_cut(enc, in->data, in->len, strtoull(arg, NULL, 10));
        return at != OA_BPE_ERROR && buf_printf(out, "%zu", at);
    }
    if (strcmp(mode, "--unicode") == 0)
        return buf_puts(out, oa_bpe_unicode_version());
    if (strcmp(mode, "--bench") == 0)
        return bench(enc, in->data, in->len, strtol(arg, NULL, 10) > 0 ? strtol(arg, NULL, 10) : 1, out);
    return print_ids(in->data, in->len, enc, out);
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "cl100k_base") != 0 && strcmp(argv[1], "o200k_base") != 0)) {
        fprintf(stderr, "usage: %s cl100k_base|o200k_base [--count|--cut N|--batch|--bench R]\n", argv[0]);
        return 2;
    }
    oa_bpe_enc enc = strcmp(argv[1], "cl100k_base") == 0 ? OA_BPE_CL100K : OA_BPE_O200K;
    buf in = BUF_INIT, out = BUF_INIT;
    bool ok = read_all(stdin, &in) && run(enc, argc, argv, &in, &out) && buf_puts(&out, "\n");
    if (ok)
        ok = fwrite(out.data, 1, out.len, stdout) == out.len && fflush(stdout) == 0;
    if (!ok)
        fprintf(stderr, "bpe_ids: failed\n");
    buf_free(&in);
    buf_free(&out);
    oa_bpe_free_all();
    return ok ? 0 : 1;
}
