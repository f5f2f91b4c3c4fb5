/* server/office.h — what an uploaded word-processing file really is, before LibreOffice sees
 * it (office_probe.c): a DOCX (Office Open XML) or an ODT (OpenDocument text), checked by its
 * bytes rather than its name; password-protected ones (an encrypted DOCX is an OLE compound file
 * holding an "EncryptedPackage"; an encrypted ODT lists encryption-data in its manifest) and
 * files that are something else are named. Bounded: at most KYSOD_OFFICE_MAX_ENTRIES central
 * directory entries and a manifest of at most 1 MiB. */
#ifndef KYSOD_OFFICE_H
#define KYSOD_OFFICE_H

#include <stddef.h>
#include <stdint.h>

#define KYSOD_OFFICE_MAX_ENTRIES 20000

typedef enum kysod_office_kind { KYSOD_DOCX = 0, KYSOD_ODT = 1 } kysod_office_kind;

typedef enum kysod_office_verdict {
    KYSOD_OFFICE_OK = 0,
    KYSOD_OFFICE_WRONG_TYPE, /* another kind of file: *what names it */
    KYSOD_OFFICE_ENCRYPTED,  /* password-protected */
    KYSOD_OFFICE_DAMAGED,    /* a ZIP whose directory is broken */
} kysod_office_verdict;

/* `what` (static English, never NULL) says what the file was found to be. */
kysod_office_verdict kysod_office_probe(const uint8_t *data, size_t len, kysod_office_kind expect,
                                        const char **what);

#endif
