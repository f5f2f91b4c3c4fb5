/* Unit tests of util/dynlib.c: a library loaded on first use, from several threads at once, and
 * the messages when the library or one of its functions is missing. zlib stands in for the
 * optional libraries: it is always installed and its functions are easy to call. */
#include <pthread.h>
#include <string.h>

#include <zlib.h>

#include "dynlib.h"
#include "test.h"

#define ZLIB_SYMBOLS(X) X(zlibVersion) X(compressBound)
KS_DL_DECLARE(t_zlib, ZLIB_SYMBOLS);
KS_DL_DEFINE(t_zlib, ZLIB_SYMBOLS, "libz.so.1");

/* One function belongs to one table (its slot index is named after it). */
#define ABSENT_LIB_SYMBOLS(X) X(zlibCompileFlags)
KS_DL_DECLARE(t_absent_lib, ABSENT_LIB_SYMBOLS);
KS_DL_DEFINE(t_absent_lib, ABSENT_LIB_SYMBOLS, "libz.so.1", "libkyso-no-such-library.so.0");

#define ABSENT_FN_SYMBOLS(X) X(crc32) X(ks_no_such_function)
KS_DL_DECLARE(t_absent_fn, ABSENT_FN_SYMBOLS);
KS_DL_DEFINE(t_absent_fn, ABSENT_FN_SYMBOLS, "libz.so.1");

static void *load_in_thread(void *arg)
{
    ks_error e;
    return ks_dl_load(&t_zlib, &e) == KS_OK ? arg : NULL;
}

static void test_load(void)
{
    /* Eight threads race for the first load; every one sees a complete table. */
    pthread_t th[8];
    int tags[8];
    for (int i = 0; i < 8; i++)
        CHECK(pthread_create(&th[i], NULL, load_in_thread, &tags[i]) == 0);
    for (int i = 0; i < 8; i++) {
        void *r = NULL;
        CHECK(pthread_join(th[i], &r) == 0);
        CHECK(r == &tags[i]);
    }
    CHECK(ks_dl_load(&t_zlib, NULL) == KS_OK);
    CHECK_STR(KS_DL_FN(t_zlib, zlibVersion)(), zlibVersion());
    CHECK(KS_DL_FN(t_zlib, compressBound)(1000) == compressBound(1000));
}

static void test_missing(void)
{
    ks_error e;
    CHECK(ks_dl_load(&t_absent_lib, &e) == KS_E_IO);
    CHECK_MSG(strstr(e.msg_en, "cannot load library libkyso-no-such-library.so.0: ") != NULL, "%s",
              e.msg_en);
    /* Not cached as loaded: the next call fails the same way. */
    CHECK(ks_dl_load(&t_absent_lib, &e) == KS_E_IO);

    CHECK(ks_dl_load(&t_absent_fn, &e) == KS_E_IO);
    CHECK_STR(e.msg_en, "library libz.so.1 has no function ks_no_such_function");
    CHECK(ks_dl_load(&t_absent_fn, NULL) == KS_E_IO);
}

int main(void)
{
    test_load();
    test_missing();
    return ks_test_done();
}
