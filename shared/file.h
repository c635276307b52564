/* file: read a whole (small) file into a buffer.
 *
 *     buf b = BUF_INIT;
 *     if (!file_read_all("rules.json", &b)) ...   // b.data NUL-terminated
 */
#ifndef MW_FILE_H
#define MW_FILE_H

#include <stdbool.h>

#include "buf.h"

/* False when the file cannot be opened or read, or memory runs out. */
bool file_read_all(const char *path, buf *out);

#endif
