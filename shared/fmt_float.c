#include "fmt_float.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Powers of ten exactly representable in a double (10^0 .. 10^22). */
static const double pow10_tab[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* Decimal exponent of d > 0: the e with 10^e <= d < 10^(e+1), from the binary
 * exponent (log10(2) ≈ 0.30103) and one correction step. Valid for
 * 1e-9 <= d < 1e9, the range fmt_f32 takes this path for. */
static int dec_exponent(double d)
{
    int e2;
    frexp(d, &e2);
    int e10 = (int)floor((e2 - 1) * 0.30102999566398120);
    double p = e10 >= 0 ? pow10_tab[e10 + 1] : 1.0 / pow10_tab[-e10 - 1];
    if (d >= p)
        e10++;
    return e10;
}

/* Write the ndig digits of m (exactly ndig of them) at dst. */
static void put_digits(char *dst, uint32_t m, int ndig)
{
    for (int i = ndig - 1; i >= 0; i--) {
        dst[i] = (char)('0' + m % 10);
        m /= 10;
    }
}

/* Lay out digits d[0..nd) valued 0.d1d2... × 10^(e10+1) as JSON. */
static size_t layout(char *p, const char *d, int nd, int e10)
{
    char *start = p;
    if (e10 < -5 || e10 >= 9) {
        *p++ = d[0];
        if (nd > 1) {
            *p++ = '.';
            memcpy(p, d + 1, (size_t)nd - 1);
            p += nd - 1;
        }
        p += sprintf(p, "e%d", e10);
        return (size_t)(p - start);
    }
    if (e10 < 0) {
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < -e10 - 1; i++)
            *p++ = '0';
        memcpy(p, d, (size_t)nd);
        return (size_t)(p + nd - start);
    }
    int intdig = e10 + 1;
    for (int i = 0; i < intdig; i++)
        *p++ = i < nd ? d[i] : '0';
    if (nd > intdig) {
        *p++ = '.';
        memcpy(p, d + intdig, (size_t)(nd - intdig));
        p += nd - intdig;
    } else {
        memcpy(p, ".0", 2);
        p += 2;
    }
    return (size_t)(p - start);
}

size_t fmt_f32(char *dst, float v)
{
    if (!isfinite(v) || v == 0.0f) {
        memcpy(dst, "0.0", 3);
        return 3;
    }
    char *p = dst;
    double d = v; /* exact: every float is a double */
    if (d < 0) {
        *p++ = '-';
        d = -d;
    }
    if (d < 1e-9 || d >= 1e9) /* far outside unit vectors: rare, keep it simple */
        return (size_t)(p - dst) + (size_t)sprintf(p, "%.9g", d);
    int e10 = dec_exponent(d);
    /* Scale to a 9-digit integer. The product of a float and an exact power
     * of ten is off by at most one double ulp, far below the half-unit of the
     * 9th digit that round-tripping needs. */
    int k = 8 - e10;
    double scaled = k >= 0 ? d * pow10_tab[k] : d / pow10_tab[-k];
    uint32_t m = (uint32_t)(scaled + 0.5);
    if (m >= 1000000000u) {
        m /= 10;
        e10++;
    }
    char digits[9];
    put_digits(digits, m, 9);
    int nd = 9;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    return (size_t)(p - dst) + layout(p, digits, nd, e10);
}
