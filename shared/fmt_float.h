/* fmt_float: float32 → shortest-enough JSON number text, without printf.
 *
 * The embeddings hot path prints thousands of floats per response; printf
 * costs ~150 ns each. fmt_f32 prints 9 significant digits at most, which is
 * enough for strtof() to give back the very same float (float32 has a 24-bit
 * significand: 9 decimal digits always round-trip), then drops trailing zeros:
 *
 *     char s[FMT_F32_MAX];
 *     size_t n = fmt_f32(s, -0.0123456789f);   // "-0.012345679", n = 12
 *
 * Non-finite values print as 0 (JSON has no NaN/Infinity). */
#ifndef MW_FMT_FLOAT_H
#define MW_FMT_FLOAT_H

#include <stddef.h>

#define FMT_F32_MAX 24 /* bytes fmt_f32 may write, no NUL is written */

size_t fmt_f32(char *dst, float v);

/* v[0..n) as fmt_f32 prints them, separated by commas ("0.5,-0.25"), in at
 * most n * (FMT_F32_MAX + 1) bytes; returns the length. The embeddings
 * writer's loop: one call per vector instead of one per float. */
size_t fmt_f32_list(char *dst, const float *v, size_t n);

#endif
