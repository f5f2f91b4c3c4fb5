/* cli/main.c — the `kyso` program: picks the message language and dispatches to a command
 * group. All behaviour lives in libkyso; this file only parses and prints. */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kyso/net.h"
#include "kyso/util.h"
#include "kyso/version.h"

/* The program's state (a program may have some; the library has none). */
static const char *g_lang = "vi";
static ks_ctx *g_ctx;

const char *ks_cli_lang(void)
{
    return g_lang;
}

const ks_ctx *ks_cli_ctx(void)
{
    return g_ctx;
}

const char *ks_tr(const char *msgid)
{
    return ks_ctx_tr(g_ctx, g_lang, msgid);
}

const char *ks_cli_msg(const ks_error *err)
{
    static char buf[2 * KS_ERROR_MSG_MAX];
    return ks_error_str(g_ctx, g_lang, err, buf, sizeof buf);
}

time_t ks_cli_now(void)
{
    const char *e = getenv("KYSO_NOW");
    time_t t;
    if (e && *e && ks_time_parse(e, &t, NULL) == KS_OK)
        return t;
    return time(NULL);
}

static time_t cli_clock(void *arg)
{
    (void)arg;
    return ks_cli_now();
}

static ks_status cli_fetch(void *arg, const char *url, const char *content_type,
                           const uint8_t *body, size_t body_len, long timeout_ms, size_t max_len,
                           uint8_t **out, size_t *out_len, ks_error *err)
{
    (void)arg;
    if (!content_type)
        return ks_http_get(url, timeout_ms, max_len, out, out_len, err);
    return ks_http_post(url, content_type, body, body_len, timeout_ms, max_len, out, out_len, err);
}

/* Locale and catalogue: the environment is read here, never by the library. */
static void i18n_init(void)
{
    /* multibyte terminal output in the user's locale, numbers always with '.' */
    if (!setlocale(LC_ALL, ""))
        setlocale(LC_ALL, "C.UTF-8");
    setlocale(LC_NUMERIC, "C");
    const char *dir = getenv("KYSO_LOCALEDIR");
    ks_ctx_opts o = {.localedir = dir && *dir ? dir : NULL,
                     .lang = g_lang,
                     .clock = cli_clock,
                     .fetch = cli_fetch};
    ks_error e;
    if (ks_ctx_new(&o, &g_ctx, &e) != KS_OK) {
        fprintf(stderr, "kyso: warning: %s\n", e.msg_en);
        o.localedir = "";
        o.lang = "en";
        g_lang = "en";
        ks_ctx_new(&o, &g_ctx, NULL); /* English only */
    }
}

int ks_cli_exit_code(ks_status st)
{
    switch (st) {
    case KS_OK:
        return KS_EXIT_OK;
    case KS_E_USAGE:
        return KS_EXIT_USAGE;
    case KS_E_CRYPTO:
    case KS_E_TOKEN:
    case KS_E_TRUST:
        return KS_EXIT_KEY;
    default:
        return KS_EXIT_INPUT;
    }
}

/* Error text may quote the document (a field name, a font name): one line, nothing that acts
 * on the terminal. */
static void fail_line(const char *word, const char *msg)
{
    fprintf(stderr, "kyso: %s: ", word);
    char *v = ks_text_visible(msg);
    fputs(v ? v : "?", stderr);
    free(v);
    fputc('\n', stderr);
}

size_t ks_cli_mem_budget(void)
{
    const char *v = getenv("KYSO_MAX_MEMORY_MB");
    if (!v || !*v)
        return 0;
    char *end = NULL;
    long mb = strtol(v, &end, 10);
    if (*end || mb < 1 || mb > 65536)
        return 0;
    return (size_t)mb << 20;
}

int ks_cli_fail(const ks_error *err)
{
    if (strcmp(g_lang, "en") == 0) {
        fail_line("error", err->msg_en);
    } else {
        const char *msg = ks_cli_msg(err);
        fail_line("lỗi", msg);
        if (strcmp(msg, err->msg_en) != 0)
            fail_line("error", err->msg_en);
    }
    return ks_cli_exit_code(err->status);
}

int ks_cli_doc_password(const ks_cli_args *a, const char *prefix, char **pw)
{
    char file[32], env[32];
    snprintf(file, sizeof file, "%spassword-file", prefix);
    snprintf(env, sizeof env, "%spassword-env", prefix);
    *pw = NULL;
    if (!ks_cli_has(a, file) && !ks_cli_has(a, env))
        return 0;
    ks_error err;
    if (ks_secret_read(ks_cli_get(a, file), ks_cli_get(a, env), NULL, pw, &err) != KS_OK)
        return ks_cli_fail(&err);
    return 0;
}

int ks_cli_fail_doc(const ks_error *err, const char *prefix, bool had_password)
{
    int rc = ks_cli_fail(err);
    if (err->status == KS_E_PASSWORD && !had_password) {
        fprintf(stderr,
                ks_tr(N_("Give the document's password with --%spassword-file FILE or "
                         "--%spassword-env VAR.\n")),
                prefix, prefix);
    }
    return rc;
}

int ks_cli_usage(const char *fmt, ...)
{
    ks_error e;
    va_list ap;
    va_start(ap, fmt);
    ks_error_setv(&e, KS_E_USAGE, fmt, ap);
    va_end(ap);
    ks_cli_fail(&e);
    fprintf(stderr, "%s\n", ks_tr(N_("Try 'kyso --help'.")));
    return KS_EXIT_USAGE;
}

int ks_cli_parse(int argc, char **argv, const char *const *spec, ks_cli_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-o") == 0)
            arg = "--out";
        else if (strcmp(arg, "-h") == 0)
            arg = "--help";
        else if (strcmp(arg, "-d") == 0)
            arg = "--dir";
        if (strncmp(arg, "--", 2) != 0 || arg[2] == 0) {
            if (a->npos >= KS_CLI_MAX_ARGS)
                return ks_cli_usage(N_("too many arguments"));
            a->pos[a->npos++] = argv[i];
            continue;
        }
        const char *name = arg + 2;
        const char *inline_val = strchr(name, '=');
        size_t nlen = inline_val ? (size_t)(inline_val - name) : strlen(name);
        int found = -1, takes = 0;
        for (int k = 0; spec && spec[k]; k++) {
            size_t sl = strlen(spec[k]);
            int t = sl > 0 && spec[k][sl - 1] == '=';
            if (sl - (size_t)t == nlen && strncmp(spec[k], name, nlen) == 0) {
                found = k;
                takes = t;
                break;
            }
        }
        if (found < 0 && !(nlen == 4 && strncmp(name, "help", 4) == 0))
            return ks_cli_usage(N_("unknown option \"%s\""), argv[i]);
        if (a->count >= KS_CLI_MAX_ARGS)
            return ks_cli_usage(N_("too many arguments"));
        const char *val = NULL;
        if (takes) {
            if (inline_val)
                val = inline_val + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else
                return ks_cli_usage(N_("option \"--%.*s\" needs a value"), (int)nlen, name);
        } else if (inline_val) {
            return ks_cli_usage(N_("option \"--%.*s\" takes no value"), (int)nlen, name);
        }
        a->names[a->count] = found >= 0 ? spec[found] : "help";
        a->values[a->count] = val ? val : "";
        a->count++;
    }
    return 0;
}

static bool name_is(const char *specname, const char *name)
{
    size_t n = strlen(name);
    return strncmp(specname, name, n) == 0 && (specname[n] == 0 || specname[n] == '=');
}

const char *ks_cli_get(const ks_cli_args *a, const char *name)
{
    for (int i = a->count - 1; i >= 0; i--)
        if (name_is(a->names[i], name))
            return a->values[i];
    return NULL;
}

bool ks_cli_has(const ks_cli_args *a, const char *name)
{
    return ks_cli_get(a, name) != NULL;
}

int ks_cli_all(const ks_cli_args *a, const char *name, const char **out, int max)
{
    int n = 0;
    for (int i = 0; i < a->count && n < max; i++)
        if (name_is(a->names[i], name))
            out[n++] = a->values[i];
    return n;
}

static void usage(FILE *f)
{
    fprintf(f, "%s",
            ks_tr(N_("kyso — public-service digital signatures (PAdES) for official "
                     "documents\n\n"
                     "Usage:\n"
                     "  kyso pdf info FILE [--json]\n"
                     "  kyso pdf text FILE [--page N] [--json]\n"
                     "  kyso pdf check FILE [--json]\n"
                     "  kyso sign IN.pdf -o OUT.pdf (--p12 FILE | --key KEY --cert CERT | "
                     "--pkcs11 MODULE --token LABEL) ...\n"
                     "  kyso verify FILE [--trust PEM]... [--json] [--html OUT] "
                     "[--offline] [--lang vi|en]\n"
                     "  kyso ca init|issue|renew|change|revoke|crl|serve DIR ...\n"
                     "  kyso token list|init|keygen|import|change-pin|unblock --pkcs11 "
                     "MODULE ...\n"
                     "  kyso edxml pack|unpack|status ...\n\n"
                     "Options for every command: --lang vi|en (messages; default vi)\n"
                     "'kyso COMMAND --help' shows the options of a command.\n")));
}

int main(int argc, char **argv)
{
    /* --lang may appear anywhere; it is consumed here so that commands need not know it. */
    const char *lang = NULL;
    int j = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) {
            lang = argv[++i];
            continue;
        }
        if (strncmp(argv[i], "--lang=", 7) == 0) {
            lang = argv[i] + 7;
            continue;
        }
        argv[j++] = argv[i];
    }
    argc = j;
    argv[argc] = NULL;
    if (!lang)
        lang = getenv("KYSO_LANG");
    if (lang && strcmp(lang, "en") != 0 && strcmp(lang, "vi") != 0) {
        fprintf(stderr, "kyso: --lang must be vi or en\n");
        return KS_EXIT_USAGE;
    }
    g_lang = lang ? lang : "vi";
    i18n_init();
    /* Ctrl-C while a token signs, or a kill by a supervisor: no OUT.tmp-* is left behind. */
    ks_out_cleanup_on_signals();

    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? KS_EXIT_USAGE : KS_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("kyso %s\n", KYSO_VERSION_STRING);
        return 0;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "pdf") == 0)
        return ks_cmd_pdf(argc - 1, argv + 1);
    if (strcmp(cmd, "sign") == 0)
        return ks_cmd_sign(argc - 1, argv + 1);
    if (strcmp(cmd, "verify") == 0)
        return ks_cmd_verify(argc - 1, argv + 1);
    if (strcmp(cmd, "ca") == 0)
        return ks_cmd_ca(argc - 1, argv + 1);
    if (strcmp(cmd, "token") == 0)
        return ks_cmd_token(argc - 1, argv + 1);
    if (strcmp(cmd, "edxml") == 0)
        return ks_cmd_edxml(argc - 1, argv + 1);
    return ks_cli_usage(N_("unknown command \"%s\""), cmd);
}
