#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "oa_bpe.h"
#include "oa_bpe_internal.h"

/* Expected ids come from js-tiktoken 1.0.21: encode(text, [], []). */

#define IDS(...) ((const uint32_t[]){__VA_ARGS__}), sizeof((const uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t)

static void assert_ids(oa_bpe_enc enc, const char *text, const uint32_t *want, size_t want_n)
{
    uint32_t *ids;
    size_t n;
    ck_assert_msg(oa_bpe_encode(enc, text, strlen(text), &ids, &n), "encode failed: %s", text);
    ck_assert_msg(n == want_n, "%s: %zu tokens, want %zu", text, n, want_n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(ids[i] == want[i], "%s: id %zu is %u, want %u", text, i, ids[i], want[i]);
    ck_assert_uint_eq(oa_bpe_count(enc, text, strlen(text)), want_n);
    free(ids);
}

/* First use from many threads at once: each encoding loads exactly once
 * (ThreadSanitizer checks the rest), and every thread gets the same ids. */
static void *count_both(void *arg)
{
    const char *text = arg;
    size_t a = oa_bpe_count(OA_BPE_CL100K, text, strlen(text));
    size_t b = oa_bpe_count(OA_BPE_O200K, text, strlen(text));
    return (void *)(uintptr_t)(a == 10 && b == 10);
}

START_TEST(concurrent_first_use)
{
    pthread_t t[4];
    const char *text = "The quick brown fox jumps over the lazy dog.";
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, count_both, (void *)text), 0);
    for (int i = 0; i < 4; i++) {
        void *ok;
        ck_assert_int_eq(pthread_join(t[i], &ok), 0);
        ck_assert_msg(ok, "thread %d got other counts", i);
    }
}
END_TEST

START_TEST(cl100k_known_ids)
{
    assert_ids(OA_BPE_CL100K, "hello world", IDS(15339, 1917));
    assert_ids(OA_BPE_CL100K, "The quick brown fox jumps over the lazy dog.",
               IDS(791, 4062, 14198, 39935, 35308, 927, 279, 16053, 5679, 13));
    assert_ids(OA_BPE_CL100K, "I'm here, they'll go", IDS(40, 2846, 1618, 11, 814, 3358, 733));
    assert_ids(OA_BPE_CL100K, "2025-11-30 123456789", IDS(2366, 20, 12, 806, 12, 966, 220, 4513, 10961, 16474));
    assert_ids(OA_BPE_CL100K, "  \n\n\t x", IDS(19124, 197, 865));
    assert_ids(OA_BPE_CL100K, "日本語のテキスト", IDS(9080, 22656, 45918, 252, 16144, 57933, 62903, 71634));
    assert_ids(OA_BPE_CL100K, "🙂👍🏽", IDS(9468, 19044, 9468, 239, 235, 9468, 237, 121));
    assert_ids(OA_BPE_CL100K, "مرحبا بالعالم",
               IDS(10386, 11318, 30925, 22071, 5821, 28946, 32482, 24102, 32482, 10386));
    assert_ids(OA_BPE_CL100K, "HELLOworld", IDS(51812, 1623, 14957));
}
END_TEST

START_TEST(o200k_known_ids)
{
    assert_ids(OA_BPE_O200K, "hello world", IDS(24912, 2375));
    assert_ids(OA_BPE_O200K, "The quick brown fox jumps over the lazy dog.",
               IDS(976, 4853, 19705, 68347, 65613, 1072, 290, 29082, 6446, 13));
    assert_ids(OA_BPE_O200K, "I'm here, they'll go", IDS(15390, 2105, 11, 57956, 810));
    assert_ids(OA_BPE_O200K, "2025-11-30 123456789", IDS(1323, 20, 12, 994, 12, 1130, 220, 7633, 19354, 29338));
    assert_ids(OA_BPE_O200K, "  \n\n\t x", IDS(11691, 197, 1215));
    assert_ids(OA_BPE_O200K, "日本語のテキスト", IDS(9048, 40909, 3385, 16056, 18368, 38236));
    assert_ids(OA_BPE_O200K, "🙂👍🏽", IDS(37459, 82514, 52622, 121));
    assert_ids(OA_BPE_O200K, "مرحبا بالعالم", IDS(158894, 26537, 101462, 12773));
    assert_ids(OA_BPE_O200K, "HELLOworld", IDS(111642, 2699, 24169));
}
END_TEST

/* Equal ranks merge leftmost first: "zz" pairs from the left, so an odd
 * run ends in a lone "z" (rightmost first would start with it). Short
 * pieces take the array scan, pieces over 256 bytes the heap. */
START_TEST(ties_merge_leftmost_first)
{
    assert_ids(OA_BPE_CL100K, "zzzzzzzzzzz", IDS(10616, 10616, 10616, 10616, 10616, 89));
    assert_ids(OA_BPE_O200K, "zzzzzzzzzzz", IDS(8013, 8013, 8013, 8013, 182375));
    char run[301];
    memset(run, 'z', sizeof run);
    uint32_t *ids;
    size_t n;
    ck_assert(oa_bpe_encode(OA_BPE_CL100K, run, sizeof run, &ids, &n));
    ck_assert_uint_eq(n, 151);
    for (size_t i = 0; i < 150; i++)
        ck_assert_uint_eq(ids[i], 10616);
    ck_assert_uint_eq(ids[150], 89);
    free(ids);
}
END_TEST

/* U+1E4D0 is a letter since Unicode 15.0 (Nag Mundari), unknown to Debian
 * 12's libpcre2 (14.0): as a letter it keeps "'s" a contraction of its own;
 * read as a symbol it would take the apostrophe ("\U0001E4D0'" then "s"). */
START_TEST(letters_newer_than_pcre2_tables)
{
    assert_ids(OA_BPE_CL100K, "\xf0\x9e\x93\x90's", IDS(172, 252, 241, 238, 596));
    assert_ids(OA_BPE_O200K, "\xf0\x9e\x93\x90's", IDS(172, 252, 241, 238, 885));
    assert_ids(OA_BPE_CL100K, "Nag Mundari \xf0\x9e\x93\x90\xf0\x9e\x93\x91'll go",
               IDS(45, 351, 67661, 2850, 220, 172, 252, 241, 238, 172, 252, 241, 239, 3358, 733));
    assert_ids(OA_BPE_O200K, "Nag Mundari \xf0\x9e\x93\x90\xf0\x9e\x93\x91'll go",
               IDS(120964, 31444, 1683, 220, 172, 252, 241, 238, 172, 252, 241, 239, 6090, 810));
    ck_assert_str_eq(oa_bpe_unicode_version(), "17.0");
}
END_TEST

/* Texts without such characters take PCRE2's own (faster) classes. */
START_TEST(exact_classes_only_when_needed)
{
#define NEEDS(s) oa_bpe_regex_needs_exact((const uint8_t *)(s), strlen(s))
    ck_assert(!NEEDS(""));
    ck_assert(!NEEDS("plain ASCII text, 123"));
    ck_assert(!NEEDS("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x99\x82")); /* é 日本 🙂 */
    ck_assert(NEEDS("x \xf0\x9e\x93\x90"));                             /* U+1E4D0, Unicode 15 */
    ck_assert(NEEDS("\xca\x95"));               /* U+0295: Ll in Unicode 14, Lo since 16 */
    ck_assert(!NEEDS("\xca\x94\xca\x96"));    /* its neighbours */
    ck_assert(NEEDS("\xf0\xb3\x91\xb9 end")); /* U+33479, the last one (CJK Ext. J) */
#undef NEEDS
}
END_TEST

/* encode_ordinary: special-token text is plain text, never the special id. */
START_TEST(special_token_text_is_ordinary_text)
{
    assert_ids(OA_BPE_CL100K, "<|endoftext|>", IDS(27, 91, 8862, 728, 428, 91, 29));
    assert_ids(OA_BPE_O200K, "<|endoftext|>", IDS(27, 91, 419, 1440, 919, 91, 29));
}
END_TEST

START_TEST(empty_text)
{
    for (int e = OA_BPE_CL100K; e <= OA_BPE_O200K; e++) {
        uint32_t *ids = (uint32_t *)1;
        size_t n = 99;
        ck_assert(oa_bpe_encode((oa_bpe_enc)e, "", 0, &ids, &n));
        ck_assert_uint_eq(n, 0);
        ck_assert_ptr_null(ids);
        ck_assert_uint_eq(oa_bpe_count((oa_bpe_enc)e, "", 0), 0);
        ck_assert_uint_eq(oa_bpe_count((oa_bpe_enc)e, NULL, 0), 0);
        ck_assert_uint_eq(oa_bpe_cut((oa_bpe_enc)e, "", 0, 5), 0);
    }
}
END_TEST

static void assert_round_trip(oa_bpe_enc enc, const char *text, size_t len)
{
    uint32_t *ids;
    size_t n, bad = 7;
    ck_assert(oa_bpe_encode(enc, text, len, &ids, &n));
    buf b = BUF_INIT;
    ck_assert(oa_bpe_decode(enc, ids, n, &b, &bad));
    ck_assert_uint_eq(b.len, len);
    ck_assert_mem_eq(b.data, text, len);
    ck_assert_uint_eq(bad, 7); /* untouched on success */
    buf_free(&b);
    free(ids);
}

START_TEST(decode_round_trips)
{
    static const char *texts[] = {
        "hello world",
        "  leading and trailing  \n\n\r\n\t",
        "def f(x):\n    return x ** 2  # square\n",
        "日本語のテキスト 🙂👍🏽 مرحبا Ελληνικά",
        "<|endoftext|><|endofprompt|>",
    };
    for (int e = OA_BPE_CL100K; e <= OA_BPE_O200K; e++)
        for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
            assert_round_trip((oa_bpe_enc)e, texts[i], strlen(texts[i]));
    /* A long run takes the heap merge path (pieces past 256 bytes). */
    char run[5000];
    memset(run, 'a', sizeof run);
    assert_round_trip(OA_BPE_CL100K, run, sizeof run);
    assert_round_trip(OA_BPE_O200K, run, sizeof run);
}
END_TEST

START_TEST(decode_specials_and_appends)
{
    buf b = BUF_INIT;
    ck_assert(buf_puts(&b, ">"));
    ck_assert(oa_bpe_decode(OA_BPE_CL100K, IDS(100257, 15339), &b, NULL));
    ck_assert_str_eq(b.data, "><|endoftext|>hello");
    buf_clear(&b);
    ck_assert(oa_bpe_decode(OA_BPE_O200K, IDS(200018), &b, NULL));
    ck_assert_str_eq(b.data, "<|endofprompt|>");
    buf_free(&b);
}
END_TEST

START_TEST(decode_bad_ids)
{
    buf b = BUF_INIT;
    ck_assert(buf_puts(&b, "keep"));
    size_t bad = 0;
    /* 100256 is the first id past cl100k's ordinary tokens; 100261 is in
     * the gap between its special tokens. */
    ck_assert(!oa_bpe_decode(OA_BPE_CL100K, IDS(15339, 100256), &b, &bad));
    ck_assert_uint_eq(bad, 1);
    ck_assert(!oa_bpe_decode(OA_BPE_CL100K, IDS(100261, 15339), &b, &bad));
    ck_assert_uint_eq(bad, 0);
    ck_assert(!oa_bpe_decode(OA_BPE_CL100K, IDS(1, 2, UINT32_MAX), &b, &bad));
    ck_assert_uint_eq(bad, 2);
    /* 199998: between o200k's last ordinary token and its first special. */
    ck_assert(!oa_bpe_decode(OA_BPE_O200K, IDS(199998), &b, &bad));
    ck_assert(!oa_bpe_decode(OA_BPE_CL100K, IDS(158894), &b, &bad));
    ck_assert_str_eq(b.data, "keep");
    ck_assert(!oa_bpe_decode((oa_bpe_enc)7, IDS(1), &b, &bad));
    buf_free(&b);
}
END_TEST

/* Invalid UTF-8 reads as U+FFFD per maximal invalid run, so the ids equal
 * js-tiktoken's for the string Node's TextDecoder makes of the bytes. */
START_TEST(invalid_utf8_is_replacement_chars)
{
    assert_ids(OA_BPE_CL100K, "a\xff" "b", IDS(64, 5809, 65));         /* "a\uFFFDb" */
    assert_ids(OA_BPE_CL100K, "x\xff\xfe" "y", IDS(87, 10178, 88));    /* two U+FFFD */
    assert_ids(OA_BPE_CL100K, "ab\xe2\x82", IDS(370, 5809));           /* truncated: one */
    assert_ids(OA_BPE_CL100K, "\xed\xa0\x80", IDS(58432));             /* a surrogate: three */
    assert_ids(OA_BPE_O200K, "a\xff" "b", IDS(64, 3251, 65));
    assert_ids(OA_BPE_O200K, "\xed\xa0\x80", IDS(72387));
    assert_ids(OA_BPE_O200K, "\xc0\xaf", IDS(10123));                     /* overlong: two */

    /* Decoding gives the replaced text, not the input bytes. */
    uint32_t *ids;
    size_t n;
    ck_assert(oa_bpe_encode(OA_BPE_CL100K, "a\x80" "b", 3, &ids, &n));
    buf b = BUF_INIT;
    ck_assert(oa_bpe_decode(OA_BPE_CL100K, ids, n, &b, NULL));
    ck_assert_str_eq(b.data, "a\xef\xbf\xbd" "b");
    buf_free(&b);
    free(ids);
}
END_TEST

/* Every byte value, every truncation of multi-byte sequences: no crash, and
 * the count matches the ids. */
START_TEST(invalid_utf8_never_fails)
{
    unsigned char all[512];
    for (size_t i = 0; i < sizeof all; i++)
        all[i] = (unsigned char)(i * 7 + i / 256);
    for (int e = OA_BPE_CL100K; e <= OA_BPE_O200K; e++)
        for (size_t len = 0; len <= sizeof all; len += 37) {
            uint32_t *ids;
            size_t n;
            ck_assert(oa_bpe_encode((oa_bpe_enc)e, (const char *)all, len, &ids, &n));
            ck_assert_uint_eq(oa_bpe_count((oa_bpe_enc)e, (const char *)all, len), n);
            ck_assert_uint_le(oa_bpe_cut((oa_bpe_enc)e, (const char *)all, len, n / 2), len);
            free(ids);
        }
}
END_TEST

START_TEST(utf8_offsets_map_back)
{
    /* "a" FF "b" E2 82 "c" -> "a" EFBFBD "b" EFBFBD "c" */
    const uint8_t in[] = {'a', 0xff, 'b', 0xe2, 0x82, 'c'};
    size_t n;
    uint8_t *clean = oa_bpe_utf8_replace(in, sizeof in, &n);
    ck_assert_ptr_nonnull(clean);
    ck_assert_uint_eq(n, 9);
    ck_assert_mem_eq(clean, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c", 9);
    free(clean);
    ck_assert_uint_eq(oa_bpe_utf8_valid_prefix(in, sizeof in), 1);
    static const size_t want[10] = {0, 1, 1, 1, 2, 3, 3, 3, 5, 6};
    for (size_t c = 0; c <= 9; c++)
        ck_assert_uint_eq(oa_bpe_utf8_source_offset(in, sizeof in, c), want[c]);
}
END_TEST

START_TEST(cut_after_n_tokens)
{
    ck_assert_uint_eq(oa_bpe_cut(OA_BPE_CL100K, "hello world", 11, 0), 0);
    ck_assert_uint_eq(oa_bpe_cut(OA_BPE_CL100K, "hello world", 11, 1), 5);
    ck_assert_uint_eq(oa_bpe_cut(OA_BPE_CL100K, "hello world", 11, 2), 11);
    ck_assert_uint_eq(oa_bpe_cut(OA_BPE_CL100K, "hello world", 11, 9), 11);
    /* cl100k splits 🙂 (4 bytes) into 2 + 2: a cut may end inside a character. */
    ck_assert_uint_eq(oa_bpe_cut(OA_BPE_CL100K, "🙂👍🏽", 12, 1), 2);
    ck_assert_uint_eq(oa_bpe_cut(OA_BPE_O200K, "🙂👍🏽", 12, 3), 11);
    /* Offsets are the input's, also after an invalid byte. */
    ck_assert_uint_eq(oa_bpe_cut(OA_BPE_CL100K, "a\xff" "bc", 4, 2), 2);
}
END_TEST

START_TEST(unknown_encoding_fails)
{
    uint32_t *ids;
    size_t n;
    ck_assert_uint_eq(oa_bpe_count((oa_bpe_enc)7, "x", 1), OA_BPE_ERROR);
    ck_assert(!oa_bpe_encode((oa_bpe_enc)7, "x", 1, &ids, &n));
    ck_assert_uint_eq(oa_bpe_cut((oa_bpe_enc)7, "x", 1, 0), OA_BPE_ERROR);
    ck_assert_uint_eq(oa_bpe_count(OA_BPE_CL100K, NULL, 3), OA_BPE_ERROR);
}
END_TEST

/* A blob that is not a vocabulary is refused, whatever is wrong with it. */
START_TEST(malformed_vocab_is_refused)
{
    oa_bpe_vocab v;
    ck_assert(!oa_bpe_vocab_load(&v, (const uint8_t *)"", 0));
    ck_assert(!oa_bpe_vocab_load(&v, (const uint8_t *)"\x10\0\0\0garbage", 11));
    ck_assert_ptr_null(v.raw);
}
END_TEST

/* Pieces longer than a token can be: the whole-piece lookup misses fast and
 * the heap merge stays linear-ish (a quadratic loop would take minutes). */
START_TEST(long_runs_finish)
{
    size_t len = 300000;
    char *s = malloc(len);
    ck_assert_ptr_nonnull(s);
    memset(s, 'z', len);
    size_t n = oa_bpe_count(OA_BPE_O200K, s, len);
    ck_assert_uint_gt(n, len / 128);
    ck_assert_uint_lt(n, len);
    memset(s, ' ', len);
    ck_assert_uint_ne(oa_bpe_count(OA_BPE_CL100K, s, len), OA_BPE_ERROR);
    free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("bpe");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, concurrent_first_use); /* first: it races the loading */
    tcase_add_test(t, cl100k_known_ids);
    tcase_add_test(t, o200k_known_ids);
    tcase_add_test(t, ties_merge_leftmost_first);
    tcase_add_test(t, letters_newer_than_pcre2_tables);
    tcase_add_test(t, exact_classes_only_when_needed);
    tcase_add_test(t, special_token_text_is_ordinary_text);
    tcase_add_test(t, empty_text);
    tcase_add_test(t, decode_round_trips);
    tcase_add_test(t, decode_specials_and_appends);
    tcase_add_test(t, decode_bad_ids);
    tcase_add_test(t, invalid_utf8_is_replacement_chars);
    tcase_add_test(t, invalid_utf8_never_fails);
    tcase_add_test(t, utf8_offsets_map_back);
    tcase_add_test(t, cut_after_n_tokens);
    tcase_add_test(t, unknown_encoding_fails);
    tcase_add_test(t, malformed_vocab_is_refused);
    tcase_add_test(t, long_runs_finish);
    /* Last, so valgrind and LeakSanitizer see every table freed. */
    tcase_add_unchecked_fixture(t, NULL, oa_bpe_free_all);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
