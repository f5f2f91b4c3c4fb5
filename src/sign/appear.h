/* sign/appear.h — visible signature appearances (requirements.md §4.1–4.4): the provider that
 * ks_sign_prepare calls through ks_sign_opts.appearance, and the pure layout helpers behind it
 * (visible page frame, signature block search, placement rules, document number check).
 *
 * All layout is computed in the *visible frame* of a page: the CropBox turned by /Rotate as a
 * reader shows it, origin bottom left, y up, in points. Results are turned back into default
 * user space for the widget /Rect; the appearance stream's /Matrix turns its content so that it
 * reads upright. */
#ifndef KYSO_SIGN_APPEAR_H
#define KYSO_SIGN_APPEAR_H

#include <stdbool.h>
#include <stddef.h>

#include "kyso/text.h"
#include "kyso/sign.h"

/* Extra options of the provider, passed as ks_sign_opts.appearance_user (may be NULL). */
typedef struct ks_appear_extra {
    bool time_label; /* --time-style label: "05.03.2026 09:41:07 +07:00" instead of ISO 8601 */
} ks_appear_extra;

/* The appearance provider: lays out and adds the appearance of opts->kind (personal,
 * organization, copy, attachment) to app->update and fills app->page, rect, ap_normal. An
 * invisible kind returns KS_OK leaving `app` as it is. Errors name what was searched for or
 * which option is wrong (KS_E_USAGE), or come from the PDF layer. */
ks_status ks_sign_appear(void *user, ks_sign_appearance *app, ks_error *err);

/* ---- visible frame ---- */
typedef struct ks_appear_frame {
    ks_pdf_rect crop;     /* user space */
    int rotate;           /* 0, 90, 180, 270 (clockwise, as /Rotate) */
    double width, height; /* visible size */
} ks_appear_frame;

void ks_appear_frame_init(ks_appear_frame *f, const ks_pdf_rect *crop, int rotate);
/* Converts a rectangle between default user space and the visible frame. */
ks_pdf_rect ks_appear_to_user(const ks_appear_frame *f, ks_pdf_rect visible);
ks_pdf_rect ks_appear_to_visible(const ks_appear_frame *f, ks_pdf_rect user);
/* The form XObject /Matrix that shows upright content drawn in visible orientation. */
void ks_appear_matrix(const ks_appear_frame *f, double m[6]);

/* ---- the signature block: title line(s) and name line ---- */
typedef struct ks_appear_block {
    ks_pdf_rect title;  /* lowest title line (visible frame) */
    ks_pdf_rect name;   /* name line (visible frame) */
    ks_pdf_rect column; /* union of the block's lines from the matched title line down */
} ks_appear_block;

/* Folded text without an authority prefix ("kt. ", "tm. ", "tl. ", "tuq. ", "q. "):
 * points into `folded`. */
const char *ks_appear_strip_authority(const char *folded);

/* Looks for the block of `title` and `name` (UTF-8, any case or spacing) among the text lines
 * of one page (`lines` in user space, converted with `fr`). The name line is the lowest line
 * containing the name that has a matching title line above it in the same column; the title
 * matches a line equal to it after authority prefixes are removed (or containing it). True when
 * found. */
bool ks_appear_find_block(const ks_pdf_text_line *lines, size_t n, const ks_appear_frame *fr,
                          const char *title, const char *name, ks_appear_block *out);

/* ---- placement rules ---- */
/* The personal image (aspect img_w:img_h) fitted into the gap between the title line's bottom
 * and the name line's top, with a small margin, centred on the block column (§4.1). */
ks_pdf_rect ks_appear_place_personal(const ks_appear_block *b, double img_w, double img_h);
/* The seal of seal_w × seal_h points: right edge at one third of the personal image's width
 * from its left edge, vertically centred on it (§4.2). */
ks_pdf_rect ks_appear_place_seal(ks_pdf_rect personal, double seal_w, double seal_h);
/* A text block of w × h points at the top right of the visible page, inside the margins
 * (right 15 mm, top 7 mm: within the 20 mm top margin for three lines) (§4.3, §4.4). */
ks_pdf_rect ks_appear_place_corner(const ks_appear_frame *f, double w, double h);

/* ---- text ---- */
/* True when `s` is a document number and symbol as requirements.md §4.5 validates it:
 * ^[0-9]{2,}/[A-ZĐ][A-Za-zĐđ]*(-[A-ZĐ0-9][A-Za-zĐđ0-9]*)+$ */
bool ks_appear_docnum_valid(const char *s);

/* ---- PDF side (appear_form.c, appear_widget.c) ---- */
/* Adds a form XObject (ISO 32000-2 §8.10) with /BBox [0 0 w h], /Matrix `m`, `resources` and
 * the Flate-compressed `content` to `u`; returns its object number. */
ks_status ks_appear_put_form(ks_pdf_update *u, ks_arena *a, double w, double h, const double m[6],
                             ks_pdf_obj *resources, const ks_buf *content, uint32_t *num,
                             ks_error *err);

/* The widget of the last signed signature field that is visible (non-zero /Rect): its page
 * and /Rect in user space. *found is false when the file has none. The last one is the one
 * whose /V was added in the latest revision (then the later one in field order). */
ks_status ks_appear_last_signature(ks_pdf_doc *doc, size_t *page, ks_pdf_rect *rect, bool *found,
                                   ks_error *err);

#endif
