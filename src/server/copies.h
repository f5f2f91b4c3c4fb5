/* server/copies.h — what the copy files (api_copies*.c) share. */
#ifndef KYSOD_COPIES_H
#define KYSOD_COPIES_H

#include "server.h"

/* The label of the token with the agency's seal key assigned to the caller; 0 or 409 set. */
int copies_seal_label(kysod_req *r, int64_t agency, char label[256]);
/* Signs `in` as the copying agency `org` with the `copy` appearance of `form`; *out malloc'd. */
ks_status copies_sign(kysod_req *r, const char *label, const char *form, const char *org,
                      const char *reason, const uint8_t *in, size_t len, uint8_t **out,
                      size_t *out_len, ks_error *e);
#endif
