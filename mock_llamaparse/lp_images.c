#include "lp_images.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "lp_pages_select.h"
#include "lp_png.h"

#define SHOT_W 612 /* a page at 72 dpi, as the JSON result sizes it */
#define SHOT_H 792
#define IMG_W 240
#define IMG_H 160

void lp_page_images_json(buf *out, const lp_job *j, size_t i)
{
    size_t n = lp_page_number(j->doc, i);
    buf_puts(out, "[");
    if (j->screenshots)
        buf_printf(out, "{\"name\":\"page_%zu.png\",\"height\":%d,\"width\":%d,\"x\":0,\"y\":0,\"original_width\":%d,"
                        "\"original_height\":%d,\"type\":\"full_page_screenshot\"}",
                   n, SHOT_H, SHOT_W, SHOT_W, SHOT_H);
    if (j->images)
        buf_printf(out, "%s{\"name\":\"img_p%zu_1.png\",\"height\":%d,\"width\":%d,\"x\":186,\"y\":300,\"original_width\":%d,"
                        "\"original_height\":%d,\"type\":null}",
                   j->screenshots ? "," : "", n - 1, IMG_H, IMG_W, IMG_W, IMG_H);
    buf_puts(out, "]");
}

void lp_job_image_names(buf *out, const lp_job *j)
{
    buf_puts(out, "[");
    bool first = true;
    for (size_t i = 0; i < j->doc->npages; i++) {
        size_t n = lp_page_number(j->doc, i);
        if (j->screenshots)
            buf_printf(out, "%s\"page_%zu.png\"", first ? "" : ",", n);
        if (j->images)
            buf_printf(out, "%s\"img_p%zu_1.png\"", first && !j->screenshots ? "" : ",", n - 1);
        first = first && !j->screenshots && !j->images;
    }
    buf_puts(out, "]");
}

/* What a name asks for, found under the store's lock. */
typedef struct wanted {
    const char *name;
    srv_req *r;
    bool found;
    unsigned w, h;
    uint64_t seed;
} wanted;

/* page_<n>.png or img_p<n-1>_1.png: the page's index, or -1. */
static long page_of(const lp_job *j, const char *name, bool *shot)
{
    size_t n = 0;
    int used = 0;
    if (j->screenshots && sscanf(name, "page_%zu.png%n", &n, &used) == 1 && !name[used])
        *shot = true;
    else if (j->images && sscanf(name, "img_p%zu_1.png%n", &n, &used) == 1 && !name[used])
        *shot = false, n++;
    else
        return -1;
    for (size_t i = 0; i < j->doc->npages; i++) {
        if (lp_page_number(j->doc, i) == n)
            return (long)i;
    }
    return -1;
}

static void find(const lp_job *j, lp_status st, void *ctx)
{
    wanted *w = ctx;
    bool shot = false;
    long i = st == LP_SUCCESS || st == LP_PARTIAL_SUCCESS ? page_of(j, w->name, &shot) : -1;
    if (i < 0)
        return;
    const char *md = j->doc->pages[i].md;
    w->found = true;
    w->w = shot ? SHOT_W : IMG_W;
    w->h = shot ? SHOT_H : IMG_H;
    w->seed = XXH3_64bits_withSeed(md, strlen(md), shot ? 1 : 2); /* the page's content picks its picture */
}

void lp_handle_image(srv_req *r, void *ctx)
{
    const lp_ctx *c = ctx;
    if (!lp_auth_check(r, c))
        return;
    wanted w = {srv_req_param(r, "name"), r, false, 0, 0, 0};
    if (!lp_store_with(c->store, srv_req_param(r, "id"), find, &w)) {
        lp_detail(r, 404, "Job not found.");
        return;
    }
    if (!w.found) {
        lp_detail(r, 404, "Image not found: ask for one the job's JSON result lists (save_images, take_screenshot).");
        return;
    }
    buf png = BUF_INIT; /* drawn outside the store's lock */
    if (!lp_png_page(&png, w.w, w.h, w.seed)) {
        buf_free(&png);
        lp_detail(r, 500, "Out of memory while drawing the image.");
        return;
    }
    srv_resp_header(r, "content-type", "image/png");
    buf_append(srv_resp_body(r), png.data, png.len);
    buf_free(&png);
}
