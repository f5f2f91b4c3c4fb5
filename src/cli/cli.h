/* cli/cli.h — shared helpers of the `kyso` program: argument parsing, error printing and the
 * exit-code contract of docs/design.md. Commands live one group per file (cli_<group>.c). */
#ifndef KYSO_CLI_H
#define KYSO_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "kyso/ctx.h"
#include "kyso/error.h"

/* Exit codes (contract). */
enum {
    KS_EXIT_OK = 0,
    KS_EXIT_FAILED = 1,        /* verification TOTAL-FAILED */
    KS_EXIT_INDETERMINATE = 2, /* verification INDETERMINATE */
    KS_EXIT_USAGE = 3,
    KS_EXIT_INPUT = 4, /* unreadable, not a PDF, damaged */
    KS_EXIT_KEY = 5,   /* key or token error, unacceptable certificate */
};

/* Maps a library status to the program's exit code. */
int ks_cli_exit_code(ks_status st);
/* Prints "kyso: lỗi: <msg>" (and the English text when the language is Vietnamese) to stderr
 * and returns the exit code for err->status. */
int ks_cli_fail(const ks_error *err);
/* Prints a usage error (msgid, printf-style) and returns KS_EXIT_USAGE. */
int ks_cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The language chosen for output: "vi" (default) or "en". */
const char *ks_cli_lang(void);
/* The program's library context (catalogue, clock honouring $KYSO_NOW, HTTP fetcher). */
const ks_ctx *ks_cli_ctx(void);
/* Translates a msgid into the output language (the program's; the library translates late). */
const char *ks_tr(const char *msgid);
/* An error's message in the output language (a buffer of the program's, valid until the next
 * call). */
const char *ks_cli_msg(const ks_error *err);
/* Now, or $KYSO_NOW (ISO 8601) for reproducible tests. */
time_t ks_cli_now(void);

/* Minimal long-option scanner shared by all commands: options are "--name" or "--name VALUE".
 * `spec` lists options as "name" (flag) or "name=" (takes a value); repeatable options keep
 * every value. Positional arguments are collected in order. */
#define KS_CLI_MAX_ARGS 64
typedef struct ks_cli_args {
    const char *names[KS_CLI_MAX_ARGS];
    const char *values[KS_CLI_MAX_ARGS];
    int count;
    const char *pos[KS_CLI_MAX_ARGS];
    int npos;
} ks_cli_args;
/* Returns 0 or an exit code after printing a usage error. Short aliases: "-o" = "--out",
 * "-h" = "--help", "-d" = "--dir". */
int ks_cli_parse(int argc, char **argv, const char *const *spec, ks_cli_args *a);
const char *ks_cli_get(const ks_cli_args *a, const char *name); /* last value or NULL */
bool ks_cli_has(const ks_cli_args *a, const char *name);
/* Collects every value of a repeatable option; returns the count (at most `max`). */
int ks_cli_all(const ks_cli_args *a, const char *name, const char **out, int max);

/* The password of an encrypted document from --<prefix>password-file FILE or
 * --<prefix>password-env VAR (prefix "" or "pdf-"); *pw stays NULL when neither is given, and is
 * freed with ks_secret_free. Returns 0, or an exit code after printing the error. */
int ks_cli_doc_password(const ks_cli_args *a, const char *prefix, char **pw);
/* ks_cli_fail, then, when the document needs a password and none was given, how to give one. */
int ks_cli_fail_doc(const ks_error *err, const char *prefix, bool had_password);
/* The memory budget per document from $KYSO_MAX_MEMORY_MB (1..65536), in bytes; 0 (the
 * library's default, 256 MB) when unset or not such a number. */
size_t ks_cli_mem_budget(void);

/* Command groups. argv[0] is the group word ("pdf", "sign", ...). */
int ks_cmd_pdf(int argc, char **argv);
int ks_cmd_sign(int argc, char **argv);
int ks_cmd_verify(int argc, char **argv);
int ks_cmd_ca(int argc, char **argv);
int ks_cmd_token(int argc, char **argv);

/* `kyso pdf text` lives beside the text extractor's owner (cli_pdf_text.c). */
int ks_cmd_pdf_text(int argc, char **argv);
/* `kyso pdf check` (Decree 30 format check, cli_pdf_check.c). */
int ks_cmd_pdf_check(int argc, char **argv);
/* `kyso pdf number-fields` and `kyso pdf fill-number` (cli_pdf_number.c). */
int ks_cmd_pdf_number(int argc, char **argv);
/* `kyso edxml pack|unpack` (cli_edxml.c). */
int ks_cmd_edxml(int argc, char **argv);

#endif
