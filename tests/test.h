/* tests/test.h — the small assertion kit of kyso's C tests. Each test program prints
 * "N passed, N failed" and exits non-zero when anything failed. */
#ifndef KYSO_TEST_H
#define KYSO_TEST_H

#include <stdio.h>
#include <string.h>

extern int ks_test_passed, ks_test_failed;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            ks_test_passed++;                                                                      \
        } else {                                                                                   \
            ks_test_failed++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (cond) {                                                                                \
            ks_test_passed++;                                                                      \
        } else {                                                                                   \
            ks_test_failed++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b) CHECK_MSG(strcmp((a), (b)) == 0, "\"%s\" != \"%s\"", (a), (b))

/* Exit status CTest reports as "skipped" (SKIP_RETURN_CODE in tests/CMakeLists.txt). */
#define KS_TEST_SKIP 77
/* Path under ../shared (KYSO_SHARED). Static buffer, valid until the next call. When it does
 * not exist (a clone without ../shared) the test ends as skipped (exit KS_TEST_SKIP). */
const char *ks_test_shared(const char *rel);
/* The same, but NULL (with a note) when absent: for a test that runs without that part. */
const char *ks_test_shared_opt(const char *rel);
/* The project's own sample decision (docs/sample/quyet-dinh.fodt made into a PDF by
 * scripts/sample_pdf.sh under $KYSO_BUILD/sample). Ends the test as failed when it cannot be
 * made (LibreOffice missing). Static buffer. */
const char *ks_test_sample(void);
/* A fresh directory under the build tree for this test's files. */
const char *ks_test_tmpdir(const char *name);
/* Runs a shell command; returns its exit status (-1 if it could not run). Output, when `out`
 * is given, is captured (malloc'd, NUL-terminated). */
int ks_test_sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the summary line and returns the exit status for main. */
int ks_test_done(void);

#endif
