/* cli/cli_sign.c — `kyso sign IN.pdf -o OUT.pdf ...`: parses options, loads the signer (PKCS#12,
 * PEM key + certificate, or PKCS#11 token), reads the secret without argv, and runs
 * ks_sign_file. Prints the outcome; all behaviour lives in sign/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kyso/numfields.h"
#include "kyso/sign.h"
#include "kyso/token.h"

static const char *const spec[] = {"out=",
                                   "p12=",
                                   "key=",
                                   "cert=",
                                   "pkcs11=",
                                   "token=",
                                   "key-label=",
                                   "chain=",
                                   "pin-file=",
                                   "pin-env=",
                                   "kind=",
                                   "level=",
                                   "tsa=",
                                   "reason=",
                                   "location=",
                                   "subfilter=",
                                   "hash=",
                                   "pss",
                                   "field=",
                                   "in-place",
                                   "offline",
                                   "repair",
                                   "image=",
                                   "seal-mm=",
                                   "page=",
                                   "rect=",
                                   "title=",
                                   "name=",
                                   "copy-form=",
                                   "org-name=",
                                   "doc-number=",
                                   "contact=",
                                   "time-style=",
                                   "pdf-password-file=",
                                   "pdf-password-env=",
                                   "extend=",
                                   "lock=",
                                   NULL};

static void help(void)
{
    printf(
        "%s",
        ks_tr(N_("Usage: kyso sign IN.pdf -o OUT.pdf (--p12 FILE | --key KEY.pem --cert CERT.pem "
                 "| --pkcs11 MODULE --token LABEL [--key-label L])\n"
                 "       [--chain FILE] [--pin-file FILE | --pin-env VAR]\n"
                 "       [--kind invisible|personal|organization|copy|attachment]\n"
                 "       [--level B-B|B-T|B-LT|B-LTA] [--tsa URL] [--reason TEXT] "
                 "[--location TEXT]\n"
                 "       [--subfilter pades|pkcs7] [--hash sha256|sha384|sha512] [--pss]\n"
                 "       [--image PNG] [--seal-mm D] [--page N|last] [--rect X0,Y0,X1,Y1]\n"
                 "       [--title TEXT --name TEXT] [--copy-form TEXT] [--org-name TEXT]\n"
                 "       [--doc-number TEXT] [--time-style iso|label]\n"
                 "       [--field NAME] [--in-place] [--offline] [--repair]\n"
                 "       [--pdf-password-file FILE | --pdf-password-env VAR]  (an encrypted "
                 "IN.pdf)\n"
                 "PINs and passwords come from --pin-file, --pin-env or a prompt, never from "
                 "the command line.\n")));
    printf("%s",
           ks_tr(N_("  --lock all|number-fields   FieldMDP: lock every form field, or all but "
                    "the number and date fields of `kyso pdf number-fields`\n")));
    printf("%s", ks_tr(N_("Long-term validation data for a signed document (B-LTA: also a "
                          "document timestamp):\n"
                          "  kyso sign --extend SIGNED.pdf -o OUT.pdf --level B-LT|B-LTA "
                          "[--tsa URL]\n")));
    printf("%s",
           ks_tr(N_("\nExamples, one per kind:\n"
                    "  # the competent person: blue signature image between the title and the "
                    "name line\n"
                    "  kyso sign qd.pdf -o qd-1.pdf --p12 leader.p12 --pin-env PW --kind personal "
                    "--image signature.png --title \"CHỦ TỊCH\" --name \"Nguyễn Văn A\"\n"
                    "  # the clerk: the organisation's red seal, real size, over the left third "
                    "of it\n"
                    "  kyso sign qd-1.pdf -o qd-2.pdf --p12 org.p12 --pin-env PW --kind "
                    "organization --image seal.png --seal-mm 36 --level B-LT --tsa URL\n"
                    "  # an electronic copy: copy form, organisation and time at the top right\n"
                    "  kyso sign qd-2.pdf -o qd-sao-y.pdf --p12 org.p12 --pin-env PW --kind copy "
                    "--copy-form \"SAO Y\" --org-name \"Văn phòng UBND thành phố\"\n"
                    "  # an attachment in a separate file: document number and time\n"
                    "  kyso sign phu-luc.pdf -o phu-luc-ky.pdf --p12 org.p12 --pin-env PW --kind "
                    "attachment --doc-number \"123/QĐ-UBND\"\n"
                    "  # a key in a PKCS#11 token, no visible appearance\n"
                    "  kyso sign qd.pdf -o qd-ky.pdf --pkcs11 /usr/lib/softhsm/libsofthsm2.so "
                    "--token \"Nguyen Van A\" --pin-env PIN --kind invisible\n")));
}

static void warn_cb(void *user, const ks_error *w)
{
    (void)user;
    /* warnings quote certificates and documents: shown escaped, like every untrusted text */
    bool en = strcmp(ks_cli_lang(), "en") == 0;
    char *v = ks_text_visible(en ? w->msg_en : ks_cli_msg(w));
    fprintf(stderr, en ? "kyso: warning: %s\n" : "kyso: cảnh báo: %s\n", v ? v : "?");
    free(v);
}

static int load_signer(const ks_cli_args *a, ks_signer **out)
{
    const char *p12 = ks_cli_get(a, "p12"), *key = ks_cli_get(a, "key"),
               *cert = ks_cli_get(a, "cert"), *mod = ks_cli_get(a, "pkcs11"),
               *tok = ks_cli_get(a, "token"), *chain = ks_cli_get(a, "chain");
    const char *pin_file = ks_cli_get(a, "pin-file"), *pin_env = ks_cli_get(a, "pin-env");
    int sources = (p12 != NULL) + (key != NULL || cert != NULL) + (mod != NULL);
    if (sources != 1)
        return ks_cli_usage(N_("give exactly one key source: --p12, --key with --cert, or "
                               "--pkcs11 with --token"));
    if ((key != NULL) != (cert != NULL))
        return ks_cli_usage(N_("--key and --cert go together"));
    if (mod && !tok)
        return ks_cli_usage(N_("--pkcs11 needs --token LABEL"));
    ks_error err;
    ks_status st;
    char *secret = NULL;
    if (p12 || mod || pin_file || pin_env) {
        st = ks_secret_read(pin_file, pin_env,
                            mod ? ks_tr(N_("Token PIN: ")) : ks_tr(N_("Key password: ")), &secret,
                            &err);
        if (st != KS_OK)
            return ks_cli_fail(&err);
    }
    if (p12)
        st = ks_signer_from_p12(p12, secret ? secret : "", out, &err);
    else if (key)
        st = ks_signer_from_pem(key, cert, NULL, secret, out, &err);
    else
        st = ks_token_signer(mod, tok, ks_cli_get(a, "key-label"), secret, out, &err);
    ks_secret_free(secret);
    if (st == KS_OK && chain)
        st = ks_signer_add_chain(*out, chain, &err);
    if (st != KS_OK) {
        ks_signer_free(*out);
        *out = NULL;
        int rc = ks_cli_fail(&err);
        /* Anything wrong with the key source (unreadable or damaged key file, wrong password
         * or PIN) is a key error (exit 5), not an input-document error. */
        return st == KS_E_USAGE || st == KS_E_NOMEM ? rc : KS_EXIT_KEY;
    }
    return 0;
}

int ks_cmd_sign(int argc, char **argv)
{
    ks_cli_args a;
    int rc = ks_cli_parse(argc, argv, spec, &a);
    if (rc)
        return rc;
    if (ks_cli_has(&a, "help")) {
        help();
        return KS_EXIT_OK;
    }
    const char *extend = ks_cli_get(&a, "extend");
    if (extend ? a.npos != 0 : a.npos != 1)
        return ks_cli_usage(N_("kyso sign needs exactly one input file"));
    const char *out = ks_cli_get(&a, "out");
    if (!out)
        return ks_cli_usage(N_("kyso sign needs -o OUT.pdf"));

    ks_sign_opts o;
    ks_sign_opts_init(&o);
    o.ctx = ks_cli_ctx();
    o.signing_time = ks_cli_now();
    const char *v;
    if ((v = ks_cli_get(&a, "kind")) && !ks_sign_kind_parse(v, &o.kind))
        return ks_cli_usage(N_("unknown --kind \"%s\""), v);
    if ((v = ks_cli_get(&a, "level")) && !ks_sign_level_parse(v, &o.level))
        return ks_cli_usage(N_("unknown --level \"%s\" (B-B, B-T, B-LT or B-LTA)"), v);
    if ((v = ks_cli_get(&a, "subfilter"))) {
        if (strcmp(v, "pades") == 0)
            o.profile = KS_CMS_CADES;
        else if (strcmp(v, "pkcs7") == 0)
            o.profile = KS_CMS_PKCS7;
        else
            return ks_cli_usage(N_("unknown --subfilter \"%s\" (pades or pkcs7)"), v);
    }
    if ((v = ks_cli_get(&a, "hash"))) {
        if (strcmp(v, "sha256") == 0)
            o.md = KS_MD_SHA256;
        else if (strcmp(v, "sha384") == 0)
            o.md = KS_MD_SHA384;
        else if (strcmp(v, "sha512") == 0)
            o.md = KS_MD_SHA512;
        else
            return ks_cli_usage(N_("unknown --hash \"%s\" (sha256, sha384 or sha512)"), v);
    }
    if (ks_cli_has(&a, "pss"))
        o.scheme = KS_SIG_RSA_PSS;
    o.field_name = ks_cli_get(&a, "field");
    o.reason = ks_cli_get(&a, "reason");
    o.location = ks_cli_get(&a, "location");
    o.contact_info = ks_cli_get(&a, "contact");
    o.tsa_url = ks_cli_get(&a, "tsa");
    o.offline = ks_cli_has(&a, "offline");
    o.repair = ks_cli_has(&a, "repair");
    o.mem_budget = ks_cli_mem_budget();
    o.in_place = ks_cli_has(&a, "in-place");
    o.image_path = ks_cli_get(&a, "image");
    /* the visible signature's place and size: typed here, where the flags are known */
    if ((v = ks_cli_get(&a, "seal-mm"))) {
        char *end = NULL;
        o.seal_mm = strtod(v, &end);
        if (!*v || *end || !(o.seal_mm >= 5 && o.seal_mm <= 200))
            return ks_cli_usage(N_("--seal-mm \"%s\" is not a diameter from 5 to 200 millimetres"),
                                v);
    }
    if ((v = ks_cli_get(&a, "page"))) {
        char *end = NULL;
        o.page = strcmp(v, "last") == 0 ? KS_SIGN_PAGE_LAST : strtol(v, &end, 10);
        if (o.page != KS_SIGN_PAGE_LAST && (!*v || *end || o.page < 1))
            return ks_cli_usage(N_("--page \"%s\" is not \"last\" or a page number"), v);
    }
    if ((v = ks_cli_get(&a, "rect"))) {
        double r[4];
        int used = 0;
        if (sscanf(v, "%lf,%lf,%lf,%lf%n", &r[0], &r[1], &r[2], &r[3], &used) != 4 || v[used] ||
            r[0] == r[2] || r[1] == r[3])
            return ks_cli_usage(N_("--rect \"%s\" is not four numbers X0,Y0,X1,Y1 of a rectangle "
                                   "with an area"),
                                v);
        o.has_rect = true;
        o.rect = (ks_pdf_rect){r[0] < r[2] ? r[0] : r[2], r[1] < r[3] ? r[1] : r[3],
                               r[0] < r[2] ? r[2] : r[0], r[1] < r[3] ? r[3] : r[1]};
    }
    o.title = ks_cli_get(&a, "title");
    o.name = ks_cli_get(&a, "name");
    o.copy_form = ks_cli_get(&a, "copy-form");
    o.org_name = ks_cli_get(&a, "org-name");
    o.doc_number = ks_cli_get(&a, "doc-number");
    if ((v = ks_cli_get(&a, "time-style"))) {
        if (strcmp(v, "label") == 0)
            o.time_label = true;
        else if (strcmp(v, "iso") != 0)
            return ks_cli_usage(N_("unknown --time-style \"%s\" (iso or label)"), v);
    }
    if ((v = ks_cli_get(&a, "lock"))) {
        if (strcmp(v, "all") == 0)
            o.lock = KS_SIGN_LOCK_ALL;
        else if (strcmp(v, "number-fields") == 0)
            ks_numfields_lock(&o);
        else
            return ks_cli_usage(N_("unknown --lock \"%s\" (all or number-fields)"), v);
    }
    o.warn = warn_cb;
    /* (extending to B-LT adds validation data only: no timestamp is asked for) */
    if (o.level >= (extend ? KS_SIGN_B_LTA : KS_SIGN_B_T) && !o.tsa_url)
        return ks_cli_usage(N_("--level %s needs --tsa URL"), ks_sign_level_name(o.level));
    if ((o.kind == KS_SIGN_PERSONAL || o.kind == KS_SIGN_ORGANIZATION) && !o.image_path)
        return ks_cli_usage(N_("--kind %s needs --image PNG"), ks_cli_get(&a, "kind"));
    if (o.kind == KS_SIGN_ATTACHMENT && !o.doc_number)
        return ks_cli_usage(N_("--kind attachment needs --doc-number"));

    ks_error err;
    char *pdf_pw = NULL;
    if ((rc = ks_cli_doc_password(&a, "pdf-", &pdf_pw)) != 0)
        return rc;
    o.pdf_password = pdf_pw;
    if (extend) {
        if (o.level < KS_SIGN_B_LT) {
            ks_secret_free(pdf_pw);
            return ks_cli_usage(N_("--extend needs --level B-LT or B-LTA"));
        }
        ks_status xs = ks_sign_extend(extend, out, &o, &err);
        bool xpw = pdf_pw != NULL;
        ks_secret_free(pdf_pw);
        if (xs != KS_OK)
            return ks_cli_fail_doc(&err, "pdf-", xpw);
        printf(ks_tr(N_("Extended: %s (level %s)\n")), out, ks_sign_level_name(o.level));
        return KS_EXIT_OK;
    }
    ks_signer *signer = NULL;
    rc = load_signer(&a, &signer);
    if (rc) {
        ks_secret_free(pdf_pw);
        return rc;
    }
    ks_status st = KS_OK;
    if (!o.in_place && (strcmp(a.pos[0], out) == 0 || ks_same_file(a.pos[0], out))) {
        ks_error_set(&err, KS_E_USAGE,
                     N_("output \"%s\" is the input file; use --in-place to replace it"), out);
        st = KS_E_USAGE;
    }
    if (st == KS_OK)
        st = ks_sign_file(a.pos[0], out, &o, signer, &err);
    ks_signer_free(signer);
    bool had_pw = pdf_pw != NULL;
    ks_secret_free(pdf_pw);
    if (st != KS_OK)
        return ks_cli_fail_doc(&err, "pdf-", had_pw);
    printf(ks_tr(N_("Signed: %s (level %s)\n")), out, ks_sign_level_name(o.level));
    return KS_EXIT_OK;
}
