/* Page selection (canonical lists from v1 and v2 spellings, selecting and
 * numbering pages, {pageNumber} framing), the file store's bounds, and the
 * PNG encoder's shape. */
#include <string.h>

#include "check_main.h"
#include "lp_files_store.h"
#include "lp_pages_select.h"
#include "lp_png.h"

static char *canon(const char *spec, int base)
{
    char *out = NULL, err[160];
    return lp_pages_canon(spec, base, &out, err, sizeof err) ? out : NULL;
}

START_TEST(canonical_lists)
{
    char *c = canon("5, 0-2,1", 0);
    ck_assert_str_eq(c, "0-2,5");
    free(c);
    c = canon("1,3,5-8,10", 1);
    ck_assert_str_eq(c, "0,2,4-7,9");
    free(c);
    const char *bad[] = {"", "x", "1-", "-1", "3-1", "1;2", "1,,2", "99999", "1 2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(canon(bad[i], 0) == NULL, "accepted '%s'", bad[i]);
    ck_assert_ptr_null(canon("2,2", 1)); /* v2: a page named twice */
    ck_assert_ptr_null(canon("0", 1));   /* v2 counts from 1 */
    c = canon("2,2", 0);                 /* v1 merges it */
    ck_assert_str_eq(c, "2");
    free(c);
}
END_TEST

static lp_doc *pages(size_t n)
{
    buf md = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        buf_printf(&md, "# Page %zu\n\n%s\n\n", i + 1, "words words words words words words words words words words "
                                                      "words words words words words words words words words words");
    lp_doc *d = lp_doc_parse("a.md", md.data, md.len);
    buf_free(&md);
    return d;
}

START_TEST(select_keeps_numbers)
{
    lp_doc *d = lp_doc_parse("a.md", "# A\n", 4);
    ck_assert(lp_doc_select(d, "0", 0));
    ck_assert_uint_eq(d->npages, 1);
    ck_assert_uint_eq(lp_page_number(d, 0), 1);
    lp_doc_free(d);
    /* a document of several pages: LP_PAGE_CHARS per page */
    d = pages(200);
    size_t all = d->npages;
    ck_assert_uint_ge(all, 4);
    ck_assert(lp_doc_select(d, "1,3-40", 2));
    ck_assert_uint_eq(d->npages, 2);
    ck_assert_uint_eq(lp_page_number(d, 0), 2);
    ck_assert_uint_eq(lp_page_number(d, 1), 4);
    ck_assert(lp_doc_select(d, "1", 0)); /* again: positions in what is left, numbers kept */
    ck_assert_uint_eq(d->npages, 1);
    ck_assert_uint_eq(lp_page_number(d, 0), 4);
    lp_doc_free(d);
}
END_TEST

START_TEST(framing)
{
    buf b = BUF_INIT;
    lp_page_framed(&b, "<{pageNumber}|{pageNumber}>", 12);
    lp_page_framed(&b, "{page}", 3);
    ck_assert_str_eq(b.data, "<12|12>{page}");
    buf_free(&b);
}
END_TEST

START_TEST(file_store_bounds)
{
    lp_files *s = lp_files_new(2, 10, 60000);
    lp_file *a = lp_file_new("a.txt", "parse", NULL, NULL), *b = lp_file_new("b.txt", NULL, "ext", "t-1");
    lp_file *c = lp_file_new("c", NULL, NULL, "t-2");
    ck_assert(lp_file_set_bytes(a, "12345678", 8));
    ck_assert(lp_file_set_bytes(b, "123", 3));
    ck_assert(lp_files_add(s, a));
    ck_assert(!lp_files_add(s, b)); /* 11 bytes > 10 */
    ck_assert(lp_file_set_bytes(b, "12", 2));
    ck_assert(lp_files_add(s, b));
    ck_assert(!lp_files_add(s, c)); /* two files already */
    char id[37];
    strcpy(id, b->id);
    ck_assert_int_eq(lp_files_put(s, id, "wrong-token", "x", 1), 404);
    ck_assert_int_eq(lp_files_put(s, id, b->token, "123", 3), 429);
    ck_assert_int_eq(lp_files_put(s, id, NULL, "1", 1), 0);
    char *data, *name;
    size_t len;
    ck_assert(lp_files_copy(s, id, &data, &len, &name));
    ck_assert_uint_eq(len, 1);
    ck_assert_str_eq(name, "b.txt");
    free(data);
    free(name);
    ck_assert(lp_files_remove(s, id));
    ck_assert(!lp_files_remove(s, id));
    char aid[37], cid[37];
    strcpy(aid, a->id);
    strcpy(cid, c->id);
    ck_assert(lp_files_add(s, c)); /* room again */
    lp_files_clear(s, "t-2");       /* one test's reset: its files only */
    ck_assert(!lp_files_remove(s, cid));
    ck_assert(lp_files_copy(s, aid, &data, &len, &name));
    free(data);
    free(name);
    lp_files_clear(s, NULL);
    ck_assert(!lp_files_copy(s, id, &data, &len, &name));
    lp_files_free(s);
}
END_TEST

START_TEST(files_expire)
{
    lp_files *s = lp_files_new(1, 100, 0); /* every file past its TTL at once */
    lp_file *a = lp_file_new("a", NULL, NULL, NULL), *b = lp_file_new("b", NULL, NULL, NULL);
    char id[37];
    strcpy(id, a->id);
    ck_assert(lp_files_add(s, a));
    ck_assert(!lp_files_remove(s, id)); /* gone from look-ups */
    ck_assert(lp_files_add(s, b));      /* and evicted to make room */
    lp_files_free(s);
}
END_TEST

START_TEST(png_shape)
{
    buf a = BUF_INIT, b = BUF_INIT;
    ck_assert(lp_png_page(&a, 30, 20, 7));
    ck_assert(lp_png_page(&b, 30, 20, 7));
    ck_assert_uint_eq(a.len, b.len);
    ck_assert(memcmp(a.data, b.data, a.len) == 0);
    ck_assert(memcmp(a.data, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16) == 0);
    ck_assert(memcmp(a.data + a.len - 8, "IEND\xae\x42\x60\x82", 8) == 0);
    buf_free(&a);
    ck_assert(lp_png_page(&a, 1, 1, 7));
    ck_assert(!lp_png_page(&b, 0, 5, 7));
    buf_free(&a);
    buf_free(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lp_pages");
    TCase *t = tcase_create("core");
    tcase_add_test(t, canonical_lists);
    tcase_add_test(t, select_keeps_numbers);
    tcase_add_test(t, framing);
    tcase_add_test(t, file_store_bounds);
    tcase_add_test(t, files_expire);
    tcase_add_test(t, png_shape);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
