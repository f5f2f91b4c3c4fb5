/* store/blob.h — a content-addressed store of files: each file is named by the hex SHA-256 of
 * its bytes in one directory, written once through a temporary file and rename (never
 * rewritten), and checked against its name when read back. */
#ifndef KYSO_STORE_BLOB_H
#define KYSO_STORE_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "kyso/error.h"

/* Stores `data` under `dir` (created if missing); `hex` receives its SHA-256. Storing bytes that
 * are there already is a no-op. */
ks_status ks_blob_put(const char *dir, const uint8_t *data, size_t len, char hex[65],
                      ks_error *err);
/* Reads the blob `hex` (malloc'd into *out); KS_E_FORMAT when the bytes no longer match their
 * name, KS_E_IO when it is missing, KS_E_USAGE for a name that is not 64 hex digits. */
ks_status ks_blob_get(const char *dir, const char *hex, uint8_t **out, size_t *len, ks_error *err);

#endif
