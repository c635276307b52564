/* LlamaParse content: real text for text formats, markdown tables for
 * csv/tsv, page counts from PDFs, deterministic synthetic documents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "lp_content.h"
#include "lp_pages_select.h"
#include "lp_html.h"

static char *slurp(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", getenv("MOCKWORKS_DATA"), name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *data = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    data[n] = '\0';
    *len = (size_t)n;
    return data;
}

static lp_doc *parse_file(const char *name)
{
    size_t len;
    char *data = slurp(name, &len);
    lp_doc *d = lp_doc_parse(name, data, len);
    free(data);
    ck_assert_ptr_nonnull(d);
    return d;
}

static bool doc_contains(const lp_doc *d, const char *needle)
{
    for (size_t i = 0; i < d->npages; i++) {
        if (strstr(d->pages[i].md, needle))
            return true;
    }
    return false;
}

/* lp_page_text's scratch; still reachable at exit, so no leak report. */
static buf scratch = BUF_INIT;

START_TEST(csv_becomes_a_table)
{
    const char csv[] = "a,b,c\n\"Okafor, Chinedu\",\"said \"\"hi\"\"\",x|y\n1,,3\n";
    buf b = BUF_INIT;
    lp_table_md(&b, csv, sizeof csv - 1, ',');
    ck_assert_str_eq(b.data, "| a | b | c |\n| --- | --- | --- |\n| Okafor, Chinedu | said \"hi\" | x\\|y |\n| 1 |  | 3 |\n");
    buf_free(&b);
    lp_doc *d = parse_file("claims.csv");
    ck_assert_ptr_nonnull(strstr(d->pages[0].md, "| claim_id | member_id |"));
    ck_assert(doc_contains(d, "| Lindqvist, Zoë |"));
    ck_assert(doc_contains(d, "Linked to sleep study claim \\| prior auth PA-57319 pending"));
    lp_doc_free(d);
}
END_TEST

START_TEST(tsv_and_csv_give_the_same_cells)
{
    lp_doc *c = parse_file("claims.csv"), *t = parse_file("claims.tsv");
    ck_assert_uint_eq(c->npages, t->npages);
    for (size_t i = 0; i < c->npages; i++)
        ck_assert_str_eq(c->pages[i].md, t->pages[i].md);
    lp_doc_free(c);
    lp_doc_free(t);
}
END_TEST

START_TEST(text_keeps_content_and_marks_headings)
{
    lp_doc *d = parse_file("policy-basic.txt");
    ck_assert_int_eq(strncmp(d->pages[0].md, "# ALDERWICK HEALTH MUTUAL\n", 26), 0);
    ck_assert_int_eq(strncmp(lp_page_text(&d->pages[0], &scratch), "ALDERWICK HEALTH MUTUAL\n", 24), 0);
    ck_assert_ptr_nonnull(strstr(d->pages[d->npages - 1].md, "END OF POLICY"));
    lp_doc_free(d);
}
END_TEST

START_TEST(long_text_is_paginated_without_loss)
{
    size_t len;
    char *data = slurp("large-150k.txt", &len);
    lp_doc *d = lp_doc_parse("large-150k.txt", data, len);
    ck_assert_uint_ge(d->npages, 40);
    size_t total_text = 0;
    for (size_t i = 0; i < d->npages; i++) {
        ck_assert_uint_le(strlen(d->pages[i].md), 2 * LP_PAGE_CHARS);
        total_text += strlen(lp_page_text(&d->pages[i], &scratch));
    }
    ck_assert_uint_ge(total_text, len * 95 / 100); /* heading marks dropped, nothing else */
    ck_assert_ptr_nonnull(strstr(lp_page_text(&d->pages[d->npages - 1], &scratch), "END OF MANUAL"));
    lp_doc_free(d);
    free(data);
}
END_TEST

/* A synthetic document (pages made one by one) reads the same compacted,
 * page for page, in one block; pages dropped or truncated after it are not
 * freed one by one (ASan would tell). Text formats are paginated straight
 * into a block. */
START_TEST(compacted_pages_read_the_same)
{
    size_t len;
    char *data = slurp("large-150k.txt", &len);
    lp_doc *a = lp_doc_parse("scan.bin", data, len), *b = lp_doc_parse("scan.bin", data, len);
    ck_assert_ptr_null(b->block);
    ck_assert_uint_ge(b->npages, 3);
    lp_doc_compact(b);
    ck_assert_ptr_nonnull(b->block);
    lp_doc *t = lp_doc_parse("large-150k.txt", data, len);
    ck_assert_ptr_nonnull(t->block);
    ck_assert_ptr_eq(t->pages[0].md, t->block);
    lp_doc_free(t);
    ck_assert_uint_eq(a->npages, b->npages);
    buf t2 = BUF_INIT;
    for (size_t i = 0; i < a->npages; i++) {
        ck_assert_str_eq(a->pages[i].md, b->pages[i].md);
        ck_assert_ptr_eq(b->pages[i].md, i ? b->pages[i - 1].md + strlen(b->pages[i - 1].md) + 1 : b->block);
        ck_assert_str_eq(lp_page_text(&a->pages[i], &scratch), lp_page_text(&b->pages[i], &t2));
    }
    buf_free(&t2);
    ck_assert(lp_doc_select(b, "0,2", 0));
    ck_assert_uint_eq(b->npages, 2);
    ck_assert_str_eq(b->pages[1].md, a->pages[2].md);
    lp_doc_truncate(b, 1);
    ck_assert_uint_eq(b->npages, 1);
    lp_doc_free(a);
    lp_doc_free(b);
    free(data);
}
END_TEST

START_TEST(pdf_page_counts_from_the_file)
{
    const struct {
        const char *name;
        size_t pages;
    } pdfs[] = {{"policy-1page.pdf", 1}, {"policy-1page-uncompressed.pdf", 1}, {"policy-12pages.pdf", 12}, {"scanned.pdf", 2}};
    for (size_t i = 0; i < 4; i++) {
        lp_doc *d = parse_file(pdfs[i].name);
        ck_assert_msg(d->npages == pdfs[i].pages, "%s: %zu pages", pdfs[i].name, d->npages);
        lp_doc_free(d);
    }
}
END_TEST

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Text PDFs give their own text (compressed or not) with each page's first
 * line as its heading; a scan has none and gets synthetic pages. */
START_TEST(pdf_text_where_it_can_be_extracted)
{
    const char *one[] = {"policy-1page.pdf", "policy-1page-uncompressed.pdf"};
    for (size_t i = 0; i < 2; i++) {
        lp_doc *d = parse_file(one[i]);
        ck_assert_msg(starts_with(d->pages[0].md, "# Policy at a Glance: Silver Choice PPO 2500\n"), "%s: %.60s", one[i],
                      d->pages[0].md);
        ck_assert_ptr_nonnull(strstr(lp_page_text(&d->pages[0], &scratch), "$30 for primary care"));
        lp_doc_free(d);
    }
    lp_doc *d = parse_file("policy-12pages.pdf");
    ck_assert(starts_with(d->pages[0].md, "# Section 1: Introduction and Agreement\n"));
    ck_assert(starts_with(d->pages[4].md, "# Section 5: Deductibles, Coinsurance and Out-of-Pocket Limits\n"));
    ck_assert(starts_with(d->pages[11].md, "# Section 12: Termination, Renewal and General Provisions\n"));
    ck_assert_ptr_nonnull(strstr(lp_page_text(&d->pages[0], &scratch), "Page 1 of 12"));
    lp_doc_free(d);
    d = parse_file("scanned.pdf");
    ck_assert_ptr_nonnull(strstr(d->pages[0].md, "# Section 1:"));
    ck_assert_ptr_null(strstr(d->pages[0].md, "TIDEWATER"));
    lp_doc_free(d);
}
END_TEST

/* Found by tests/fuzz: a PDF that ends inside a page's /Contents (or right
 * after "stream") was read past its last byte; an exact-size copy lets the
 * ASan build see any such read. */
START_TEST(pdf_cut_short_is_read_within_bounds)
{
    const char *cut[] = {"1 0 obj << /Type /Page /Contents [4 0 R 5",
                         "1 0 obj << /Type /Page /Contents 4 0 R >>\n4 0 obj <<>> stream"};
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        size_t n = strlen(cut[i]);
        char *exact = malloc(n);
        ck_assert_ptr_nonnull(exact);
        memcpy(exact, cut[i], n);
        lp_doc *d = lp_doc_parse("cut.pdf", exact, n);
        ck_assert_ptr_nonnull(d);
        lp_doc_free(d);
        free(exact);
    }
}
END_TEST

/* Found by tests/fuzz: every page pointing at the same big content stream
 * made the text (and the time) grow with pages x references x stream size,
 * and each reference searched the whole file for its object. */
START_TEST(pdf_shared_stream_is_read_within_a_budget)
{
    buf pdf = BUF_INIT, stream = BUF_INIT;
    for (int i = 0; i < 2000; i++)
        buf_puts(&stream, "(xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx) Tj T* ");
    buf_printf(&pdf, "%%PDF-1.4\n4 0 obj\n<< /Length %zu >>\nstream\nBT %sET\nendstream\nendobj\n", stream.len + 6,
               stream.data);
    for (int i = 0; i < 2000; i++) {
        buf_printf(&pdf, "%d 0 obj\n<< /Type /Page /Contents [", 10 + i);
        for (int k = 0; k < 16; k++)
            buf_puts(&pdf, "4 0 R ");
        buf_puts(&pdf, "] >>\nendobj\n");
    }
    lp_doc *d = lp_doc_parse("many.pdf", pdf.data, pdf.len);
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(d->npages, 2000);
    size_t total = 0;
    for (size_t i = 0; i < d->npages; i++)
        total += strlen(d->pages[i].md);
    ck_assert_uint_lt(total, 64u << 20); /* unbounded, it was about 4 GB */
    ck_assert_ptr_nonnull(strstr(d->pages[0].md, "xxxxxxxx"));
    lp_doc_free(d);
    buf_free(&pdf);
    buf_free(&stream);
}
END_TEST

/* Found by tests/fuzz: a line end exactly LP_PAGE_CHARS into a page cut it
 * at an earlier blank line instead, giving a page of a few bytes. */
START_TEST(no_tiny_page_at_the_page_size)
{
    buf md = BUF_INIT;
    buf_puts(&md, "a\n\n");
    for (int i = 3; i < LP_PAGE_CHARS; i++)
        buf_puts(&md, "b");
    buf_puts(&md, "\nccc\n");
    lp_doc *d = lp_doc_parse("p.md", md.data, md.len);
    ck_assert_uint_eq(d->npages, 2);
    ck_assert_uint_ge(strlen(d->pages[0].md), LP_PAGE_CHARS);
    ck_assert_str_eq(d->pages[1].md, "ccc\n");
    lp_doc_free(d);
    buf_free(&md);
}
END_TEST

/* Found by tests/fuzz: a lone CR ended the cell and swallowed the byte after it. */
START_TEST(lone_cr_ends_a_row)
{
    buf b = BUF_INIT;
    const char csv[] = "a\rb,c\r\n1,2";
    lp_table_md(&b, csv, sizeof csv - 1, ',');
    ck_assert_str_eq(b.data, "| a |\n| --- |\n| b | c |\n| 1 | 2 |\n");
    buf_free(&b);
}
END_TEST

START_TEST(synthetic_is_deterministic_and_seeded)
{
    lp_doc *a = parse_file("binary.bin"), *b = parse_file("binary.bin");
    ck_assert_uint_eq(a->npages, 2);
    ck_assert_str_eq(a->pages[1].md, b->pages[1].md);
    ck_assert_ptr_nonnull(strstr(a->pages[0].md, "\n- "));
    ck_assert_ptr_nonnull(strstr(a->pages[0].md, "| --- |"));
    lp_doc *c = lp_doc_parse("other.bin", "different bytes", 15);
    ck_assert_str_ne(a->pages[0].md, c->pages[0].md);
    lp_doc_free(a);
    lp_doc_free(b);
    lp_doc_free(c);
}
END_TEST

START_TEST(empty_file_has_no_pages)
{
    lp_doc *d = lp_doc_parse("empty.txt", "", 0);
    ck_assert_uint_eq(d->npages, 0);
    lp_doc_free(d);
}
END_TEST

/* Found by tests/fuzz: a file that converts to no markdown at all came back
 * NULL, which callers read as out of memory (a 500 for the upload). */
START_TEST(no_markdown_is_no_pages)
{
    const char *files[][2] = {{"blank.csv", "\n\r\n\n"}, {"head.html", "<head><title>t</title></head>"},
                              {"s.htm", "<script>x()</script>"}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        lp_doc *d = lp_doc_parse(files[i][0], files[i][1], strlen(files[i][1]));
        ck_assert_msg(d != NULL, "%s", files[i][0]);
        ck_assert_uint_eq(d->npages, 0);
        lp_doc_free(d);
    }
}
END_TEST

/* Found by tests/fuzz: items were indented by the full list depth, so many
 * open lists and many items gave output quadratic in the input. */
START_TEST(deep_lists_stay_linear)
{
    buf html = BUF_INIT, md = BUF_INIT;
    for (int i = 0; i < 2000; i++)
        buf_puts(&html, "<ul>");
    for (int i = 0; i < 2000; i++)
        buf_puts(&html, "<li>x");
    lp_html_md(&md, html.data, html.len);
    ck_assert_uint_le(md.len, 8 * html.len);
    ck_assert_ptr_nonnull(strstr(md.data, "\n                - x\n")); /* 8 levels of indent at most */
    buf_free(&html);
    buf_free(&md);
}
END_TEST

START_TEST(html_becomes_markdown)
{
    lp_doc *d = parse_file("summary.html");
    buf all = BUF_INIT;
    for (size_t i = 0; i < d->npages; i++)
        buf_puts(&all, d->pages[i].md);
    const char *want[] = {
        "# Silver Choice PPO 2500 \xe2\x80\x94 Your 2025 Plan Summary\n",
        "## Your rights & protections\n",
        "## Caf\xc3\xa9 Wellness and other extras\n",
        "| What you pay | In-network | Out-of-network |\n| --- | --- | --- |\n",
        "| Coinsurance after deductible | 25% | 50% |\n",
        "1. **AlderCare Now** telehealth \xe2\x80\x93 a clinician",
        "4. **Emergency room**",
        "- MRI, CT & PET scans\n",
        "in policy form **AHM-SC-2500-25**;",
        "Fees < $25",
        "\xe2\x80\x9c" "Alderwick\xe2\x80\x9d and the heron logo",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_msg(strstr(all.data, want[i]) != NULL, "missing: %s", want[i]);
    /* scripts, styles, comments, tags and raw entities never show */
    const char *never[] = {"dataLayer", "track(", "font-family", "Generated by", "<p", "<td", "&amp;", "&nbsp;"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        ck_assert_msg(strstr(all.data, never[i]) == NULL, "leaked: %s", never[i]);
    buf_free(&all);
    lp_doc_free(d);
}
END_TEST

START_TEST(md_to_text)
{
    buf b = BUF_INIT;
    lp_md_to_text(&b, "## Title\nSome **bold** text\n| a | b\\|c |\n| --- | --- |\n");
    ck_assert_str_eq(b.data, "Title\nSome bold text\n a  b|c \n");
    buf_free(&b);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lp_content");
    TCase *t = tcase_create("core");
    tcase_add_test(t, csv_becomes_a_table);
    tcase_add_test(t, tsv_and_csv_give_the_same_cells);
    tcase_add_test(t, text_keeps_content_and_marks_headings);
    tcase_add_test(t, long_text_is_paginated_without_loss);
    tcase_add_test(t, compacted_pages_read_the_same);
    tcase_add_test(t, pdf_page_counts_from_the_file);
    tcase_add_test(t, pdf_text_where_it_can_be_extracted);
    tcase_add_test(t, pdf_cut_short_is_read_within_bounds);
    tcase_add_test(t, pdf_shared_stream_is_read_within_a_budget);
    tcase_add_test(t, lone_cr_ends_a_row);
    tcase_add_test(t, no_tiny_page_at_the_page_size);
    tcase_add_test(t, synthetic_is_deterministic_and_seeded);
    tcase_add_test(t, empty_file_has_no_pages);
    tcase_add_test(t, no_markdown_is_no_pages);
    tcase_add_test(t, deep_lists_stay_linear);
    tcase_add_test(t, html_becomes_markdown);
    tcase_add_test(t, md_to_text);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(suite)
