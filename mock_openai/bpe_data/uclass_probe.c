/* Used by regen.mjs only (not built by meson): prints which code points
 * this libpcre2 puts in each Unicode class named on the command line, one
 * line per class: "NAME a-b c d-e ..." (hex ranges). regen.mjs compares
 * that with Node's RegExp to find the characters PCRE2's older Unicode
 * tables lack.
 *
 *     cc uclass_probe.c -lpcre2-8 -o probe && ./probe L N Lu */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>

static size_t utf8(unsigned c, unsigned char *o)
{
    if (c < 0x80) {
        o[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (unsigned char)(0xc0 | c >> 6);
        o[1] = (unsigned char)(0x80 | (c & 63));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (unsigned char)(0xe0 | c >> 12);
        o[1] = (unsigned char)(0x80 | (c >> 6 & 63));
        o[2] = (unsigned char)(0x80 | (c & 63));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | c >> 18);
    o[1] = (unsigned char)(0x80 | (c >> 12 & 63));
    o[2] = (unsigned char)(0x80 | (c >> 6 & 63));
    o[3] = (unsigned char)(0x80 | (c & 63));
    return 4;
}

static int probe(const char *name)
{
    char pat[64];
    snprintf(pat, sizeof pat, "^\\p{%s}$", name);
    int err;
    PCRE2_SIZE at;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err, &at, NULL);
    pcre2_match_data *md = re ? pcre2_match_data_create(1, NULL) : NULL;
    if (!md) {
        fprintf(stderr, "cannot compile %s\n", pat);
        pcre2_code_free(re);
        return 1;
    }
    printf("%s", name);
    long start = -1;
    for (unsigned c = 0; c <= 0x110000; c++) {
        unsigned char b[4];
        int in = c < 0x110000 && !(c >= 0xd800 && c < 0xe000) &&
                 pcre2_match(re, b, utf8(c, b), 0, 0, md, NULL) >= 0;
        if (in && start < 0)
            start = c;
        if (!in && start >= 0) {
            printf(" %lx-%x", (unsigned long)start, c - 1);
            start = -1;
        }
    }
    printf("\n");
    pcre2_match_data_free(md);
    pcre2_code_free(re);
    return 0;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (probe(argv[i]) != 0)
            return 1;
    return 0;
}
