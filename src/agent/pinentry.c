/* agent/pinentry.c — the consent dialog: GnuPG's pinentry programs (pinentry-gnome3,
 * pinentry-qt, pinentry-curses, pinentry-tty; pinentry-w32 on Windows) driven through the
 * Assuan protocol, so the dialog is the desktop's own and the PIN never passes through the
 * browser. Assuan: one command per line (at most 1000 bytes, %-escaped), answers OK / ERR /
 * D data / S status / # comment. */
#include <stdlib.h>
#include <string.h>

#include "agent.h"

#define ASSUAN_LINE_MAX 1000

/* Sends "CMD arg" with the argument %-escaped and cut (on a character boundary) to fit. */
static bool send_cmd(ka_child *c, const char *cmd, const char *arg)
{
    char line[ASSUAN_LINE_MAX + 2];
    size_t n = (size_t)snprintf(line, sizeof line, "%s", cmd);
    if (arg) {
        line[n++] = ' ';
        size_t alen = strlen(arg), i = 0;
        while (i < alen) {
            unsigned char ch = (unsigned char)arg[i];
            size_t l = ka_utf8_valid_prefix(arg + i, alen - i < 4 ? alen - i : 4);
            if (l == 0)
                l = 1;
            /* The first byte decides how long its character is; a broken one is dropped. */
            size_t clen = ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
            bool esc = ch == '%' || ch == '\r' || ch == '\n';
            size_t need = esc ? 3 : clen;
            if (n + need > ASSUAN_LINE_MAX - 1)
                break;
            if (esc) {
                n += (size_t)snprintf(line + n, 4, "%%%02X", ch);
            } else if (l >= clen) {
                memcpy(line + n, arg + i, clen);
                n += clen;
            }
            i += l >= clen ? clen : 1;
        }
    }
    line[n++] = '\n';
    bool ok = ka_child_write(c, line, n);
    ka_wipe(line, sizeof line);
    return ok;
}

static int hexv(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    return -1;
}

/* Reads the answer to a command. Returns 1 for OK, 0 for ERR (code in *err_code), -1 when the
 * child broke the protocol or went away. "D" lines are %-decoded into data (if given). */
static int read_answer(ka_child *c, char *data, size_t cap, unsigned long *err_code)
{
    char line[ASSUAN_LINE_MAX + 8];
    size_t dlen = 0;
    int rc = -1;
    for (;;) {
        if (!ka_child_readline(c, line, sizeof line))
            break;
        if (strncmp(line, "OK", 2) == 0 && (line[2] == 0 || line[2] == ' ')) {
            rc = 1;
            break;
        }
        if (strncmp(line, "ERR ", 4) == 0) {
            *err_code = strtoul(line + 4, NULL, 10);
            rc = 0;
            break;
        }
        if (strncmp(line, "D ", 2) == 0 && data) {
            for (const char *s = line + 2; *s; s++) {
                int ch = (unsigned char)*s;
                if (ch == '%' && hexv(s[1]) >= 0 && hexv(s[2]) >= 0) {
                    ch = hexv(s[1]) * 16 + hexv(s[2]);
                    s += 2;
                }
                if (dlen + 1 >= cap)
                    goto out; /* a PIN longer than our buffer: refuse rather than cut */
                data[dlen++] = (char)ch;
            }
            data[dlen] = 0;
            continue;
        }
        if (line[0] == 'S' || line[0] == '#')
            continue;
        break; /* INQUIRE or anything else: not part of this dialog */
    }
out:
    ka_wipe(line, sizeof line);
    return rc;
}

/* GPG_ERR_CANCELED (99) and GPG_ERR_NOT_CONFIRMED (114) in the low 16 bits of the code. */
static bool is_cancel(unsigned long code)
{
    unsigned long c = code & 0xFFFF;
    return c == 99 || c == 114;
}

bool ka_dialog_run(const ka_config *cfg, const ka_dialog *d, char *pin, size_t pin_cap, ka_err *e)
{
    ka_child *c = ka_spawn(cfg->pinentry, e);
    if (!c)
        return false;
    bool ok = false;
    unsigned long code = 0;
    if (read_answer(c, NULL, 0, &code) != 1) {
        ka_fail(e, "dialog-failed", N_("the PIN dialog \"%s\" did not start"), cfg->pinentry);
        goto done;
    }
    /* Options a pinentry may not know are answered with ERR and ignored: UTF-8 text for the
     * terminal pinentries, and the terminal itself when the agent was started from one. */
    const char *tty = ka_tty_name();
    char opt[600];
    send_cmd(c, "OPTION", "lc-ctype=C.UTF-8");
    if (read_answer(c, NULL, 0, &code) < 0)
        goto broken;
    if (tty) {
        snprintf(opt, sizeof opt, "ttyname=%s", tty);
        send_cmd(c, "OPTION", opt);
        if (read_answer(c, NULL, 0, &code) < 0)
            goto broken;
        const char *term = getenv("TERM");
        snprintf(opt, sizeof opt, "ttytype=%s", term && *term ? term : "vt100");
        send_cmd(c, "OPTION", opt);
        if (read_answer(c, NULL, 0, &code) < 0)
            goto broken;
    }
    struct {
        const char *cmd, *arg;
    } steps[] = {
        {"SETTITLE", d->title},
        {"SETDESC", d->desc},
        {"SETPROMPT", d->prompt},
        {"SETOK", ka_tr(N_("Sign"), e->en)},
        {"SETCANCEL", ka_tr(N_("Cancel"), e->en)},
        {"SETERROR", d->error},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (!steps[i].arg)
            continue;
        if (!send_cmd(c, steps[i].cmd, steps[i].arg) || read_answer(c, NULL, 0, &code) != 1) {
            ka_fail(e, "dialog-failed", N_("the PIN dialog \"%s\" refused %s"), cfg->pinentry,
                    steps[i].cmd);
            goto done;
        }
    }
    if (pin && pin_cap)
        pin[0] = 0;
    int rc;
    if (d->want_pin)
        rc = send_cmd(c, "GETPIN", NULL) ? read_answer(c, pin, pin_cap, &code) : -1;
    else
        rc = send_cmd(c, "CONFIRM", NULL) ? read_answer(c, NULL, 0, &code) : -1;
    if (rc == 1 && d->want_pin && (!pin || !pin[0])) {
        ka_fail(e, "user-cancelled", N_("no PIN was entered"));
    } else if (rc == 1) {
        ok = true;
    } else if (rc == 0 && is_cancel(code)) {
        ka_fail(e, "user-cancelled", N_("the person cancelled in the dialog"));
    } else {
        ka_fail(e, "dialog-failed", N_("the PIN dialog \"%s\" failed"), cfg->pinentry);
    }
    if (send_cmd(c, "BYE", NULL))
        read_answer(c, NULL, 0, &code); /* "OK closing connection": the child is leaving */
    goto done;
broken:
    ka_fail(e, "dialog-failed", N_("the PIN dialog \"%s\" failed"), cfg->pinentry);
done:
    ka_child_close(c);
    if (!ok && pin && pin_cap)
        ka_wipe(pin, pin_cap);
    return ok;
}
