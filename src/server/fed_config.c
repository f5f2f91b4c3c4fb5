/* server/fed_config.c — the peers file of kysod's federation: who this server is to its peers,
 * each peer's base URL and the key shared with it, and which mã định danh each peer serves.
 * It holds secrets, so it must be readable by its owner only. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "fed.h"

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return false;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
            return false;
    return true;
}

int fed_peer_index(const fed_config *c, const char *name)
{
    for (int i = 0; name && i < c->npeers; i++)
        if (strcmp(c->peers[i].name, name) == 0)
            return i;
    return -1;
}

int fed_route_of(const fed_config *c, const char *code)
{
    if (!code)
        return -1;
    for (int i = 0; i < c->nroutes; i++) {
        const char *rc = c->routes[i].code;
        size_t n = strlen(rc);
        if (n && rc[n - 1] == '*' ? strncmp(rc, code, n - 1) == 0 : strcmp(rc, code) == 0)
            return c->routes[i].peer;
    }
    return -1;
}

static ks_status parse_line(fed_config *c, char *s, const char *path, int line, ks_error *err)
{
    char *w[5] = {0};
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(s, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save)) {
        if (n == 5)
            return ks_error_set(err, KS_E_USAGE, N_("%s:%d: too many words"), path, line);
        w[n++] = tok;
    }
    if (strcmp(w[0], "self") == 0 && n == 2 && name_ok(w[1])) {
        snprintf(c->self, sizeof c->self, "%s", w[1]);
        return KS_OK;
    }
    if (strcmp(w[0], "peer") == 0 && n == 4) {
        if (!name_ok(w[1]) || fed_peer_index(c, w[1]) >= 0)
            return ks_error_set(err, KS_E_USAGE, N_("%s:%d: bad or repeated peer name"), path,
                                line);
        if ((strncmp(w[2], "http://", 7) != 0 && strncmp(w[2], "https://", 8) != 0) ||
            strlen(w[2]) >= sizeof c->peers[0].url)
            return ks_error_set(err, KS_E_USAGE,
                                N_("%s:%d: the peer URL must start with http://"
                                   " or https://"),
                                path, line);
        if (strlen(w[3]) != 2 * FED_KEY_LEN)
            return ks_error_set(err, KS_E_USAGE,
                                N_("%s:%d: the shared key must be 64 hexadecimal digits"), path,
                                line);
        if (c->npeers == FED_MAX_PEERS)
            return ks_error_set(err, KS_E_LIMIT, N_("%s:%d: more than %d peers"), path, line,
                                FED_MAX_PEERS);
        fed_peer *p = &c->peers[c->npeers];
        for (int i = 0; i < FED_KEY_LEN; i++) {
            int hi = hexval(w[3][2 * i]), lo = hexval(w[3][2 * i + 1]);
            if (hi < 0 || lo < 0)
                return ks_error_set(err, KS_E_USAGE,
                                    N_("%s:%d: the shared key must be 64 hexadecimal digits"), path,
                                    line);
            p->key[i] = (unsigned char)(hi << 4 | lo);
        }
        snprintf(p->name, sizeof p->name, "%s", w[1]);
        snprintf(p->url, sizeof p->url, "%s", w[2]);
        size_t ul = strlen(p->url);
        while (ul && p->url[ul - 1] == '/')
            p->url[--ul] = 0;
        c->npeers++;
        return KS_OK;
    }
    if (strcmp(w[0], "route") == 0 && n == 3) {
        char code[40];
        size_t cl = strlen(w[1]);
        bool star = cl && w[1][cl - 1] == '*';
        snprintf(code, sizeof code, "%.*s", (int)(star ? cl - 1 : cl), w[1]);
        if (cl >= sizeof code || (!star && !ks_edxml_organ_id_ok(code)) ||
            (star && cl > 1 && !ks_edxml_organ_id_ok(code)))
            return ks_error_set(err, KS_E_USAGE,
                                N_("%s:%d: \"%s\" is not a mã định danh (or a prefix ending in *)"),
                                path, line, w[1]);
        int peer = fed_peer_index(c, w[2]);
        if (peer < 0)
            return ks_error_set(err, KS_E_USAGE, N_("%s:%d: no peer named \"%s\" above"), path,
                                line, w[2]);
        if (c->nroutes == FED_MAX_ROUTES)
            return ks_error_set(err, KS_E_LIMIT, N_("%s:%d: more than %d routes"), path, line,
                                FED_MAX_ROUTES);
        snprintf(c->routes[c->nroutes].code, sizeof c->routes[0].code, "%s", w[1]);
        c->routes[c->nroutes++].peer = peer;
        return KS_OK;
    }
    return ks_error_set(err, KS_E_USAGE,
                        N_("%s:%d: expected \"self NAME\", \"peer NAME URL KEY\" or "
                           "\"route CODE PEER\""),
                        path, line);
}

ks_status fed_config_load(fed_config *c, const char *path, ks_error *err)
{
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "r");
    if (!f)
        return ks_error_set(err, KS_E_IO, N_("cannot open the peers file \"%s\": %s"), path,
                            strerror(errno));
    struct stat sb;
    ks_status st = KS_OK;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) || (sb.st_mode & 077) != 0)
        st = ks_error_set(err, KS_E_USAGE,
                          N_("the peers file \"%s\" holds shared keys: it must be a regular file "
                             "of mode 0600 (no access for group or others)"),
                          path);
    char buf[1024];
    int line = 0;
    while (st == KS_OK && fgets(buf, sizeof buf, f)) {
        line++;
        if (!strchr(buf, '\n') && !feof(f)) {
            st = ks_error_set(err, KS_E_USAGE, N_("%s:%d: line too long"), path, line);
            break;
        }
        char *s = buf;
        while (isspace((unsigned char)*s))
            s++;
        if (!*s || *s == '#')
            continue;
        st = parse_line(c, s, path, line, err);
    }
    OPENSSL_cleanse(buf, sizeof buf);
    fclose(f);
    if (st == KS_OK && !c->self[0])
        st = ks_error_set(err, KS_E_USAGE, N_("%s: no \"self NAME\" line"), path);
    return st;
}
