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

/* One rule for every source: at most SECRET_MAX bytes, one line. A single trailing "\n" or
 * "\r\n" (what `echo` and editors add) is dropped; any other NUL, CR or LF is refused, never cut
 * at silently: a PIN cut at a NUL or a second line would lock a token or open the wrong key. */
#define SECRET_MAX 1024

static ks_status secret_take(const char *src, size_t n, char **out, ks_error *err)
{
    if (n > 0 && src[n - 1] == '\n') {
        n--;
        if (n > 0 && src[n - 1] == '\r')
            n--;
    }
    if (n > SECRET_MAX)
        return ks_error_set(err, KS_E_USAGE, N_("the PIN or password is longer than %d bytes"),
                            SECRET_MAX);
    for (size_t i = 0; i < n; i++) {
        if (src[i] == 0)
            return ks_error_set(err, KS_E_USAGE,
                                N_("the PIN or password contains a NUL byte (at byte %zu)"), i);
        if (src[i] == '\n' || src[i] == '\r')
            return ks_error_set(err, KS_E_USAGE,
                                N_("the PIN or password has more than one line (a line break at "
                                   "byte %zu)"),
                                i);
    }
    char *r = malloc(n + 1);
    if (!r)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    memcpy(r, src, n);
    r[n] = 0;
    *out = r;
    return KS_OK;
}

ks_status ks_secret_read(const char *pin_file, const char *pin_env, const char *prompt, char **out,
                         ks_error *err)
{
    *out = NULL;
    if (pin_file) {
        uint8_t *d = NULL;
        size_t n = 0;
        /* read well past the limit so that secret_take refuses with the same words as for
         * the environment; only a file far too large to be a secret stops here */
        ks_status st = ks_read_file(pin_file, 64 * SECRET_MAX, &d, &n, err);
        if (st != KS_OK)
            return st;
        st = secret_take((const char *)d, n, out, err);
        OPENSSL_cleanse(d, n);
        free(d);
        return st;
    }
    if (pin_env) {
        const char *v = getenv(pin_env);
        if (!v)
            return ks_error_set(err, KS_E_USAGE, N_("environment variable %s is not set"), pin_env);
        return secret_take(v, strlen(v), out, err);
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
    /* read up to the end of the line, keeping one byte more than the limit so that an
     * over-long answer is refused by the same rule instead of being cut */
    char line[SECRET_MAX + 2];
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || c == '\n' || c == '\r')
            break;
        if (n < SECRET_MAX + 1)
            line[n++] = c;
    }
    if (tty) {
        tcsetattr(fd, TCSAFLUSH, &old);
        if (write(fd, "\n", 1) < 0) {
        }
    }
    close(fd);
    ks_status st = secret_take(line, n, out, err);
    OPENSSL_cleanse(line, sizeof line);
    return st;
}

void ks_secret_free(char *s)
{
    if (!s)
        return;
    OPENSSL_cleanse(s, strlen(s));
    free(s);
}
