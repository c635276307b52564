#include "file.h"

#include <stdio.h>

bool file_read_all(const char *path, buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    bool ok = true;
    for (;;) {
        char *room = buf_reserve(out, 65536);
        if (!room) {
            ok = false;
            break;
        }
        size_t n = fread(room, 1, 65536, f);
        buf_advance(out, n);
        if (n < 65536) {
            ok = !ferror(f);
            break;
        }
    }
    fclose(f);
    return ok && buf_reserve(out, 0) != NULL; /* even an empty file gives a NUL-terminated buffer */
}
