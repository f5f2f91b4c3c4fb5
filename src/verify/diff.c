/* verify/diff.c — the driver of the difference analysis: for a signature that covers revision
 * r, every object that a later revision (re)defines is compared with revision r through each
 * revision's own view and handed to the judges (diff_judge.c), which decide by the role it had
 * when signed (diff_roles.c); then the verdict and the summary messages are set. */
#include <stdlib.h>
#include <string.h>

#include "diff.h"

#define KS_VF_MAX_CHANGES 512       /* changes listed per signature (the rest are counted) */
#define KS_VF_MAX_GEN_TRY 8         /* generations tried when looking an object up by number */
#define KS_VF_MAX_DEEP_REFS 1000000 /* references followed by equality checks per revision */

/* Loads object `num` of view `d` whatever its generation. */
ks_pdf_obj *ks_vf_get_any(ks_pdf_doc *d, uint32_t num, uint16_t *gen)
{
    *gen = 0;
    if (ks_pdf_object_revision(d, num) < 0)
        return NULL;
    for (uint16_t g = 0; g < KS_VF_MAX_GEN_TRY; g++) {
        ks_pdf_obj *o = NULL;
        if (ks_pdf_get(d, num, g, &o, NULL) == KS_OK && o && o->type != KS_PDF_NULL) {
            *gen = g;
            return o;
        }
    }
    return NULL;
}

/* Counts a change and says whether it is still listed (the list is capped). */
static bool admit(ks_vf_diff_run *x, bool allowed)
{
    if (!allowed)
        x->disallowed++;
    if (x->listed >= KS_VF_MAX_CHANGES) {
        x->skipped++;
        return false;
    }
    x->listed++;
    return true;
}

void ks_vf_note(ks_vf_diff_run *x, uint32_t num, uint16_t gen, bool allowed, const char *fmt,
                unsigned page)
{
    /* Every msgid given here takes the page number (0 when none is meaningful, then unused). */
    if (admit(x, allowed))
        ks_vf_change(x->s, x->k1, num, gen, allowed, fmt, page);
}

void ks_vf_note_s(ks_vf_diff_run *x, uint32_t num, uint16_t gen, bool allowed, const char *fmt,
                  const char *arg)
{
    if (admit(x, allowed))
        ks_vf_change(x->s, x->k1, num, gen, allowed, fmt, arg);
}

/* After the signed revision an xref entry must point at its own object's header (ISO 32000-2
 * §7.5.4): one that points at another object, or at no object at all, makes viewers show
 * whatever is there while a reader that searches for the header shows something else (an
 * xref-only "hide" shadow attack). No recovery runs there (ks_pdf_limit_recovery): the entry
 * itself is the change. Returns true when the entry was reported. */
static bool judge_entry(ks_vf_diff_run *x, uint32_t num, uint64_t signed_end)
{
    ks_pdf_entry_info e;
    ks_pdf_entry(x->dk, num, &e);
    if (e.kind == 2) {
        /* an object stream entry must find this object at its index (§7.5.7) */
        ks_pdf_obj *o = NULL;
        if (ks_pdf_get(x->dk, num, 0, &o, NULL) == KS_OK)
            return false;
        if (admit(x, false))
            ks_vf_change(x->s, x->k1, num, 0, false,
                         N_("the cross-reference entry of this object points into object stream "
                            "%llu, where this object is not found"),
                         (unsigned long long)e.offset);
        return true;
    }
    if (e.kind != 1 || e.header_ok)
        return false;
    bool inside = e.offset < signed_end;
    if (!inside && !e.other_header) {
        /* the plain slip ks_xref_relocate forgives: listed, and the object judged as usual */
        uint16_t g;
        ks_vf_get_any(x->dk, num, &g);
        ks_pdf_entry(x->dk, num, &e);
        if (e.relocated) {
            ks_vf_note(x, num, e.gen, true,
                       N_("the cross-reference entry of this object misses its header; the "
                          "object was found by the only header with its number after the "
                          "signed part"),
                       0);
            return false;
        }
    }
    unsigned long long off = (unsigned long long)e.offset;
    if (!admit(x, false))
        return true;
    if (e.other_header)
        ks_vf_change(x->s, x->k1, num, e.gen, false,
                     inside ? N_("the cross-reference entry of this object points at byte "
                                 "offset %llu inside the signed part of the file, where object "
                                 "%u %u begins (a different object)")
                            : N_("the cross-reference entry of this object points at byte "
                                 "offset %llu, where object %u %u begins (a different object)"),
                     off, (unsigned)e.other_num, (unsigned)e.other_gen);
    else
        ks_vf_change(x->s, x->k1, num, e.gen, false,
                     inside ? N_("the cross-reference entry of this object points at byte "
                                 "offset %llu inside the signed part of the file, where no "
                                 "object begins")
                            : N_("the cross-reference entry of this object points at byte "
                                 "offset %llu, where no object begins"),
                     off);
    return true;
}

static ks_status diff_revision(ks_vf_diff_run *x, size_t rev, size_t k, uint32_t n, ks_error *err)
{
    ks_status st = ks_pdf_open_revision(x->c->doc, k, &x->dk, err);
    if (st != KS_OK)
        return st;
    x->k1 = (unsigned)k + 1;
    uint32_t *todo = NULL;
    const ks_pdf_revision *sr = ks_pdf_revision_at(x->c->doc, rev);
    uint64_t signed_end = sr ? sr->eof_end : 0;
    /* The entries first (x->same marks the faulty ones for now): a revision whose entries
     * point elsewhere may not even be readable. */
    memset(x->same, 0, n ? n : 1);
    size_t faults = 0;
    for (uint32_t num = 1; num < n; num++)
        if (ks_pdf_object_revision(x->dk, num) == (long)k && judge_entry(x, num, signed_end)) {
            x->same[num] = 1;
            faults++;
        }
    ks_error re;
    ks_error_clear(&re);
    if (ks_vf_roles_build(x->dk, n, &x->rk, &re) != KS_OK) {
        /* what the file shows from this revision on cannot be established: not allowed */
        if (!faults && admit(x, false))
            ks_vf_change(x->s, x->k1, 0, 0, false,
                         N_("the document as this revision leaves it cannot be read (%s)"),
                         re.msg_en);
        goto done;
    }
    ks_vf_judge_trailer(x);
    /* First pass: what is unchanged (also objects re-written with the same meaning under new
     * numbers, marked in x->same); second pass: judge the rest. */
    todo = malloc((size_t)(n ? n : 1) * sizeof *todo);
    size_t ntodo = 0;
    if (!todo) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    uint8_t *faulty = NULL;
    if (faults && !(faulty = malloc(n ? n : 1))) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    if (faulty)
        memcpy(faulty, x->same, n ? n : 1);
    memset(x->same, 0, n ? n : 1);
    size_t budget = KS_VF_MAX_DEEP_REFS;
    for (uint32_t num = 1; num < n; num++) {
        if (ks_pdf_object_revision(x->dk, num) != (long)k) {
            todo[ntodo++] = num; /* freed objects: judged below */
            continue;
        }
        if (faulty && faulty[num])
            continue; /* reported above */
        uint16_t gb = 0, ga = 0;
        ks_pdf_obj *b = ks_vf_get_any(x->dk, num, &gb);
        if (b && ks_vf_is_struct_stream(b))
            continue;
        ks_pdf_obj *a = ks_vf_get_any(x->dr, num, &ga);
        if (!b && (!a || x->rr.role[num] == KS_ROLE_NONE))
            continue; /* null or unreadable, and nothing at signing used it */
        if (a && b && ga == gb &&
            ks_vf_equal_deep(x->dr, a, x->dk, b, x->same, x->rr.role, n, &budget))
            continue; /* re-written unchanged */
        todo[ntodo++] = num;
    }
    for (size_t t = 0; t < ntodo; t++) {
        uint32_t num = todo[t];
        if (ks_pdf_object_revision(x->dk, num) != (long)k) {
            /* freed in revision k? */
            if (ks_pdf_object_revision(x->dk, num) < 0 && ks_pdf_object_revision(x->dr, num) >= 0 &&
                x->rr.role[num] != KS_ROLE_NONE) {
                ks_pdf_doc *prev = NULL;
                if (ks_pdf_open_revision(x->c->doc, k - 1, &prev, NULL) == KS_OK) {
                    if (ks_pdf_object_revision(prev, num) >= 0) {
                        uint16_t gen;
                        ks_pdf_obj *a = ks_vf_get_any(x->dr, num, &gen);
                        ks_vf_judge_changed(x, num, gen, a, NULL);
                    }
                    ks_pdf_close(prev);
                }
            }
            continue;
        }
        if (x->same[num])
            continue; /* a new object equal to the one it stands in for */
        uint16_t gb = 0, ga = 0;
        ks_pdf_obj *b = ks_vf_get_any(x->dk, num, &gb);
        ks_pdf_obj *a = ks_vf_get_any(x->dr, num, &ga);
        if (a && x->rr.role[num] != KS_ROLE_NONE)
            ks_vf_judge_changed(x, num, gb, a, b);
        else
            ks_vf_judge_new(x, num, gb, b, a != NULL);
    }
    free(faulty);
    ks_vf_check_shown(x, n, rev);
    ks_vf_check_removed(x);
done:
    free(todo);
    ks_vf_roles_free(&x->rk);
    ks_pdf_close(x->dk);
    x->dk = NULL;
    return st;
}

static const char *const k_modified =
    N_("The document was modified after signing in a way that is not allowed: %s (object %u "
       "%u, revision %u)");

ks_status ks_vf_diff(ks_vctx *c, ks_verify_sig *s, size_t rev, int docmdp_p, ks_pdf_obj *sd,
                     uint32_t sig_num, ks_error *err)
{
    ks_vf_diff_run x;
    memset(&x, 0, sizeof x);
    x.c = c;
    x.s = s;
    x.p = docmdp_p;
    uint32_t n = ks_pdf_xref_size(c->doc);
    /* no xref recovery after the (first) signed revision: a misplaced entry is a change */
    ks_pdf_limit_recovery(c->doc, rev);
    ks_status st = ks_pdf_open_revision(c->doc, rev, &x.dr, err);
    if (st != KS_OK)
        return st;
    x.shown = calloc(n ? n : 1, 1);
    x.same = calloc(n ? n : 1, 1);
    x.removed = calloc(n ? n : 1, 1);
    if (!x.shown || !x.same || !x.removed) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    if ((st = ks_vf_roles_build(x.dr, n, &x.rr, err)) != KS_OK)
        goto done;
    ks_vf_lock_read(&x, sd, sig_num);
    for (size_t k = rev + 1; k < c->nrev && st == KS_OK; k++)
        st = diff_revision(&x, rev, k, n, err);
    if (st != KS_OK)
        goto done;
    if (x.skipped)
        ks_vf_sig_msg(s, N_("%zu further changes after signing are not listed"), x.skipped);
    if (x.disallowed) {
        /* Name the first disallowed change in the verdict so that a clerk sees it at once. */
        for (size_t i = 0; i < s->nchanges; i++) {
            const ks_verify_change *ch = &s->changes[i];
            if (ch->allowed)
                continue;
            /* the description is a message of its own, rendered in the same language */
            ks_vf_sig_msg_change(s, k_modified, ch);
            break;
        }
        if (x.disallowed > 1)
            ks_vf_sig_msg(s, N_("%zu changes made after signing are not allowed in total"),
                          x.disallowed);
        ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_FORMAT_FAILURE);
    } else if (s->nchanges) {
        ks_vf_sig_msg(s, docmdp_p == 2   ? N_("Later revisions only add what this certified "
                                                "document may receive (signatures, timestamps, "
                                                "validation data, form filling)")
                         : docmdp_p == 3 ? N_("Later revisions only add what this certified "
                                              "document may receive (signatures, timestamps, "
                                              "validation data, form filling, annotations)")
                                         : N_("Later revisions only add what a signed document "
                                              "may receive (signatures, timestamps, validation "
                                              "data)"));
    }
done:
    free(x.shown);
    free(x.same);
    free(x.removed);
    ks_vf_lock_free(&x.lock);
    ks_vf_roles_free(&x.rr);
    ks_pdf_close(x.dr);
    return st;
}
