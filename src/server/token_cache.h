/* server/token_cache.h — the server-side tokens' sessions a kysod node keeps open: one module
 * load, session and login per token label for the node's life, instead of a load, a session and
 * a login for every signature (bench/bench_workflow.sh measured that at an eighth of the issue
 * step). The PIN is still read for every request and must match the one the session opened
 * with; a token error retires the session (the next request opens a new one). */
#ifndef KYSOD_TOKEN_CACHE_H
#define KYSOD_TOKEN_CACHE_H

#include <stdbool.h>

#include "kyso/sign.h"

typedef struct kysod_token_cache kysod_token_cache;
typedef struct kysod_token_use kysod_token_use;

ks_status kysod_token_cache_new(kysod_token_cache **out, ks_error *err);
/* Closes every session; no signer may be in use. NULL is a no-op. */
void kysod_token_cache_free(kysod_token_cache *c);

/* A signer with the key of token `label` (its only key), through the node's session for that
 * label: opened now when there is none, or when `pin` differs from the PIN it was opened with
 * (the token then checks the new one). The signer (key handle and certificate, found once) is
 * the cache's, shared read-only by the threads using it: do not free it; give `use` back with
 * kysod_token_release when done with the signer. */
ks_status kysod_token_acquire(kysod_token_cache *c, const char *module, const char *label,
                              const char *pin, kysod_token_use **use, ks_signer **signer,
                              ks_error *err);
/* `failed` (a token error) retires the session once nobody uses it. NULL `use` is a no-op. */
void kysod_token_release(kysod_token_cache *c, kysod_token_use *use, bool failed);

#endif
