/* base64: standard alphabet with padding (RFC 4648 §4), written in place.
 *
 *     char out[BASE64_LEN(3)];          // 4
 *     base64_encode(out, "abc", 3);     // "YWJj", returns 4
 */
#ifndef MW_BASE64_H
#define MW_BASE64_H

#include <stddef.h>

#define BASE64_LEN(n) ((((n) + 2) / 3) * 4)

/* Encode n bytes of src into dst (BASE64_LEN(n) bytes, no NUL written). */
size_t base64_encode(char *dst, const void *src, size_t n);

/* Encode floats as little-endian IEEE-754 float32 bytes, whatever the host's
 * byte order: what OpenAI's encoding_format "base64" carries. */
size_t base64_encode_f32le(char *dst, const float *v, size_t count);

/* Decode float32 little-endian base64 (what base64_encode_f32le writes)
 * into at most cap floats; the number decoded, or -1 when src is not
 * padded base64 of whole floats. Recordings keep their vectors so. */
long base64_decode_f32le(const char *src, size_t len, float *dst, size_t cap);

#endif
