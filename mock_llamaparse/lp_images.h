/* lp_images: the pictures of a v1 job that asked for them: take_screenshot
 * gives each page a screenshot "page_<n>.png", save_images one embedded
 * image "img_p<n-1>_1.png" per page (n: the page's number). They are listed
 * in the JSON result's pages and served at .../job/{id}/result/image/{name}
 * as deterministic PNGs (lp_png.c). */
#ifndef LP_IMAGES_H
#define LP_IMAGES_H

#include "lp_ctx.h"

/* The "images" list of page i of the job. */
void lp_page_images_json(buf *out, const lp_job *j, size_t i);

/* Every image name of the job, as a JSON list (v1's webhook "images"). */
void lp_job_image_names(buf *out, const lp_job *j);

void lp_handle_image(srv_req *r, void *ctx);

#endif
