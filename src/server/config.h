/* server/config.h — kysod's configuration: one file of `key = value` lines (deploy/kysod.conf
 * documents every key), read once at start. */
#ifndef KYSOD_CONFIG_H
#define KYSOD_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "kyso/error.h"

typedef struct kysod_config {
    char listen_host[64]; /* "127.0.0.1" */
    int listen_port;      /* 0: any free port (printed at start) */
    char database[1024];  /* "sqlite:/var/lib/kyso/kysod.db" or "postgresql://..." */
    char web_root[1024];  /* the static web bundle (web/dist); "" serves none */
    int threads;          /* HTTP worker threads */
    int db_pool;          /* database connections */
    int connection_limit;
    int connection_timeout_s; /* a connection idle this long is closed (slow clients) */
    int max_body_kb;
    int session_idle_min, session_max_hours;
    bool secure_cookies;    /* add Secure: set when kysod sits behind TLS */
    bool trust_proxy;       /* take the client address from X-Real-IP (nginx) */
    bool page_cache;        /* keep list pages until the next write (SQLite only) */
    int pwhash_opslimit;    /* argon2id passes */
    int pwhash_memlimit_kb; /* argon2id memory */
    int session_cache_ms;   /* how long a node may reuse a checked session (0: never) */
    char log_level[16];     /* "info" or "debug" */
    /* the document workflow */
    char blob_dir[1024];       /* the documents' PDF versions, named by SHA-256 */
    char soffice[512];         /* LibreOffice's program for DOCX/ODT conversion ("soffice") */
    int convert_max;           /* conversions at once (LibreOffice processes) */
    int convert_timeout_s;     /* a conversion running longer is killed and fails */
    char pkcs11_module[1024];  /* the PKCS#11 module of the server-side tokens */
    char pkcs11_pin_dir[1024]; /* one file per token label holding its user PIN (mode 0600) */
    char images_dir[1024];     /* signature images user-<id>.png and seals agency-<id>.png */
    char tsa_url[512];         /* the time-stamp authority of the seal (B-T); "" seals at B-B */
    char fed_peers[1024];      /* between servers: the peers file (mode 0600); "" for none */
    int max_event_streams;     /* open GET /events streams per node */
    /* sign-in and signing with the person's own token (kyso-agent, issue 14) */
    char public_origin[256]; /* the origin browsers reach kysod at ("https://kyso.example.vn") */
    /* the anchors incoming documents are verified against (the national public-service root
     * CA, …): a PEM file or a directory of *.pem; "" verifies with none (INDETERMINATE) */
    char trust_anchors[1024];
    char token_trust[1024]; /* PEM file (or directory of *.pem) of the personal CAs' anchors */
    /* tests only (refused unless KYSOD_TEST_CLOCK=1 is in the environment): a stopped clock,
     * seconds since 1970 UTC, for the context that dates register numbers and seals; 0: the
     * real clock */
    int64_t test_clock;
} kysod_config;

void kysod_config_defaults(kysod_config *c);
/* Reads `path`; unknown keys and bad values are errors naming the line. */
ks_status kysod_config_load(kysod_config *c, const char *path, ks_error *err);
/* Checks the values together (ranges, the database URL, the web root). */
ks_status kysod_config_check(const kysod_config *c, ks_error *err);

#endif
