/* oa_vector: deterministic, meaningful embedding vectors.
 *
 * Feature hashing: the text's words, word pairs and character trigrams (plus
 * the exact text itself) are each hashed with xxHash into a pseudo-random
 * direction (dense for words and the text; sparse for pairs and trigrams,
 * which are the most numerous); the weighted directions are summed and the sum normalised to unit
 * length. Texts sharing words and phrases share directions, so their cosine
 * similarity is clearly higher than unrelated texts'. Nothing depends on the
 * batch position, the process or the machine: arithmetic is float32 in a fixed
 * order (built with -ffp-contract=off).
 *
 * The k-dimension vector is exactly the re-normalised prefix of the full one
 * (each direction is a sequential stream), as the text-embedding-3 models'
 * `dimensions` parameter promises, so only `dim` components are computed:
 *
 *     float v[256];
 *     oa_vec_text(oa_vec_seed("text-embedding-3-small"), "hello", 5, v, 256);
 */
#ifndef OA_VECTOR_H
#define OA_VECTOR_H

#include <stddef.h>
#include <stdint.h>

/* The largest dim supported (text-embedding-3-large's). */
#define OA_VEC_MAX_DIM 3072

/* The per-model seed: the same text gives unrelated vectors under two models. */
uint64_t oa_vec_seed(const char *model);

/* Unit vector of `dim` (1..OA_VEC_MAX_DIM) floats for a UTF-8 text. */
void oa_vec_text(uint64_t seed, const char *text, size_t len, float *out, size_t dim);

/* Unit vector for a sequence of token ids (input given as integers). */
void oa_vec_tokens(uint64_t seed, const int64_t *ids, size_t n, float *out, size_t dim);

#endif
