/* util/secret.c — PINs and passwords from a file, the environment or a no-echo prompt;
 * never from argv, never logged, wiped after use. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "kyso/util.h"

#define SECRET_MAX 1024

static char *dup_line(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] != '\n' && s[k] != '\r')
        k++;
    char *r = malloc(k + 1);
    if (r) {
        memcpy(r, s, k);
        r[k] = 0;
    }
    return r;
}

ks_status ks_secret_read(const char *pin_file, const char *pin_env, const char *prompt, char **out,
                         ks_error *err)
{
    *out = NULL;
    if (pin_file) {
        uint8_t *d = NULL;
        size_t n = 0;
        ks_status st = ks_read_file(pin_file, SECRET_MAX, &d, &n, err);
        if (st != KS_OK)
            return st;
        *out = dup_line((const char *)d, n);
        OPENSSL_cleanse(d, n);
        free(d);
        return *out ? KS_OK : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    if (pin_env) {
        const char *v = getenv(pin_env);
        if (!v)
            return ks_error_set(err, KS_E_USAGE, N_("environment variable %s is not set"), pin_env);
        *out = dup_line(v, strlen(v));
        return *out ? KS_OK : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return ks_error_set(err, KS_E_USAGE,
                            N_("a PIN or password is needed: none was given in a file or an "
                               "environment variable, and there is no terminal to ask on"));
    struct termios old, noecho;
    bool tty = tcgetattr(fd, &old) == 0;
    if (tty) {
        noecho = old;
        noecho.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        tcsetattr(fd, TCSAFLUSH, &noecho);
    }
    if (prompt && write(fd, prompt, strlen(prompt)) < 0) {
        /* the prompt is a courtesy; reading still works */
    }
    char line[SECRET_MAX];
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || c == '\n' || c == '\r')
            break;
        if (n + 1 < sizeof line)
            line[n++] = c;
    }
    line[n] = 0;
    if (tty) {
        tcsetattr(fd, TCSAFLUSH, &old);
        if (write(fd, "\n", 1) < 0) {
        }
    }
    close(fd);
    *out = strdup(line);
    OPENSSL_cleanse(line, sizeof line);
    return *out ? KS_OK : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
}

void ks_secret_free(char *s)
{
    if (!s)
        return;
    OPENSSL_cleanse(s, strlen(s));
    free(s);
}
