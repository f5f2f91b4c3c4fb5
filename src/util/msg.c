/* util/msg.c — late translation (bottom layer): a message keeps its msgid and a copy of its
 * printf arguments, and is formatted only when rendered, with the translation the caller picks.
 * The formatter walks the (translated) format one conversion at a time, so a catalogue may
 * reorder arguments with %n$ as gettext allows. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kyso/error.h"

const char KS_MSG_REST[] = "";

typedef struct spec {
    char flags[8];
    int width, prec; /* -1: absent; -2: '*' */
    int pos;         /* n$ (1-based), 0: next */
    char len[3];     /* "", "hh", "h", "l", "ll", "z", "j", "t", "L" */
    char conv;
    const char *end;
} spec;

/* Parses the conversion at p (just after '%'); false when it is not one we know. */
static bool parse_spec(const char *p, spec *s)
{
    memset(s, 0, sizeof *s);
    s->width = s->prec = -1;
    const char *q = p;
    int n = 0;
    while (*q >= '0' && *q <= '9' && n < 1000)
        n = n * 10 + (*q++ - '0');
    if (*q == '$' && n > 0) {
        s->pos = n;
        p = q + 1;
    }
    size_t nf = 0;
    while (*p && strchr("-+ #0'", *p) && nf < sizeof s->flags - 1)
        s->flags[nf++] = *p++;
    if (*p == '*') {
        s->width = -2;
        p++;
    } else if (*p >= '0' && *p <= '9') {
        s->width = 0;
        while (*p >= '0' && *p <= '9' && s->width < 10000)
            s->width = s->width * 10 + (*p++ - '0');
    }
    if (*p == '.') {
        p++;
        s->prec = 0;
        if (*p == '*') {
            s->prec = -2;
            p++;
        } else
            while (*p >= '0' && *p <= '9' && s->prec < 10000)
                s->prec = s->prec * 10 + (*p++ - '0');
    }
    if ((p[0] == 'h' && p[1] == 'h') || (p[0] == 'l' && p[1] == 'l')) {
        s->len[0] = p[0];
        s->len[1] = p[1];
        p += 2;
    } else if (*p && strchr("hlzjtL", *p)) {
        s->len[0] = *p++;
    }
    if (!*p || !strchr("diouxXcspfFeEgGaAn", *p))
        return false;
    s->conv = *p;
    s->end = p + 1;
    return true;
}

static char kind_of(const spec *s)
{
    switch (s->conv) {
    case 'd':
    case 'i':
    case 'c':
        return 'i';
    case 'o':
    case 'u':
    case 'x':
    case 'X':
        return 'u';
    case 's':
        return 's';
    case 'p':
        return 'p';
    case 'n':
        return 'n';
    default:
        return 'f';
    }
}

/* Copies string argument `v`; `prec` >= 0 bounds it as "%.*s" and "%.Ns" do (the argument
 * need not be NUL-terminated then: a token inside a PDF buffer). */
static void put_str(ks_msg *m, ks_msg_arg *a, const char *v, long prec)
{
    if (v == KS_MSG_REST) {
        a->kind = 'r';
        return;
    }
    if (!v)
        v = "(null)";
    size_t room = sizeof m->strs - m->slen, n = prec >= 0 ? strnlen(v, (size_t)prec) : strlen(v);
    a->v.s = m->slen;
    if (room == 0) {
        a->v.s = sizeof m->strs - 1;
        return;
    }
    if (n >= room)
        n = room - 1;
    memcpy(m->strs + m->slen, v, n);
    m->strs[m->slen + n] = 0;
    m->slen += n + 1;
}

static void msg_setv(ks_msg *m, const char *fmt, va_list ap)
{
    m->id = fmt;
    m->nargs = 0;
    m->slen = 0;
    m->strs[sizeof m->strs - 1] = 0;
    for (const char *p = fmt ? strchr(fmt, '%') : NULL; p; p = strchr(p, '%')) {
        spec s;
        if (p[1] == '%') {
            p += 2;
            continue;
        }
        if (!parse_spec(p + 1, &s))
            break; /* an unknown conversion: the English text is still right (msg_en) */
        p = s.end;
        long prec = s.prec >= 0 ? s.prec : -1;
        for (int star = 0; star < (s.width == -2) + (s.prec == -2); star++) {
            int v = va_arg(ap, int);
            if (m->nargs < KS_MSG_MAX_ARGS)
                m->args[m->nargs++] = (ks_msg_arg){.kind = 'i', .v.i = v};
            if (s.prec == -2 && star == (s.width == -2)) /* the precision's star comes last */
                prec = v >= 0 ? v : -1;
        }
        ks_msg_arg a = {.kind = kind_of(&s)};
        const char *l = s.len;
        switch (a.kind) {
        case 'i':
            if (!strcmp(l, "l"))
                a.v.i = va_arg(ap, long);
            else if (!strcmp(l, "ll"))
                a.v.i = va_arg(ap, long long);
            else if (!strcmp(l, "z"))
                a.v.i = (long long)va_arg(ap, size_t);
            else if (!strcmp(l, "j"))
                a.v.i = va_arg(ap, intmax_t);
            else if (!strcmp(l, "t"))
                a.v.i = va_arg(ap, ptrdiff_t);
            else
                a.v.i = va_arg(ap, int);
            break;
        case 'u':
            if (!strcmp(l, "l"))
                a.v.u = va_arg(ap, unsigned long);
            else if (!strcmp(l, "ll"))
                a.v.u = va_arg(ap, unsigned long long);
            else if (!strcmp(l, "z"))
                a.v.u = va_arg(ap, size_t);
            else if (!strcmp(l, "j"))
                a.v.u = va_arg(ap, uintmax_t);
            else if (!strcmp(l, "t"))
                a.v.u = (unsigned long long)va_arg(ap, ptrdiff_t);
            else
                a.v.u = va_arg(ap, unsigned);
            break;
        case 'f':
            a.v.f = !strcmp(l, "L") ? (double)va_arg(ap, long double) : va_arg(ap, double);
            break;
        case 's':
            put_str(m, &a, va_arg(ap, const char *), prec);
            break;
        case 'p':
            a.v.p = va_arg(ap, void *);
            break;
        case 'n':
            (void)va_arg(ap, int *);
            continue;
        }
        if (m->nargs < KS_MSG_MAX_ARGS)
            m->args[m->nargs++] = a;
    }
}

/* The rendering cursor: a bounded output that counts what it wanted. */
typedef struct out {
    char *p;
    size_t cap, len;
} out;

static void emit(out *o, const char *s, size_t n)
{
    if (o->len < o->cap) {
        size_t room = o->cap - 1 - o->len;
        memcpy(o->p + o->len, s, n < room ? n : room);
    }
    o->len += n;
    if (o->cap)
        o->p[o->len < o->cap - 1 ? o->len : o->cap - 1] = 0;
}

static void render_parts(const ks_text *t, unsigned from, ks_tr_fn tr, const void *arg, out *o);

/* Renders part `i` with format `fmt`; false when fmt does not fit the stored arguments. With
 * `dry` nothing is written (a check pass). */
static bool render_msg(const ks_text *t, unsigned i, const char *fmt, ks_tr_fn tr, const void *arg,
                       out *o, bool dry, bool *used_rest)
{
    const ks_msg *m = &t->parts[i];
    unsigned next = 0;
    const char *p = fmt;
    while (*p) {
        const char *pc = strchr(p, '%');
        if (!pc) {
            if (!dry)
                emit(o, p, strlen(p));
            break;
        }
        if (!dry)
            emit(o, p, (size_t)(pc - p));
        if (pc[1] == '%') {
            if (!dry)
                emit(o, "%", 1);
            p = pc + 2;
            continue;
        }
        spec s;
        if (!parse_spec(pc + 1, &s))
            return false;
        p = s.end;
        if (s.conv == 'n')
            continue;
        int width = s.width, prec = s.prec;
        if (width == -2 || prec == -2) {
            for (int k = 0; k < (width == -2) + (prec == -2); k++) {
                if (next >= m->nargs || m->args[next].kind != 'i')
                    return false;
                int v = (int)m->args[next++].v.i;
                if (k == 0 && width == -2)
                    width = v;
                else
                    prec = v;
            }
        }
        unsigned idx = s.pos ? (unsigned)s.pos - 1 : next++;
        if (idx >= m->nargs)
            return false;
        const ks_msg_arg *a = &m->args[idx];
        char k = kind_of(&s);
        if (a->kind == 'r' && k == 's') {
            if (!dry)
                render_parts(t, i + 1, tr, arg, o);
            *used_rest = true;
            continue;
        }
        if (a->kind != k)
            return false;
        if (dry)
            continue;
        char f[32], buf[512];
        int n = snprintf(f, sizeof f, "%%%s", s.flags);
        if (width >= 0)
            n += snprintf(f + n, sizeof f - (size_t)n, "%d", width);
        if (prec >= 0)
            n += snprintf(f + n, sizeof f - (size_t)n, ".%d", prec);
        const char *len = k == 'f' || k == 's' || k == 'p' ? "" : k == 'i' ? "ll" : "ll";
        if (s.conv == 'c')
            len = "";
        snprintf(f + n, sizeof f - (size_t)n, "%s%c", len, s.conv);
        int w = 0;
        switch (k) {
        case 'i':
            w = s.conv == 'c' ? snprintf(buf, sizeof buf, f, (int)a->v.i)
                              : snprintf(buf, sizeof buf, f, a->v.i);
            break;
        case 'u':
            w = snprintf(buf, sizeof buf, f, a->v.u);
            break;
        case 'f':
            w = snprintf(buf, sizeof buf, f, a->v.f);
            break;
        case 'p':
            w = snprintf(buf, sizeof buf, f, a->v.p);
            break;
        case 's': {
            const char *sv = m->strs + a->v.s;
            if (s.flags[0] == 0 && width < 0 && prec < 0) {
                emit(o, sv, strlen(sv));
                continue;
            }
            w = snprintf(buf, sizeof buf, f, sv);
            break;
        }
        }
        if (w > 0)
            emit(o, buf, (size_t)w < sizeof buf ? (size_t)w : sizeof buf - 1);
    }
    return true;
}

static void render_parts(const ks_text *t, unsigned from, ks_tr_fn tr, const void *arg, out *o)
{
    for (unsigned i = from; i < t->nparts; i++) {
        const char *id = t->parts[i].id ? t->parts[i].id : "";
        const char *fmt = tr && *id ? tr(arg, id) : id;
        bool rest = false;
        if (!fmt || (fmt != id && !render_msg(t, i, fmt, tr, arg, o, true, &rest)))
            fmt = id;
        rest = false;
        size_t before = o->len;
        if (!render_msg(t, i, fmt, tr, arg, o, false, &rest)) {
            o->len = before; /* arguments lost (more than KS_MSG_MAX_ARGS): show the msgid */
            if (o->cap)
                o->p[before < o->cap ? before : o->cap - 1] = 0;
            emit(o, id, strlen(id));
        }
        if (rest)
            return; /* the wrapped parts were shown in their place */
    }
}

size_t ks_text_render(const ks_text *t, ks_tr_fn tr, const void *tr_arg, char *buf, size_t cap)
{
    out o = {buf, cap, 0};
    if (cap)
        buf[0] = 0;
    if (t)
        render_parts(t, 0, tr, tr_arg, &o);
    return o.len;
}

void ks_text_setv(ks_text *t, const char *fmt, va_list ap)
{
    t->nparts = 1;
    msg_setv(&t->parts[0], fmt, ap);
}

void ks_text_set(ks_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ks_text_setv(t, fmt, ap);
    va_end(ap);
}

void ks_text_set_id(ks_text *t, const char *msgid)
{
    t->nparts = 1;
    t->parts[0].id = msgid;
    t->parts[0].nargs = 0;
    t->parts[0].slen = 0;
}

void ks_text_prefixv(ks_text *t, const char *fmt, va_list ap)
{
    unsigned keep = t->nparts < KS_TEXT_MAX_PARTS ? t->nparts : KS_TEXT_MAX_PARTS - 1;
    memmove(&t->parts[1], &t->parts[0], keep * sizeof t->parts[0]);
    t->nparts = keep + 1;
    msg_setv(&t->parts[0], fmt, ap);
}

void ks_text_wrap(ks_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ks_text_prefixv(t, fmt, ap);
    va_end(ap);
}
