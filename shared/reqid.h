/* reqid: request ids in OpenAI's shape, "req_" + 32 lowercase hex digits.
 *
 * Unique within a process (a counter) and across processes (a per-process
 * seed from the clock and pid), hashed so ids look random as real ones do:
 *
 *     char id[REQID_LEN + 1];
 *     reqid_next(id);                  // "req_3f9c...", NUL-terminated
 */
#ifndef MW_REQID_H
#define MW_REQID_H

#define REQID_LEN 36

void reqid_next(char out[REQID_LEN + 1]);

#endif
