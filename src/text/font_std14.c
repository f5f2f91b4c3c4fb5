/* text/font_std14.c — advance widths of the standard 14 fonts for files that use them without
 * /Widths (ISO 32000-2 §9.6.2.2 allows it for PDF 1.4 and earlier), from Adobe's AFM files:
 * printable ASCII of Helvetica (also Arial) and Times-Roman; Courier is fixed-pitch. Other
 * styles use the metrics of their family's regular face, which is close enough for boxes. */
#include <string.h>

#include "font.h"

/* U+0020..U+007E, 1/1000 em */
static const short helvetica[95] = {
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333,  278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,  611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278,  556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,  500, 334, 260, 334, 584};
static const short times[95] = {
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
    556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
    722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
    278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541};

bool ks_font_std14_width(const char *name, uint32_t u, double *w)
{
    const short *t = NULL;
    if (strncmp(name, "Courier", 7) == 0) {
        *w = 600;
        return true;
    }
    if (strncmp(name, "Helvetica", 9) == 0 || strncmp(name, "Arial", 5) == 0)
        t = helvetica;
    else if (strncmp(name, "Times", 5) == 0)
        t = times;
    if (!t)
        return false;
    /* the typographic quotes of StandardEncoding's 0x27 and 0x60 */
    if (u == 0x2019 || u == 0x2018) {
        *w = t == helvetica ? 222 : 333;
        return true;
    }
    if (u < 0x20 || u > 0x7E)
        return false;
    *w = t[u - 0x20];
    return true;
}
