#include "isotime.h"

#include <stdio.h>
#include <sys/time.h>

size_t iso_time(char out[ISO_TIME_LEN], time_t sec, long usec, int digits)
{
    struct tm tm;
    gmtime_r(&sec, &tm);
    size_t n = strftime(out, ISO_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
    int m = digits == 6   ? snprintf(out + n, ISO_TIME_LEN - n, ".%06ldZ", usec)
            : digits == 3 ? snprintf(out + n, ISO_TIME_LEN - n, ".%03ldZ", usec / 1000)
                          : snprintf(out + n, ISO_TIME_LEN - n, "Z");
    return n + (m > 0 ? (size_t)m : 0);
}

size_t iso_time_now(char out[ISO_TIME_LEN], int digits)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return iso_time(out, tv.tv_sec, (long)tv.tv_usec, digits);
}
