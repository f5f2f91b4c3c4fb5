/* server/fed.h — what kysod's between-servers files share (fed_*.c, api_fed*.c, api_events.c,
 * events.c): the peers file, the transport queue and its worker, the remote recipients'
 * statuses, recall, and the notification events (docs/edxml.md "Between kysod servers"). */
#ifndef KYSOD_FED_H
#define KYSOD_FED_H

#include "docs.h"
#include "kyso/edxml.h"

#define FED_MAX_PEERS 64
#define FED_MAX_ROUTES 1024
#define FED_KEY_LEN 32
#define FED_CLOCK_SKEW_S 300 /* a signed request older or newer than this is refused */
#define FED_MAX_ATTEMPTS 20  /* then the message is given up ("failed") */

typedef struct fed_peer {
    char name[64];
    char url[512]; /* base URL: http://host:port */
    unsigned char key[FED_KEY_LEN];
} fed_peer;

typedef struct fed_route {
    char code[40]; /* a mã định danh, or a prefix ending in '*' */
    int peer;
} fed_route;

/* The peers file (fed_peers in kysod.conf), read once at start. */
typedef struct fed_config {
    char self[64];
    fed_peer peers[FED_MAX_PEERS];
    int npeers;
    fed_route routes[FED_MAX_ROUTES];
    int nroutes;
} fed_config;

typedef struct kysod_fed {
    fed_config cfg;
    pthread_t thread;
    bool running;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
} kysod_fed;

/* ---- fed_config.c ---- */
/* Reads `path`: refused unless it is a regular file that only its owner may read or write
 * (mode 0600 or stricter), because it holds the shared keys. Lines: `self NAME`,
 * `peer NAME URL KEY-HEX` (32 bytes), `route CODE NAME` (CODE exact, or a prefix ending in *). */
ks_status fed_config_load(fed_config *c, const char *path, ks_error *err);
/* The peer serving mã định danh `code`, or -1. */
int fed_route_of(const fed_config *c, const char *code);
int fed_peer_index(const fed_config *c, const char *name);

/* ---- fed_sign.c: the request signature between peers ---- */
/* HMAC-SHA256 over "kyso-fed-v1\n" NAME "\n" TIME "\n" PATH "\n" hex(SHA-256(body)), hex. */
void fed_sign(const unsigned char key[FED_KEY_LEN], const char *name, const char *time_s,
              const char *path, const uint8_t *body, size_t len, char out[65]);
/* Checks the request's X-Kyso-Peer, X-Kyso-Time and X-Kyso-Signature headers; *peer receives the
 * peer's index. 0, or 401/403 set. */
int fed_check_request(kysod_req *r, int *peer);

/* ---- fed_worker.c ---- */
/* Loads the peers file (when configured) and starts the worker thread that posts queued
 * messages, retrying with backoff. */
ks_status fed_start(kysod *srv, ks_error *err);
void fed_stop(kysod *srv);
/* Wakes the worker (after a commit that queued something). */
void fed_kick(kysod *srv);
/* Inside the caller's transaction: queues `body` (stored as a blob) for `peer`'s `path`
 * ("packages" or "statuses"); a message with the same key is queued once. */
ks_status fed_enqueue(kysod_req *r, const char *peer, const char *path, const char *key,
                      const uint8_t *body, size_t len, ks_error *e);
/* Inside the caller's transaction: an edXML status about package `package_id` (sent by
 * `for_code`), answered by `from_code`, to `peer`. */
ks_status fed_queue_status(kysod_req *r, const char *peer, const char *package_id,
                           const char *for_code, const char *from_code, const char *from_name,
                           int code, const char *description, ks_error *e);

/* ---- api_fed_send.c: the sending side ---- */
/* Is `code` served by a configured peer? */
bool fed_is_remote(kysod *srv, const char *code);
/* Inside the caller's transaction: one edXML package per peer to the remote recipients `codes`
 * (a JSON array of strings) of the issued document `doc` whose signed PDF is `pdf`. */
ks_status fed_send_document(kysod_req *r, json_t *doc, const uint8_t *pdf, size_t len,
                            json_t *codes, ks_error *e);

/* ---- events.c: notifications ---- */
typedef struct kysod_events kysod_events;
ks_status kysod_events_start(kysod *srv, ks_error *err);
void kysod_events_stop(kysod *srv);
void kysod_events_free(kysod *srv);
/* Inside the caller's transaction: one event for the people of `agency` holding `role` ("" for
 * every member). */
ks_status kysod_event(ks_db *db, int64_t agency, const char *role, const char *kind,
                      const char *ref, json_t *data, ks_error *e);
/* Inside kysod_commit's transaction: the events that a workflow step implies, judged by the
 * object's state before (`before`, may be NULL) and now: a document that moved to a state where
 * a role acts, the deliveries a send made, a delivery whose state changed. */
ks_status kysod_events_on_commit(kysod_req *r, const char *kind, int64_t id, json_t *before,
                                 ks_error *e);
/* Inside the caller's transaction, before the deliveries change: each recipient on this server
 * of document `doc_id` learns that it was recalled. */
ks_status kysod_events_recall(kysod_req *r, int64_t doc_id, ks_error *e);
/* The text/event-stream answer of GET /events (http.c calls it for r->stream). */
struct MHD_Response *kysod_events_response(kysod_req *r);

#endif
