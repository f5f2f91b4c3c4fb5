/* text/text_math.h — the few floating-point helpers the text extractor needs, written here so
 * that kyso_pdf does not depend on libm (the module links no math library). */
#ifndef KYSO_PDF_TEXT_MATH_H
#define KYSO_PDF_TEXT_MATH_H

#include <stdint.h>
#include <string.h>

static inline double ks_tabs(double x)
{
    return x < 0 ? -x : x;
}
static inline double ks_tmin(double a, double b)
{
    return a < b ? a : b;
}
static inline double ks_tmax(double a, double b)
{
    return a > b ? a : b;
}
static inline int ks_tfinite(double x)
{
    return x == x && x - x == 0; /* false for NaN and ±inf */
}

/* Square root of a finite x >= 0 (0 otherwise): bit-level first guess, then Newton steps. */
static inline double ks_tsqrt(double x)
{
    if (!(x > 0) || !ks_tfinite(x))
        return 0;
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    b = (b >> 1) + ((uint64_t)0x1FF8 << 48);
    double r;
    memcpy(&r, &b, sizeof r);
    for (int i = 0; i < 6; i++)
        r = 0.5 * (r + x / r);
    return r;
}

static inline double ks_thypot(double a, double b)
{
    return ks_tsqrt(a * a + b * b);
}

#endif
