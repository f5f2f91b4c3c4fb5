/* text/cmap.h — private CMaps (ISO 32000-2 §9.7.5, §9.10.3; Adobe TN 5014/5099): codespace
 * ranges that cut a string into character codes, code→CID maps (Identity-H/V or embedded) and
 * ToUnicode code→Unicode maps. */
#ifndef KYSO_PDF_CMAP_H
#define KYSO_PDF_CMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyso/error.h"

/* Limits for hostile CMaps (KS_E_LIMIT). */
#define KS_CMAP_MAX_ENTRIES (1u << 20) /* mapping entries after expansion of arrays */
#define KS_CMAP_MAX_UNICODE 64         /* code points a single code may map to */

typedef struct ks_cmap ks_cmap;

/* Parses a CMap file (embedded encoding CMap or ToUnicode). `usecmap` of Identity-H/V is
 * honoured; other predefined parents are ignored. Errors: KS_E_FORMAT, KS_E_LIMIT, KS_E_NOMEM. */
ks_status ks_cmap_parse(const uint8_t *data, size_t len, ks_cmap **out, ks_error *err);
/* Identity-H (vertical = false) or Identity-V: two-byte codes, CID = code. NULL on no memory. */
ks_cmap *ks_cmap_new_identity(bool vertical);
void ks_cmap_free(ks_cmap *cm);

/* Adds the mappings and codespaces of `parent` behind those of `cm` (usecmap). */
ks_status ks_cmap_use(ks_cmap *cm, const ks_cmap *parent, ks_error *err);

bool ks_cmap_vertical(const ks_cmap *cm);
/* Bytes of the codespace ranges (1-4); 0 when the CMap declares none. */
int ks_cmap_min_code_len(const ks_cmap *cm);

/* Reads one character code from `s` (len > 0) following the codespace ranges (§9.7.6.2).
 * Returns the number of bytes consumed (>= 1) and the code; when no range matches, consumes
 * the shortest codespace length (or 1 byte) and sets *matched false. */
size_t ks_cmap_next_code(const ks_cmap *cm, const uint8_t *s, size_t len, uint32_t *code,
                         bool *matched);
/* Code → CID. False when unmapped. */
bool ks_cmap_cid(const ks_cmap *cm, uint32_t code, uint32_t *cid);
/* Code → Unicode code points (at most `max`). Returns how many were written (0: unmapped). */
size_t ks_cmap_unicode(const ks_cmap *cm, uint32_t code, uint32_t *out, size_t max);
/* Number of mapping entries (for tests). */
size_t ks_cmap_entry_count(const ks_cmap *cm);

#endif
