/* Numbers within minimum / maximum / exclusive bounds and multipleOf.
 * Each candidate is checked the way a JavaScript validator checks it
 * (x / multipleOf must be a whole double), since 0.1-style steps make
 * k * step miss by an ulp. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "oa_schema_int.h"

#define SPAN_DEFAULT 100.0
#define CANDIDATES 24

typedef struct range {
    double lo, hi, step;
    bool lo_ex, hi_ex, integer;
} range;

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static void bounds(const cJSON *f, range *r)
{
    const cJSON *min = get(f, "minimum"), *max = get(f, "maximum");
    const cJSON *xmin = get(f, "exclusiveMinimum"), *xmax = get(f, "exclusiveMaximum");
    const cJSON *step = get(f, "multipleOf");
    r->lo = cJSON_IsNumber(min) ? min->valuedouble : -INFINITY;
    r->hi = cJSON_IsNumber(max) ? max->valuedouble : INFINITY;
    r->lo_ex = cJSON_IsTrue(xmin); /* draft 4 booleans */
    r->hi_ex = cJSON_IsTrue(xmax);
    if (cJSON_IsNumber(xmin) && xmin->valuedouble >= r->lo)
        r->lo = xmin->valuedouble, r->lo_ex = true;
    if (cJSON_IsNumber(xmax) && xmax->valuedouble <= r->hi)
        r->hi = xmax->valuedouble, r->hi_ex = true;
    r->step = cJSON_IsNumber(step) && step->valuedouble > 0 ? step->valuedouble : 0;
}

static bool fits(const range *r, double v)
{
    if (!isfinite(v) || v < r->lo || v > r->hi || (r->lo_ex && v == r->lo) || (r->hi_ex && v == r->hi))
        return false;
    if (r->integer && v != floor(v))
        return false;
    if (r->step) {
        double q = v / r->step;
        if (!isfinite(q) || q != floor(q))
            return false;
    }
    return true;
}

/* Where to look when a side is open: near 0, within SPAN_DEFAULT. */
static void window(const range *r, double *lo, double *hi)
{
    *lo = r->lo, *hi = r->hi;
    if (isinf(*lo) && isinf(*hi))
        *lo = 0, *hi = SPAN_DEFAULT;
    else if (isinf(*lo))
        *lo = *hi > SPAN_DEFAULT ? 0 : *hi - SPAN_DEFAULT;
    else if (isinf(*hi))
        *hi = *lo < 0 ? 0 : *lo + SPAN_DEFAULT;
    if (*hi < *lo) /* e.g. maximum 5 with minimum 200 open above: keep the window non-empty */
        *hi = *lo;
}

/* The i-th candidate: a seeded point of the window, rounded to a step, to
 * a whole number or to cents; late candidates walk from the edges. */
static double candidate(sg *g, const range *r, int i)
{
    double lo, hi;
    window(r, &lo, &hi);
    double frac = (double)(sg_pick(g, 1000001)) / 1000000.0;
    double v = lo + frac * hi - frac * lo;
    if (i >= CANDIDATES / 2) /* from the edges inward */
        v = (i & 1) ? lo + (i - CANDIDATES / 2) * (r->step ? r->step : 1) : hi - (i - CANDIDATES / 2) * (r->step ? r->step : 1);
    if (r->step) { /* k * 0.1 can land an ulp off 1.8: the 12-digit rounding of it, if that still fits */
        double k = (i & 1) ? ceil(v / r->step) : floor(v / r->step);
        char t[40];
        snprintf(t, sizeof t, "%.12g", k * r->step);
        double shortv = strtod(t, NULL);
        return fits(r, shortv) ? shortv : k * r->step;
    }
    if (r->integer && i < CANDIDATES / 2 && hi - lo < 9e15) { /* every whole number of the window alike */
        double a = ceil(lo), b = floor(hi);
        return b >= a ? a + (double)sg_pick(g, (uint64_t)(b - a) + 1) : a;
    }
    if (r->integer || i % 3 == 2)
        return (i & 1) ? ceil(v) : floor(v);
    return round(v * 100.0) / 100.0;
}

static void print_number(sg *g, double v, bool integer)
{
    char t[40];
    if (v == 0)
        v = 0; /* no "-0" */
    if (integer && fabs(v) < 1e15)
        snprintf(t, sizeof t, "%.0f", v);
    else {
        snprintf(t, sizeof t, "%.15g", v);
        if (strtod(t, NULL) != v)
            snprintf(t, sizeof t, "%.17g", v);
    }
    if (!buf_puts(g->out, t))
        g->oom = true;
}

void sg_number(sg *g, const cJSON *f, bool integer)
{
    range r;
    bounds(f, &r);
    r.integer = integer;
    for (int i = 0; i < CANDIDATES; i++) {
        double v = candidate(g, &r, i);
        if (fits(&r, v)) {
            print_number(g, v, integer || v == floor(v));
            return;
        }
    }
    /* nothing fits (the bounds exclude every value): the nearest we know */
    print_number(g, fits(&r, 0) || isinf(r.lo) ? 0 : r.lo, integer);
}
