/* cli/cli_ca.c — `kyso ca`: the test CA's command line (init, issue, renew, change, revoke,
 * crl, serve, list, audit). Parses options and prints; everything else is libkyso's pki module. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli.h"
#include "kyso/pki.h"
#include "kyso/token.h"
#include "kyso/util.h"

static int fail_status(ks_error *e)
{
    return ks_cli_fail(e);
}

/* Strict decimal for --years. */
static int parse_years(const char *s, int *out)
{
    if (!s) {
        *out = 0;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < -1000 || v > 1000)
        return ks_cli_usage(N_("--years \"%s\" is not a whole number"), s);
    *out = (int)v;
    return 0;
}

static void print_issued(X509 *cert, const char *out_path)
{
    char serial[80], end[32];
    ks_pki_serial_hex(X509_get0_serialNumber(cert), serial);
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm);
    ks_time_iso_vn(timegm(&tm), end);
    printf(ks_tr(N_("Certificate %s written to %s, valid until %s\n")), serial, out_path, end);
}

static void fill_subject(const ks_cli_args *a, ks_pki_subject *s)
{
    s->name = ks_cli_get(a, "name");
    s->title = ks_cli_get(a, "title");
    s->org = ks_cli_get(a, "org");
    s->unit = ks_cli_get(a, "unit");
    s->org_id = ks_cli_get(a, "org-id");
    s->email = ks_cli_get(a, "email");
    s->locality = ks_cli_get(a, "locality");
    s->street = ks_cli_get(a, "street");
}

/* The user PIN of the token that holds the CA keys of `dir`, or NULL for file keys. */
static ks_status ca_pin(const ks_cli_args *a, const char *dir, char **pin, ks_error *e)
{
    char module[1024], token[64];
    *pin = NULL;
    ks_status st = ks_ca_key_location(dir, module, token, e);
    if (st != KS_OK || !module[0])
        return st;
    /* --ca-pin-* when issue needs --pin-* for the subscriber's own secret (a PKCS#12 password
     * or a subscriber token's PIN): never try that secret on the CA token, where a wrong PIN
     * counts towards locking it. */
    const char *file = ks_cli_get(a, "ca-pin-file"), *env = ks_cli_get(a, "ca-pin-env");
    bool own_secret =
        strcmp(a->pos[0], "issue") == 0 && (ks_cli_has(a, "out-p12") || ks_cli_has(a, "pkcs11"));
    if (!file && !env && !own_secret) {
        file = ks_cli_get(a, "pin-file");
        env = ks_cli_get(a, "pin-env");
    }
    return ks_secret_read(file, env, ks_tr(N_("User PIN of the CA token: ")), pin, e);
}

static int cmd_init(const ks_cli_args *a)
{
    ks_error e;
    char *pin = NULL;
    ks_ca_init_opts o = {.base_url = ks_cli_get(a, "base-url"),
                         .pkcs11_module = ks_cli_get(a, "pkcs11"),
                         .token_label = ks_cli_get(a, "token"),
                         .ca_key_spec = ks_cli_get(a, "key-type")};
    if (o.pkcs11_module && !o.token_label)
        return ks_cli_usage(N_("--pkcs11 needs --token LABEL"));
    if (o.pkcs11_module &&
        ks_secret_read(ks_cli_get(a, "pin-file"), ks_cli_get(a, "pin-env"),
                       ks_tr(N_("User PIN of the CA token: ")), &pin, &e) != KS_OK)
        return fail_status(&e);
    o.pin = pin;
    ks_status st = ks_ca_init(a->pos[1], &o, &e);
    ks_secret_free(pin);
    if (st != KS_OK)
        return fail_status(&e);
    printf(ks_tr(N_("CA created in %s: root.pem, issuing-ca.pem, ocsp.pem, tsa.pem\n")), a->pos[1]);
    return KS_EXIT_OK;
}

static int cmd_issue(const ks_cli_args *a, ks_ca *ca)
{
    ks_error e;
    ks_pki_subject s = {0};
    int years = 0, rc = 0;
    const char *out = ks_cli_get(a, "out");
    const char *csr = ks_cli_get(a, "csr"), *p12 = ks_cli_get(a, "out-p12"),
               *p11 = ks_cli_get(a, "pkcs11");
    if (!ks_cli_has(a, "profile"))
        return ks_cli_usage(N_("\"kyso ca issue\" needs --profile personal|organization|device"));
    if (ks_pki_profile_parse(ks_cli_get(a, "profile"), &s.profile, &e) != KS_OK)
        return fail_status(&e);
    if (!out)
        return ks_cli_usage(N_("\"kyso ca %s\" needs -o CERT.pem"), "issue");
    if ((csr != NULL) + (p12 != NULL) + (p11 != NULL) != 1)
        return ks_cli_usage(N_("give exactly one of --csr FILE, --out-p12 FILE or --pkcs11 "
                               "MODULE --token LABEL"));
    if (p11 && !ks_cli_has(a, "token"))
        return ks_cli_usage(N_("--pkcs11 needs --token LABEL"));
    if ((rc = parse_years(ks_cli_get(a, "years"), &years)) != 0)
        return rc;
    fill_subject(a, &s);
    /* Refuse a bad request before a key is generated, so that no orphan key is left behind. */
    if (ks_ca_issue_check(&s, years, &e) != KS_OK)
        return fail_status(&e);
    /* the secret first: nothing is issued when none is given */
    char *password = NULL;
    ks_status st = KS_OK;
    if (p11)
        st = ks_secret_read(ks_cli_get(a, "pin-file"), ks_cli_get(a, "pin-env"),
                            ks_tr(N_("User PIN of the token: ")), &password, &e);
    else if (p12)
        st = ks_secret_read(ks_cli_get(a, "pin-file"), ks_cli_get(a, "pin-env"),
                            ks_tr(N_("Password for the new PKCS#12 file: ")), &password, &e);
    ks_ca_issue_req r = {.subject = s,
                         .years = years,
                         .source = csr   ? KS_CA_KEY_CSR
                                   : p11 ? KS_CA_KEY_TOKEN
                                         : KS_CA_KEY_P12,
                         .key_type = ks_cli_get(a, "key-type"),
                         .csr_path = csr,
                         .p12_path = p12,
                         .pkcs11_module = p11,
                         .token_label = ks_cli_get(a, "token"),
                         .key_label = ks_cli_get(a, "key-label"),
                         .secret = password,
                         .out_path = out};
    X509 *cert = NULL;
    if (st == KS_OK)
        st = ks_ca_issue_request(ca, &r, &cert, &e);
    ks_secret_free(password);
    if (st == KS_OK)
        print_issued(cert, out);
    X509_free(cert);
    return st == KS_OK ? KS_EXIT_OK : fail_status(&e);
}

static int cmd_renew_change(const ks_cli_args *a, ks_ca *ca, bool change)
{
    ks_error e;
    int years = 0, rc = 0;
    const char *serial = ks_cli_get(a, "serial"), *out = ks_cli_get(a, "out");
    if (!serial)
        return ks_cli_usage(N_("\"kyso ca %s\" needs --serial HEX"), change ? "change" : "renew");
    if (!out)
        return ks_cli_usage(N_("\"kyso ca %s\" needs -o CERT.pem"), change ? "change" : "renew");
    X509 *cert = NULL;
    ks_status st;
    if (change) {
        ks_pki_subject s = {0};
        fill_subject(a, &s);
        if (!s.name && !s.title && !s.org && !s.unit && !s.org_id && !s.email && !s.locality &&
            !s.street)
            return ks_cli_usage(N_("\"kyso ca change\" needs at least one field to change "
                                   "(--name, --title, --org, --unit, --org-id, --email, "
                                   "--locality, --street)"));
        st = ks_ca_change(ca, serial, &s, &cert, &e);
    } else {
        if ((rc = parse_years(ks_cli_get(a, "years"), &years)) != 0)
            return rc;
        st = ks_ca_renew(ca, serial, years, &cert, &e);
    }
    if (st == KS_OK)
        st = ks_pki_write_cert_pem(out, cert, &e);
    if (st == KS_OK)
        print_issued(cert, out);
    X509_free(cert);
    return st == KS_OK ? KS_EXIT_OK : fail_status(&e);
}

static int cmd_revoke(const ks_cli_args *a, ks_ca *ca)
{
    ks_error e;
    int reason = 0;
    const char *serial = ks_cli_get(a, "serial"), *r = ks_cli_get(a, "reason");
    if (!serial)
        return ks_cli_usage(N_("\"kyso ca %s\" needs --serial HEX"), "revoke");
    if (r && ks_pki_reason_parse(r, &reason, &e) != KS_OK)
        return fail_status(&e);
    if (ks_ca_revoke(ca, serial, reason, &e) != KS_OK)
        return fail_status(&e);
    printf(ks_tr(N_("Certificate %s revoked (%s)\n")), serial, ks_pki_reason_name(reason));
    return KS_EXIT_OK;
}

static int cmd_crl(const ks_cli_args *a, ks_ca *ca)
{
    ks_error e;
    const char *out = ks_cli_get(a, "out");
    if (!out)
        return ks_cli_usage(N_("\"kyso ca %s\" needs -o CRL.der"), "crl");
    uint8_t *der = NULL;
    size_t n = 0;
    ks_status st = ks_ca_crl(ca, &der, &n, &e);
    if (st == KS_OK)
        st = ks_write_file_atomic(out, der, n, &e);
    free(der);
    if (st != KS_OK)
        return fail_status(&e);
    printf(ks_tr(N_("CRL written to %s\n")), out);
    return KS_EXIT_OK;
}

static int cmd_serve(const ks_cli_args *a)
{
    ks_error e;
    const char *listen = ks_cli_get(a, "listen");
    if (!listen)
        return ks_cli_usage(N_("\"kyso ca serve\" needs --listen 127.0.0.1:PORT"));
    /* Block the stop signals before the server's threads start so that they inherit the mask
     * and only sigwait below sees them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    ks_pki_server *srv = NULL;
    char *pin = NULL;
    ks_status st = ca_pin(a, a->pos[1], &pin, &e);
    if (st == KS_OK)
        st = ks_pki_server_start(a->pos[1], listen, 2, pin, &srv, &e);
    ks_secret_free(pin);
    if (st != KS_OK)
        return fail_status(&e);
    printf(ks_tr(N_("Serving %s on http://%s (/crl, /ocsp, /tsa); stop with Ctrl-C\n")), a->pos[1],
           listen);
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    ks_pki_server_stop(srv);
    return KS_EXIT_OK;
}

/* ---- list and audit: read the database only (no key, no PIN) ---- */
typedef struct list_ctx {
    bool json;
    size_t n;
    time_t now;
    ks_buf out;
} list_ctx;

/* The JSON token, which is also the msgid of the text shown. */
static const char *cert_status(const ks_ca_cert_info *c, time_t now)
{
    return c->revoked ? N_("revoked") : c->not_after <= now ? N_("expired") : N_("valid");
}

static void json_kv(ks_buf *b, const char *key, const char *val, bool comma)
{
    ks_buf_printf(b, "%s\"%s\": ", comma ? ", " : "", key);
    ks_buf_json_str(b, val);
}

/* {"ca": DIR, <mid>, "<key>": [<the items in x->out>]} on standard output. */
static void print_json_list(const char *dir, const ks_buf *mid, const char *key, const list_ctx *x)
{
    ks_buf b = KS_BUF_INIT;
    ks_buf_puts(&b, "{\"ca\": ");
    ks_buf_json_str(&b, dir);
    ks_buf_puts(&b, ", ");
    ks_buf_append(&b, mid->data, mid->len);
    ks_buf_printf(&b, ", \"%s\": [", key);
    if (x->out.len)
        ks_buf_append(&b, x->out.data, x->out.len);
    ks_buf_puts(&b, x->n ? "\n  ]}\n" : "]}\n");
    fwrite(b.data, 1, b.len, stdout);
    ks_buf_free(&b);
}

static void vis_put(ks_buf *b, const char *s)
{
    if (s)
        ks_buf_visible(b, s, strlen(s), false);
}

static int list_one(void *user, const ks_ca_cert_info *c)
{
    list_ctx *x = user;
    char nb[32], na[32], ra[32];
    ks_time_iso_vn(c->not_before, nb);
    ks_time_iso_vn(c->not_after, na);
    ks_time_iso_vn(c->revoked_at, ra);
    const char *status = cert_status(c, x->now);
    bool sub = strcmp(c->role, "subscriber") == 0;
    if (x->json) {
        ks_buf_puts(&x->out, x->n ? ",\n    {" : "\n    {");
        json_kv(&x->out, "serial", c->serial, false);
        json_kv(&x->out, "role", c->role, true);
        json_kv(&x->out, "profile", sub ? ks_pki_profile_name(c->profile) : NULL, true);
        json_kv(&x->out, "name", c->name, true);
        json_kv(&x->out, "title", c->title, true);
        json_kv(&x->out, "org", c->org, true);
        json_kv(&x->out, "unit", c->unit, true);
        json_kv(&x->out, "org_id", c->org_id, true);
        json_kv(&x->out, "email", c->email, true);
        json_kv(&x->out, "locality", c->locality, true);
        json_kv(&x->out, "not_before", nb, true);
        json_kv(&x->out, "not_after", na, true);
        json_kv(&x->out, "status", status, true);
        json_kv(&x->out, "revoked_at", c->revoked ? ra : NULL, true);
        json_kv(&x->out, "reason", c->revoked ? ks_pki_reason_name(c->reason) : NULL, true);
        ks_buf_putc(&x->out, '}');
    } else {
        /* names come from the CA's database, which an imported CSR or an older kyso may have
         * filled: each is printed through ks_buf_visible, never raw */
        ks_buf_printf(&x->out, "  %s  %-10s  ", c->serial,
                      sub ? ks_pki_profile_name(c->profile) : c->role);
        vis_put(&x->out, c->name ? c->name : "-");
        if (c->title && *c->title) {
            ks_buf_puts(&x->out, ", ");
            vis_put(&x->out, c->title);
        }
        if (c->org && *c->org && sub) {
            ks_buf_puts(&x->out, " — ");
            vis_put(&x->out, c->org);
        }
        ks_buf_printf(&x->out, "\n      %s → %s  [%s", nb, na, ks_tr(status));
        if (c->revoked)
            ks_buf_printf(&x->out, " %s, %s", ra, ks_pki_reason_name(c->reason));
        ks_buf_puts(&x->out, "]\n");
    }
    x->n++;
    return 0;
}

static int cmd_list(const ks_cli_args *a)
{
    ks_error e;
    list_ctx x = {ks_cli_has(a, "json"), 0, ks_cli_now(), KS_BUF_INIT};
    ks_status st = ks_ca_list(a->pos[1], list_one, &x, &e);
    if (st != KS_OK) {
        ks_buf_free(&x.out);
        return fail_status(&e);
    }
    if (x.json) {
        ks_buf mid = KS_BUF_INIT;
        ks_buf_printf(&mid, "\"count\": %zu", x.n);
        print_json_list(a->pos[1], &mid, "certificates", &x);
        ks_buf_free(&mid);
    } else {
        printf(ks_tr(N_("Certificates issued by the CA in %s: %zu\n")), a->pos[1], x.n);
        if (x.out.len)
            ks_fputs_visible((const char *)x.out.data, x.out.len, stdout);
    }
    ks_buf_free(&x.out);
    return KS_EXIT_OK;
}

static int audit_one(void *user, const ks_ca_audit_entry *en)
{
    list_ctx *x = user;
    char at[32];
    ks_time_iso_vn(en->at, at);
    if (x->json) {
        ks_buf_printf(&x->out, "%s\n    {\"seq\": %ld, ", x->n ? "," : "", en->seq);
        json_kv(&x->out, "at", at, false);
        json_kv(&x->out, "action", en->action, true);
        json_kv(&x->out, "serial", en->serial, true);
        json_kv(&x->out, "detail", en->detail, true);
        json_kv(&x->out, "hash", en->hash, true);
        ks_buf_putc(&x->out, '}');
    } else {
        ks_buf_printf(&x->out, "  #%ld  %s  %-8s  %s  ", en->seq, at, en->action,
                      en->serial[0] ? en->serial : "-");
        vis_put(&x->out, en->detail);
        ks_buf_puts(&x->out, "\n");
    }
    x->n++;
    return 0;
}

static int cmd_audit(const ks_cli_args *a)
{
    ks_error e;
    long n = 0;
    list_ctx x = {ks_cli_has(a, "json"), 0, 0, KS_BUF_INIT};
    ks_status st = ks_ca_audit_read(a->pos[1], audit_one, &x, &n, &e);
    if (st != KS_OK && st != KS_E_FORMAT) {
        ks_buf_free(&x.out);
        return fail_status(&e);
    }
    if (x.json) {
        ks_buf mid = KS_BUF_INIT;
        ks_buf_printf(&mid, "\"intact\": %s, \"entries\": %ld, \"problem\": ",
                      st == KS_OK ? "true" : "false", n);
        ks_buf_json_str(&mid, st == KS_OK ? NULL : ks_cli_msg(&e));
        print_json_list(a->pos[1], &mid, "log", &x);
        ks_buf_free(&mid);
    } else {
        if (st == KS_OK)
            printf(ks_tr(N_("Audit trail of the CA in %s: %ld entries, hash chain intact\n")),
                   a->pos[1], n);
        else
            printf(ks_tr(N_("Audit trail of the CA in %s: the first %ld entries are intact\n")),
                   a->pos[1], n);
        if (x.out.len)
            ks_fputs_visible((const char *)x.out.data, x.out.len, stdout);
    }
    ks_buf_free(&x.out);
    return st == KS_OK ? KS_EXIT_OK : fail_status(&e);
}

int ks_cmd_ca(int argc, char **argv)
{
    static const char *const spec[] = {
        "profile=",   "name=",     "title=",   "org=",        "unit=",        "org-id=", "email=",
        "locality=",  "street=",   "years=",   "csr=",        "out-p12=",     "pkcs11=", "token=",
        "key-label=", "key-type=", "pin-env=", "pin-file=",   "out=",         "serial=", "reason=",
        "listen=",    "base-url=", "lang=",    "ca-pin-env=", "ca-pin-file=", "json",    NULL};
    ks_cli_args a;
    int rc = ks_cli_parse(argc, argv, spec, &a);
    if (rc != 0)
        return rc;
    if (ks_cli_has(&a, "help") || a.npos < 1) {
        printf("%s",
               ks_tr(N_("Usage:\n"
                        "  kyso ca init DIR [--base-url http://HOST:PORT] [--key-type rsa:3072|"
                        "rsa:2048|ec:P-384|ec:P-256] [--pkcs11 MODULE --token LABEL]\n"
                        "  kyso ca issue DIR --profile personal|organization|device --name TEXT "
                        "[--title TEXT] [--org TEXT] [--unit TEXT] [--org-id CODE] [--email "
                        "ADDR] [--locality TEXT] [--street TEXT] [--years N] (--csr FILE | "
                        "--out-p12 FILE | --pkcs11 MODULE --token LABEL [--key-label L] "
                        "[--key-type rsa:2048|rsa:3072|ec:P-256|ec:P-384]) -o CERT.pem\n"
                        "  kyso ca renew DIR --serial HEX [--years N] -o CERT.pem\n"
                        "  kyso ca change DIR --serial HEX [--name ...] -o CERT.pem\n"
                        "  kyso ca revoke DIR --serial HEX [--reason keyCompromise|"
                        "affiliationChanged|superseded|cessationOfOperation]\n"
                        "  kyso ca crl DIR -o CRL.der\n"
                        "  kyso ca serve DIR --listen 127.0.0.1:PORT\n"
                        "  kyso ca list DIR [--json]     (every certificate issued, with its "
                        "status)\n"
                        "  kyso ca audit DIR [--json]    (the audit trail, hash chain checked)\n"
                        "PINs and passwords: --pin-env VAR | --pin-file FILE (the PKCS#12 "
                        "password or the subscriber token's PIN for issue; the CA token's PIN "
                        "elsewhere), --ca-pin-env VAR | --ca-pin-file FILE (the CA token's PIN "
                        "when both are needed); never on the command line.\n")));
        return a.npos < 1 && !ks_cli_has(&a, "help") ? KS_EXIT_USAGE : KS_EXIT_OK;
    }
    const char *sub = a.pos[0];
    if (a.npos != 2)
        return ks_cli_usage(N_("\"kyso ca %s\" needs exactly one directory argument"), sub);
    if (strcmp(sub, "init") == 0)
        return cmd_init(&a);
    if (strcmp(sub, "serve") == 0)
        return cmd_serve(&a);
    if (strcmp(sub, "list") == 0)
        return cmd_list(&a);
    if (strcmp(sub, "audit") == 0)
        return cmd_audit(&a);
    bool known = strcmp(sub, "issue") == 0 || strcmp(sub, "renew") == 0 ||
                 strcmp(sub, "change") == 0 || strcmp(sub, "revoke") == 0 ||
                 strcmp(sub, "crl") == 0;
    if (!known)
        return ks_cli_usage(N_("unknown command \"kyso ca %s\""), sub);
    ks_error e;
    ks_ca *ca = NULL;
    char *pin = NULL;
    ks_status st = ca_pin(&a, a.pos[1], &pin, &e);
    if (st == KS_OK)
        st = ks_ca_open(a.pos[1], pin, &ca, &e);
    ks_secret_free(pin);
    if (st != KS_OK)
        return fail_status(&e);
    if (strcmp(sub, "issue") == 0)
        rc = cmd_issue(&a, ca);
    else if (strcmp(sub, "renew") == 0)
        rc = cmd_renew_change(&a, ca, false);
    else if (strcmp(sub, "change") == 0)
        rc = cmd_renew_change(&a, ca, true);
    else if (strcmp(sub, "revoke") == 0)
        rc = cmd_revoke(&a, ca);
    else
        rc = cmd_crl(&a, ca);
    ks_ca_close(ca);
    return rc;
}
