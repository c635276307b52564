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

/* Decimal exponent estimate of a float from its binary exponent:
 * floor(e2 × log10(2)), where 78913 / 2^18 ≈ log10(2). It may be one off
 * (d need not be near 2^e2); fmt_f32 corrects it after scaling. */
static int dec_exponent_estimate(float v)
{
    uint32_t bits;
    memcpy(&bits, &v, 4);
    int e2 = (int)((bits >> 23) & 0xff) - 127;
    return (e2 * 78913) >> 18; /* arithmetic shift: floor for negatives too */
}

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* Write the 9 digits of m (10^8 <= m < 10^9), two at a time from a table. */
static void put_digits(char *dst, uint32_t m)
{
    dst[0] = (char)('0' + m / 100000000u);
    uint32_t r = m % 100000000u;
    memcpy(dst + 1, digit_pairs + 2 * (r / 1000000u), 2);
    memcpy(dst + 3, digit_pairs + 2 * (r / 10000u % 100u), 2);
    memcpy(dst + 5, digit_pairs + 2 * (r / 100u % 100u), 2);
    memcpy(dst + 7, digit_pairs + 2 * (r % 100u), 2);
}

/* d × 10^k for 0 <= k <= 22, exact power of ten. */
static double scale10(double d, int k)
{
    return d * pow10_tab[k];
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

/* "0.000ddddddddd" for 10^-5 <= value < 1, written with fixed-size copies
 * (no library calls), then trimmed of trailing zeros. */
static size_t layout_fraction(char *p, uint32_t m, int e10)
{
    memcpy(p, "0.0000", 6);
    char *q = p + 2 + (-e10 - 1);
    put_digits(q, m);
    q += 9;
    while (q[-1] == '0')
        q--;
    return (size_t)(q - p);
}

/* Inlined into both entry points: in fmt_f32_list's loop that saves the
 * call and lets the compiler interleave neighbouring floats (~10 % faster). */
static inline __attribute__((always_inline)) size_t format_one(char *dst, float v)
{
    if (!isfinite(v) || v == 0.0f) {
        memcpy(dst, "0.0", 3);
        return 3;
    }
    /* The sign without a branch: a vector's component signs are a coin
     * toss, which a branch predictor loses half the time (~20 % of this
     * function's time on varied texts). The '-' is always written and
     * overwritten by the first digit when the value is positive. */
    int neg = signbit(v) != 0;
    *dst = '-';
    char *p = dst + neg;
    v = fabsf(v);
    double d = v; /* exact: every float is a double */
    if (d < 1e-9 || d >= 1e9) /* far outside unit vectors: rare, keep it simple */
        return (size_t)(p - dst) + (size_t)sprintf(p, "%.9g", d);
    int e10 = dec_exponent_estimate(v);
    /* Scale to a 9-digit integer. A float times an exact power of ten is off
     * by at most one double ulp, far below the half-unit of the 9th digit
     * that round-tripping needs. */
    double scaled = scale10(d, 8 - e10);
    if (scaled >= 999999999.5) { /* the estimate was one low */
        e10++;
        scaled = scale10(d, 8 - e10);
    } else if (scaled < 99999999.5 && e10 > -9) { /* or one high */
        e10--;
        scaled = scale10(d, 8 - e10);
    }
    uint32_t m = (uint32_t)(scaled + 0.5);
    if (m >= 1000000000u) { /* rounding carried into a 10th digit */
        m /= 10;
        e10++;
    }
    if (e10 < 0 && e10 >= -5) /* unit-vector components: the hot path */
        return (size_t)(p - dst) + layout_fraction(p, m, e10);
    char digits[9];
    put_digits(digits, m);
    int nd = 9;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    return (size_t)(p - dst) + layout(p, digits, nd, e10);
}

size_t fmt_f32(char *dst, float v)
{
    return format_one(dst, v);
}

size_t fmt_f32_list(char *dst, const float *v, size_t n)
{
    char *p = dst;
    for (size_t i = 0; i < n; i++) {
        p += format_one(p, v[i]);
        *p++ = ',';
    }
    return (size_t)(p - dst) - (n > 0);
}
