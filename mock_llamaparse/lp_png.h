/* lp_png: small deterministic PNG pictures for the images a job "saves"
 * (save_images) and the page screenshots it "takes" (take_screenshot):
 * the same seed always gives the same bytes. Encoded with zlib (already
 * linked for PDFs): 8-bit RGB, no interlace.
 *
 *     buf png = BUF_INIT;
 *     if (lp_png_page(&png, 153, 198, seed)) ... // a page: lines of "text"
 */
#ifndef LP_PNG_H
#define LP_PNG_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

/* A w x h picture (1..2048 each) drawn from seed: a light page with
 * darker bars where lines of text would be. False when out of memory. */
bool lp_png_page(buf *out, unsigned w, unsigned h, uint64_t seed);

#endif
