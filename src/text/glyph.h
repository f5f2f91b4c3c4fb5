/* text/glyph.h — private glyph-name and simple-encoding tables for text extraction: Adobe Glyph
 * List names (a compact subset plus the algorithmic forms uniXXXX, uXXXX[XX], base letter +
 * accent names such as "ohornacute", ligatures "f_i" and ".suffix" variants) and the base
 * encodings of simple fonts (ISO 32000-2 Annex D). */
#ifndef KYSO_PDF_GLYPH_H
#define KYSO_PDF_GLYPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Maps a glyph name to Unicode code points (at most `max`, NFC-composed when it names a letter
 * with accents). Returns the number written, 0 when the name is unknown. */
size_t ks_glyph_to_unicode(const char *name, uint32_t *out, size_t max);

typedef enum ks_base_encoding {
    KS_ENC_STANDARD = 0,
    KS_ENC_WINANSI,
    KS_ENC_MACROMAN,
    KS_ENC_SYMBOL,
    KS_ENC_NONE, /* unknown: font's built-in encoding we cannot read */
} ks_base_encoding;

/* Looks up an encoding by its PDF name ("WinAnsiEncoding", ...). False when unknown. */
bool ks_encoding_by_name(const char *name, ks_base_encoding *out);
/* Unicode of `code` in base encoding `enc`; 0 when the code is undefined there. */
uint32_t ks_encoding_unicode(ks_base_encoding enc, uint8_t code);

/* Appends the UTF-8 form of `cp` to `out` (at least 4 bytes); returns the byte count. */
size_t ks_utf8_put(uint32_t cp, char *out);

#endif
