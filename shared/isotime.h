/* isotime: the one ISO-8601 UTC formatter, for JSON bodies, logs and the
 * journal.
 *
 *     char t[ISO_TIME_LEN];
 *     iso_time(t, 1795900555, 0, 0);      // "2026-11-28T21:15:55Z"
 *     iso_time(t, 1795900555, 123456, 3); // "2026-11-28T21:15:55.123Z"
 *     iso_time_now(t, 6);                 // now, "....123456Z"
 */
#ifndef MW_ISOTIME_H
#define MW_ISOTIME_H

#include <stddef.h>
#include <time.h>

#define ISO_TIME_LEN 32

/* Write sec (+ usec microseconds) with `digits` fractional digits (0, 3 or
 * 6) into out; returns the length. */
size_t iso_time(char out[ISO_TIME_LEN], time_t sec, long usec, int digits);

/* The same for the wall clock now. */
size_t iso_time_now(char out[ISO_TIME_LEN], int digits);

#endif
