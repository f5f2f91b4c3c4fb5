/* Finds the signature block of requirements.md §4.1 on a page: the title line(s) (chức vụ, with
 * authority prefixes TM./KT./TL./TUQ./Q. of §4.7) and the name line (họ tên) below them, from
 * the text lines the PDF layer extracts. Matching is NFC, case and spacing tolerant. */
#include <stdlib.h>
#include <string.h>

#include "appear.h"
#include "kyso/util.h"

/* Maximum distance between a title line and the name line below it, in points (a block has a
 * few blank lines for the signature: never more than a third of an A4 page). */
#define BLOCK_MAX_GAP 280.0

const char *ks_appear_strip_authority(const char *s)
{
    static const char *const prefixes[] = {"tuq.", "tm.", "kt.", "tl.", "q."};
    for (;;) {
        bool again = false;
        for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
            size_t n = strlen(prefixes[i]);
            if (!strncmp(s, prefixes[i], n)) {
                s += n;
                while (*s == ' ')
                    s++;
                again = true;
            }
        }
        if (!again)
            return s;
    }
}

static double overlap(ks_pdf_rect a, ks_pdf_rect b)
{
    double lo = a.x0 > b.x0 ? a.x0 : b.x0, hi = a.x1 < b.x1 ? a.x1 : b.x1;
    return hi - lo;
}

/* Folded text (ks_utf8_fold) without any spaces, malloc'd: text extractors split words
 * differently (LibreOffice positions some Vietnamese letters on their own, which readers turn
 * into "CH Ủ T Ị CH"), so lines are compared without spaces. */
static char *fold_nospace(const char *s)
{
    char *f = s ? ks_utf8_fold(s, strlen(s)) : NULL;
    if (!f)
        return NULL;
    char *w = f;
    for (const char *r = f; *r; r++)
        if (*r != ' ')
            *w++ = *r;
    *w = 0;
    return f;
}

/* On spaceless folded text: 2: the line is the title (after authority prefixes); 1: it
 * contains the title, or it is the leading part of a longer title (a certificate title such as
 * "Phó Chủ tịch UBND tỉnh" over the line "PHÓ CHỦ TỊCH"); 0: no. */
static int title_score(const char *line, const char *title)
{
    const char *l = ks_appear_strip_authority(line);
    size_t n = strlen(l);
    if (!strcmp(l, title))
        return 2;
    if (strstr(line, title))
        return 1;
    return n >= 6 && !strncmp(title, l, n) ? 1 : 0;
}

bool ks_appear_find_block(const ks_pdf_text_line *lines, size_t n, const ks_appear_frame *fr,
                          const char *title, const char *name, ks_appear_block *out)
{
    bool found = false;
    char *ft = fold_nospace(title);
    char *fn = fold_nospace(name);
    char **fl = calloc(n ? n : 1, sizeof *fl);
    ks_pdf_rect *v = calloc(n ? n : 1, sizeof *v);
    if (!ft || !fn || !fl || !v || !*fn)
        goto done;
    const char *t = ks_appear_strip_authority(ft);
    if (!*t)
        goto done;
    for (size_t i = 0; i < n; i++) {
        fl[i] = fold_nospace(lines[i].text);
        v[i] = ks_appear_to_visible(fr, lines[i].box);
    }

    double best_name_y = 0;
    for (size_t i = 0; i < n; i++) {
        if (!fl[i] || !strstr(fl[i], fn))
            continue;
        if (found && v[i].y0 >= best_name_y)
            continue; /* a lower block wins */
        /* The title line: best score, then nearest above the name in the same column. */
        long tj = -1;
        int tscore = 0;
        double tdist = 0;
        for (size_t j = 0; j < n; j++) {
            if (j == i || !fl[j] || v[j].y0 < v[i].y1 - 1 || overlap(v[j], v[i]) <= 0)
                continue;
            double d = v[j].y0 - v[i].y1;
            int s = title_score(fl[j], t);
            if (s == 0 || d > BLOCK_MAX_GAP)
                continue;
            if (s > tscore || (s == tscore && d < tdist)) {
                tj = (long)j;
                tscore = s;
                tdist = d;
            }
        }
        if (tj < 0)
            continue;
        /* The lowest line of the title block: between the title line and the name, in the
         * column (e.g. "PHÓ CHỦ TỊCH" under a matched "KT. CHỦ TỊCH"). */
        size_t low = (size_t)tj;
        ks_pdf_rect col = v[tj];
        for (size_t k = 0; k < n; k++) {
            if (k == i || !fl[k] || v[k].y1 > v[tj].y1 + 0.5 || v[k].y0 < v[i].y1 - 1 ||
                overlap(v[k], v[tj]) <= 0)
                continue;
            if (v[k].y0 < v[low].y0)
                low = k;
            if (v[k].x0 < col.x0)
                col.x0 = v[k].x0;
            if (v[k].x1 > col.x1)
                col.x1 = v[k].x1;
        }
        if (v[i].x0 < col.x0)
            col.x0 = v[i].x0;
        if (v[i].x1 > col.x1)
            col.x1 = v[i].x1;
        col.y0 = v[i].y0;
        found = true;
        best_name_y = v[i].y0;
        out->title = v[low];
        out->name = v[i];
        out->column = col;
    }

done:
    if (fl)
        for (size_t i = 0; i < n; i++)
            free(fl[i]);
    free(fl);
    free(v);
    free(ft);
    free(fn);
    return found;
}
