/* tests/test.c — helpers behind tests/test.h. */
#include "test.h"

#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kyso/util.h"

int ks_test_passed, ks_test_failed;

const char *ks_test_shared_opt(const char *rel)
{
    static char buf[4096];
    const char *s = getenv("KYSO_SHARED");
    snprintf(buf, sizeof buf, "%s/%s", s && *s ? s : KYSO_SOURCE_DIR "/../shared", rel);
    struct stat sb;
    if (stat(buf, &sb) != 0) {
        printf("note: %s is absent (../shared, KYSO_SHARED): that part is skipped\n", buf);
        return NULL;
    }
    return buf;
}

const char *ks_test_shared(const char *rel)
{
    const char *p = ks_test_shared_opt(rel);
    if (!p) {
        printf("SKIP: this test needs ../shared/%s (set KYSO_SHARED to the shared directory)\n",
               rel);
        fflush(stdout);
        exit(KS_TEST_SKIP);
    }
    return p;
}

const char *ks_test_sample(void)
{
    static char buf[4096];
    const char *b = getenv("KYSO_BUILD");
    snprintf(buf, sizeof buf, "%s/sample/qd.pdf", b && *b ? b : ".");
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "bash '%s/scripts/sample_pdf.sh' '%s'", KYSO_SOURCE_DIR, buf);
    if (system(cmd) != 0) {
        fprintf(stderr,
                "FAIL: scripts/sample_pdf.sh could not make %s (is soffice installed? "
                "scripts/deps.sh installs it)\n",
                buf);
        exit(1);
    }
    return buf;
}

const char *ks_test_tmpdir(const char *name)
{
    static char buf[4096];
    const char *b = getenv("KYSO_BUILD");
    snprintf(buf, sizeof buf, "%s/test-tmp/%s", b && *b ? b : ".", name);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", buf, buf);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot create %s\n", buf);
    return buf;
}

int ks_test_sh(char **out, const char *fmt, ...)
{
    char cmd[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    ks_buf b = KS_BUF_INIT;
    char tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, p)) > 0)
        ks_buf_append(&b, tmp, n);
    int rc = pclose(p);
    if (out) {
        if (!b.data)
            ks_buf_puts(&b, "");
        *out = (char *)ks_buf_steal(&b, NULL);
    } else {
        ks_buf_free(&b);
    }
    if (rc == -1)
        return -1;
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
}

int ks_test_done(void)
{
    printf("%d passed, %d failed\n", ks_test_passed, ks_test_failed);
    return ks_test_failed ? 1 : 0;
}
