/* util/time.c — Vietnam time (UTC+07:00, no DST) in ISO 8601, PDF and label notation. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/util.h"

static void vn_tm(time_t t, struct tm *tm)
{
    time_t local = t + KS_VN_OFFSET_SEC;
    gmtime_r(&local, tm);
}

/* Copies a formatted time (always < 32 bytes for years 0..9999) into the caller's buffer. */
static void put32(char out[32], const char *tmp)
{
    size_t n = strlen(tmp);
    if (n > 31)
        n = 31;
    memcpy(out, tmp, n);
    out[n] = 0;
}

void ks_time_iso_vn(time_t t, char out[32])
{
    struct tm tm;
    vn_tm(t, &tm);
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    put32(out, tmp);
}

void ks_time_pdf_vn(time_t t, char out[32])
{
    struct tm tm;
    vn_tm(t, &tm);
    char tmp[128];
    snprintf(tmp, sizeof tmp, "D:%04d%02d%02d%02d%02d%02d+07'00'", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    put32(out, tmp);
}

void ks_time_label_vn(time_t t, char out[32])
{
    struct tm tm;
    vn_tm(t, &tm);
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%02d.%02d.%04d %02d:%02d:%02d +07:00", tm.tm_mday, tm.tm_mon + 1,
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    put32(out, tmp);
}

static int digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return 0;
        x = x * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return 1;
}

ks_status ks_time_parse(const char *s, time_t *out, ks_error *err)
{
    const char *p = s;
    int Y = 0, M = 1, D = 1, h = 0, m = 0, sec = 0, off = KS_VN_OFFSET_SEC;
    int pdf = 0;
    if (p[0] == 'D' && p[1] == ':') {
        pdf = 1;
        p += 2;
    }
    if (!digits(&p, 4, &Y))
        goto bad;
    if (pdf) {
        /* D:YYYYMMDDHHmmSSOHH'mm' with every part after the year optional */
        off = 0;
        if (digits(&p, 2, &M) && digits(&p, 2, &D) && digits(&p, 2, &h) && digits(&p, 2, &m))
            digits(&p, 2, &sec);
    } else {
        if (*p++ != '-' || !digits(&p, 2, &M) || *p++ != '-' || !digits(&p, 2, &D))
            goto bad;
        if (*p == 'T' || *p == ' ') {
            p++;
            if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &m))
                goto bad;
            if (*p == ':') {
                p++;
                if (!digits(&p, 2, &sec))
                    goto bad;
            }
            if (*p == '.')
                for (p++; isdigit((unsigned char)*p); p++)
                    ;
            off = 0;
        } else if (*p) {
            goto bad;
        }
    }
    if (*p == 'Z') {
        off = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh = 0, om = 0;
        p++;
        if (!digits(&p, 2, &oh))
            goto bad;
        if (*p == ':' || *p == '\'')
            p++;
        if (isdigit((unsigned char)*p) && !digits(&p, 2, &om))
            goto bad;
        if (*p == '\'')
            p++;
        off = sign * (oh * 3600 + om * 60);
    }
    if (*p)
        goto bad;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
        goto bad;
    struct tm tm = {0};
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec;
    *out = timegm(&tm) - off;
    return KS_OK;
bad:
    return ks_error_set(err, KS_E_USAGE,
                        N_("\"%s\" is not a valid time (expected ISO 8601, e.g. "
                           "2026-03-05T09:41:07+07:00)"),
                        s);
}

time_t ks_now(void)
{
    return time(NULL);
}
