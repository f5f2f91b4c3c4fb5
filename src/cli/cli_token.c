/* cli/cli_token.c — `kyso token`: list tokens and their PIN state, initialise a token, generate
 * or import keys, change the user PIN, and unblock it with the SO PIN. PINs come from files,
 * environment variables or the terminal, never from argv. All behaviour is libkyso's token/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cli.h"
#include "kyso/token.h"
#include "kyso/util.h"

static const char *const k_spec[] = {
    "pkcs11=",      "token=",         "key-label=",    "key-type=",
    "out=",         "p12=",           "cert=",         "pin-file=",
    "pin-env=",     "so-pin-file=",   "so-pin-env=",   "new-pin-file=",
    "new-pin-env=", "p12-pass-file=", "p12-pass-env=", NULL,
};

static void usage(FILE *f)
{
    fprintf(
        f, "%s",
        ks_tr(N_("Usage:\n"
                 "  kyso token list --pkcs11 MODULE [--token LABEL] [--pin-file F | --pin-env V]\n"
                 "  kyso token init --pkcs11 MODULE --token LABEL (--so-pin-file F | "
                 "--so-pin-env V) (--pin-file F | --pin-env V)\n"
                 "  kyso token keygen --pkcs11 MODULE [--token LABEL] --key-label L\n"
                 "      [--key-type rsa:2048|rsa:3072|ec:P-256|ec:P-384] [-o PUBKEY.pem] "
                 "[--pin-file F | --pin-env V]\n"
                 "  kyso token import --pkcs11 MODULE [--token LABEL] --key-label L\n"
                 "      (--p12 FILE [--p12-pass-file F | --p12-pass-env V] | --cert CERT.pem) "
                 "[--pin-file F | --pin-env V]\n"
                 "  kyso token change-pin --pkcs11 MODULE [--token LABEL] (--pin-file F | "
                 "--pin-env V) (--new-pin-file F | --new-pin-env V)\n"
                 "  kyso token unblock --pkcs11 MODULE [--token LABEL] (--so-pin-file F | "
                 "--so-pin-env V) (--new-pin-file F | --new-pin-env V)\n"
                 "PINs are never given on the command line; without a file or variable kyso "
                 "asks on the terminal.\n")));
}

/* Reads the secret of options `<stem>-file` / `<stem>-env`; on a terminal, asks with `prompt`.
 * With neither option and no terminal, fails naming the options instead of waiting. */
static ks_status read_secret(const ks_cli_args *a, const char *stem, const char *prompt, char **out,
                             ks_error *e)
{
    char fopt[32], eopt[32];
    snprintf(fopt, sizeof fopt, "%s-file", stem);
    snprintf(eopt, sizeof eopt, "%s-env", stem);
    const char *file = ks_cli_get(a, fopt), *env = ks_cli_get(a, eopt);
    *out = NULL;
    if (!file && !env && !isatty(STDIN_FILENO))
        return ks_error_set(e, KS_E_USAGE, N_("this command needs --%s FILE or --%s VAR"), fopt,
                            eopt);
    ks_status st = ks_secret_read(file, env, ks_tr(prompt), out, e);
    if (st == KS_OK && !**out) {
        ks_secret_free(*out);
        *out = NULL;
        st =
            ks_error_set(e, KS_E_USAGE, N_("the secret given by --%s / --%s is empty"), fopt, eopt);
    }
    return st;
}

static const char *kind_name(int kind)
{
    return kind == 0   ? ks_tr(N_("private key"))
           : kind == 1 ? ks_tr(N_("certificate"))
                       : ks_tr(N_("public key"));
}

static void print_objects(const ks_token_obj *o, size_t n)
{
    if (n == 0)
        printf("    %s\n", ks_tr(N_("(no keys or certificates)")));
    for (size_t i = 0; i < n; i++) {
        char *lab = ks_text_visible(o[i].label);
        printf("    %s \"%s\"", kind_name(o[i].kind), lab ? lab : "?");
        free(lab);
        if (o[i].kind != 1)
            printf(" %s", o[i].key_type == EVP_PKEY_RSA  ? "RSA"
                          : o[i].key_type == EVP_PKEY_EC ? "EC"
                                                         : "?");
        printf(" ID ");
        for (size_t k = 0; k < o[i].id_len; k++)
            printf("%02x", o[i].id[k]);
        if (o[i].kind == 0)
            printf(", %s, %s", o[i].sensitive ? ks_tr(N_("sensitive")) : ks_tr(N_("NOT sensitive")),
                   o[i].extractable ? ks_tr(N_("EXTRACTABLE")) : ks_tr(N_("not extractable")));
        printf("\n");
    }
}

static int cmd_list(const ks_cli_args *a, const char *mod)
{
    ks_error e;
    ks_p11 *p = NULL;
    ks_token_info *all = NULL;
    ks_token_obj *objs = NULL;
    size_t n = 0, nobj = 0;
    char *pin = NULL;
    const char *want = ks_cli_get(a, "token");
    bool with_pin = ks_cli_has(a, "pin-file") || ks_cli_has(a, "pin-env");
    ks_token_info chosen;
    memset(&chosen, 0, sizeof chosen);
    ks_status st = ks_p11_load(mod, &p, &e);
    if (st == KS_OK && with_pin)
        st = read_secret(a, "pin", N_("User PIN: "), &pin, &e);
    /* The token whose objects are shown: --token, else the only initialised one. */
    if (st == KS_OK && with_pin)
        st = ks_p11_find_token(p, want, &chosen, &e);
    if (st == KS_OK && with_pin)
        st = ks_p11_list_objects(p, chosen.label, pin, &objs, &nobj, &e);
    if (st == KS_OK && want && !with_pin)
        st = ks_p11_find_token(p, want, &chosen, &e);
    /* Read the PIN state after the login: a token clears its low-count flag on success. */
    if (st == KS_OK)
        st = ks_p11_list(p, &all, &n, &e);
    if (st != KS_OK)
        goto done;
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        const ks_token_info *t = &all[i];
        if (want && strcmp(t->label, want) != 0)
            continue;
        shown++;
        /* labels, maker and model come from the token (any card put in the reader) */
        char *v[4] = {ks_text_visible(t->initialized ? t->label : ""),
                      ks_text_visible(t->manufacturer), ks_text_visible(t->model),
                      ks_text_visible(t->serial)};
        printf(ks_tr(N_("slot %lu: token \"%s\" (%s %s, serial %s): %s\n")), t->slot,
               v[0] ? v[0] : "?", v[1] ? v[1] : "?", v[2] ? v[2] : "?", v[3] ? v[3] : "?",
               ks_tr(ks_token_pin_state(t)));
        for (int k = 0; k < 4; k++)
            free(v[k]);
        if (with_pin && t->slot == chosen.slot)
            print_objects(objs, nobj);
    }
    if (shown == 0)
        printf("%s\n", ks_tr(N_("no tokens")));
done:
    ks_secret_free(pin);
    free(objs);
    free(all);
    ks_p11_unload(p);
    return st == KS_OK ? KS_EXIT_OK : ks_cli_fail(&e);
}

static int cmd_init(const ks_cli_args *a, const char *mod)
{
    ks_error e;
    char *so = NULL, *pin = NULL;
    const char *label = ks_cli_get(a, "token");
    if (!label)
        return ks_cli_usage(N_("\"kyso token init\" needs --token LABEL (the new token's label)"));
    ks_status st = read_secret(a, "so-pin", N_("New SO PIN: "), &so, &e);
    if (st == KS_OK)
        st = read_secret(a, "pin", N_("New user PIN: "), &pin, &e);
    if (st == KS_OK)
        st = ks_token_init(mod, label, so, pin, &e);
    ks_secret_free(so);
    ks_secret_free(pin);
    if (st != KS_OK)
        return ks_cli_fail(&e);
    printf(ks_tr(N_("Token \"%s\" initialised; the user PIN is set\n")), label);
    return KS_EXIT_OK;
}

static int cmd_keygen(const ks_cli_args *a, const char *mod)
{
    ks_error e;
    char *pin = NULL;
    EVP_PKEY *pub = NULL;
    const char *label = ks_cli_get(a, "key-label"), *out = ks_cli_get(a, "out");
    const char *spec = ks_cli_get(a, "key-type");
    if (!label)
        return ks_cli_usage(N_("\"kyso token %s\" needs --key-label LABEL"), "keygen");
    if (!spec)
        spec = "rsa:3072";
    ks_status st = read_secret(a, "pin", N_("User PIN: "), &pin, &e);
    if (st == KS_OK)
        st = ks_token_keygen(mod, ks_cli_get(a, "token"), pin, label, spec, &pub, &e);
    ks_secret_free(pin);
    if (st == KS_OK && out) {
        BIO *b = BIO_new(BIO_s_mem());
        char *pem = NULL;
        long pl = 0;
        if (!b || PEM_write_bio_PUBKEY(b, pub) != 1 || (pl = BIO_get_mem_data(b, &pem)) <= 0)
            st = ks_error_set(&e, KS_E_CRYPTO, N_("cannot encode the public key as PEM"));
        else
            st = ks_write_file_atomic(out, pem, (size_t)pl, &e);
        BIO_free(b);
    }
    if (st == KS_OK)
        printf(ks_tr(N_("Key pair \"%s\" (%s, %d bits) generated in the token; the private key "
                        "cannot leave it\n")),
               label, spec, EVP_PKEY_get_bits(pub));
    if (st == KS_OK && out)
        printf(ks_tr(N_("Public key written to %s\n")), out);
    EVP_PKEY_free(pub);
    return st == KS_OK ? KS_EXIT_OK : ks_cli_fail(&e);
}

/* A certificate file in PEM or DER. */
static ks_status read_cert(const char *path, X509 **out, ks_error *e)
{
    uint8_t *d = NULL;
    size_t n = 0;
    *out = NULL;
    ks_status st = ks_read_file(path, 1u << 20, &d, &n, e);
    if (st != KS_OK)
        return st;
    BIO *b = BIO_new_mem_buf(d, (int)n);
    *out = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    if (!*out) {
        const unsigned char *p = d;
        *out = d2i_X509(NULL, &p, (long)n);
    }
    BIO_free(b);
    free(d);
    if (!*out)
        return ks_error_set(e, KS_E_FORMAT, N_("\"%s\" is not a certificate (PEM or DER)"), path);
    return KS_OK;
}

static int cmd_import(const ks_cli_args *a, const char *mod)
{
    ks_error e;
    char *pin = NULL, *pass = NULL;
    X509 *cert = NULL;
    const char *label = ks_cli_get(a, "key-label"), *p12 = ks_cli_get(a, "p12"),
               *certp = ks_cli_get(a, "cert"), *tok = ks_cli_get(a, "token");
    if (!label)
        return ks_cli_usage(N_("\"kyso token %s\" needs --key-label LABEL"), "import");
    if ((p12 != NULL) == (certp != NULL))
        return ks_cli_usage(N_("\"kyso token import\" needs exactly one of --p12 FILE or --cert "
                               "CERT.pem"));
    ks_status st = KS_OK;
    if (certp)
        st = read_cert(certp, &cert, &e);
    if (st == KS_OK && p12)
        st = read_secret(a, "p12-pass", N_("Password of the PKCS#12 file: "), &pass, &e);
    if (st == KS_OK)
        st = read_secret(a, "pin", N_("User PIN: "), &pin, &e);
    if (st == KS_OK && p12)
        st = ks_token_import_p12(mod, tok, pin, label, p12, pass, &e);
    else if (st == KS_OK)
        st = ks_token_put_cert(mod, tok, pin, label, cert, &e);
    ks_secret_free(pin);
    ks_secret_free(pass);
    X509_free(cert);
    if (st != KS_OK)
        return ks_cli_fail(&e);
    if (p12)
        printf(ks_tr(N_("Key and certificate of %s stored in the token as \"%s\" (key not "
                        "extractable)\n")),
               p12, label);
    else
        printf(ks_tr(N_("Certificate stored in the token beside key \"%s\"\n")), label);
    return KS_EXIT_OK;
}

static int cmd_change_pin(const ks_cli_args *a, const char *mod)
{
    ks_error e;
    char *old = NULL, *nw = NULL;
    ks_status st = read_secret(a, "pin", N_("Current user PIN: "), &old, &e);
    if (st == KS_OK)
        st = read_secret(a, "new-pin", N_("New user PIN: "), &nw, &e);
    if (st == KS_OK)
        st = ks_token_change_pin(mod, ks_cli_get(a, "token"), old, nw, &e);
    ks_secret_free(old);
    ks_secret_free(nw);
    if (st != KS_OK)
        return ks_cli_fail(&e);
    printf("%s\n", ks_tr(N_("User PIN changed")));
    return KS_EXIT_OK;
}

static int cmd_unblock(const ks_cli_args *a, const char *mod)
{
    ks_error e;
    char *so = NULL, *nw = NULL;
    /* Recovery is the SO's act (Mẫu 06 request, Sở KH&CN): never without the SO PIN. */
    ks_status st = read_secret(a, "so-pin", N_("SO PIN: "), &so, &e);
    if (st == KS_OK)
        st = read_secret(a, "new-pin", N_("New user PIN: "), &nw, &e);
    if (st == KS_OK)
        st = ks_token_unblock(mod, ks_cli_get(a, "token"), so, nw, &e);
    ks_secret_free(so);
    ks_secret_free(nw);
    if (st != KS_OK)
        return ks_cli_fail(&e);
    printf("%s\n", ks_tr(N_("Token unblocked: a new user PIN is set")));
    return KS_EXIT_OK;
}

int ks_cmd_token(int argc, char **argv)
{
    ks_cli_args a;
    int rc = ks_cli_parse(argc, argv, k_spec, &a);
    if (rc != 0)
        return rc;
    if (ks_cli_has(&a, "help")) {
        usage(stdout);
        return KS_EXIT_OK;
    }
    if (a.npos != 1) {
        usage(stderr);
        return ks_cli_usage(N_("\"kyso token\" needs one of list, init, keygen, import, "
                               "change-pin, unblock"));
    }
    const char *sub = a.pos[0], *mod = ks_cli_get(&a, "pkcs11");
    static const char *const subs[] = {"list",       "init",    "keygen", "import",
                                       "change-pin", "unblock", NULL};
    bool known = false;
    for (int i = 0; subs[i]; i++)
        known = known || strcmp(sub, subs[i]) == 0;
    if (!known)
        return ks_cli_usage(N_("unknown token command \"%s\""), sub);
    if (!mod)
        return ks_cli_usage(N_("\"kyso token %s\" needs --pkcs11 MODULE (the token's PKCS#11 "
                               "library)"),
                            sub);
    if (strcmp(sub, "list") == 0)
        return cmd_list(&a, mod);
    if (strcmp(sub, "init") == 0)
        return cmd_init(&a, mod);
    if (strcmp(sub, "keygen") == 0)
        return cmd_keygen(&a, mod);
    if (strcmp(sub, "import") == 0)
        return cmd_import(&a, mod);
    if (strcmp(sub, "change-pin") == 0)
        return cmd_change_pin(&a, mod);
    return cmd_unblock(&a, mod);
}
