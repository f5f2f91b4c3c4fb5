/* cli/cli_edxml.c — `kyso edxml pack|unpack|status`: edXML packages (QCVN 102:2016, the schema
 * of docs/edxml.md) as files, for exchange with another kysod or the national exchange.
 * Behaviour lives in the edxml module; this file parses options and prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "kyso/edxml.h"
#include "kyso/util.h"

#define MAX_LIST 64

static void json_str(FILE *f, const char *s)
{
    ks_buf b = KS_BUF_INIT;
    if (ks_buf_json_str(&b, s ? s : ""))
        fwrite(b.data, 1, b.len, f);
    ks_buf_free(&b);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static const char *content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return "application/octet-stream";
    if (strcasecmp(dot, ".pdf") == 0)
        return "application/pdf";
    if (strcasecmp(dot, ".xml") == 0)
        return "application/xml";
    if (strcasecmp(dot, ".zip") == 0)
        return "application/zip";
    if (strcasecmp(dot, ".docx") == 0)
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    if (strcasecmp(dot, ".odt") == 0)
        return "application/vnd.oasis.opendocument.text";
    return "application/octet-stream";
}

/* "2026-03-05" → "2026/03/05" */
static bool edxml_date(const char *in, char out[16])
{
    if (!in || strlen(in) != 10 || in[4] != '-' || in[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (in[i] < '0' || in[i] > '9'))
            return false;
    snprintf(out, 16, "%.4s/%.2s/%.2s", in, in + 5, in + 8);
    return true;
}

static int cmd_pack(int argc, char **argv)
{
    static const char *const spec[] = {"from=",
                                       "from-name=",
                                       "to=",
                                       "number=",
                                       "notation=",
                                       "place=",
                                       "date=",
                                       "type=",
                                       "type-name=",
                                       "subject=",
                                       "content=",
                                       "signer-name=",
                                       "signer-position=",
                                       "competence=",
                                       "due=",
                                       "priority=",
                                       "attach=",
                                       "out=",
                                       NULL};
    ks_cli_args a;
    int rc = ks_cli_parse(argc, argv, spec, &a);
    if (rc)
        return rc;
    if (ks_cli_has(&a, "help")) {
        printf("%s", ks_tr(N_("Usage: kyso edxml pack --from ID [--from-name TEXT] --to ID "
                              "[--to ID]... --number N --notation SYMBOL --date YYYY-MM-DD "
                              "[--place TEXT] --type-name TEXT [--type CODE] --subject TEXT "
                              "--signer-name TEXT [--signer-position TEXT] [--competence TM.|KT.|"
                              "...] [--due YYYY-MM-DD] [--priority N] --attach FILE [--attach "
                              "FILE]... -o PKG.edxml\n")));
        return KS_EXIT_OK;
    }
    const char *out = ks_cli_get(&a, "out");
    if (a.npos != 0 || !out)
        return ks_cli_usage(N_("usage: kyso edxml pack --from ID --to ID ... --attach FILE -o "
                               "PKG.edxml"));
    char date[16], due[16];
    if (!edxml_date(ks_cli_get(&a, "date"), date))
        return ks_cli_usage(N_("--date: expected YYYY-MM-DD"));
    if (ks_cli_has(&a, "due") && !edxml_date(ks_cli_get(&a, "due"), due))
        return ks_cli_usage(N_("--due: expected YYYY-MM-DD"));
    const char *tos[MAX_LIST], *files[MAX_LIST];
    int nto = ks_cli_all(&a, "to", tos, MAX_LIST);
    int nfiles = ks_cli_all(&a, "attach", files, MAX_LIST);
    ks_edxml_organ to[MAX_LIST];
    ks_edxml_attachment att[MAX_LIST];
    uint8_t *data[MAX_LIST] = {0};
    memset(to, 0, sizeof to);
    memset(att, 0, sizeof att);
    for (int i = 0; i < nto; i++)
        to[i].organ_id = tos[i];
    ks_error err = {0};
    ks_buf xml = KS_BUF_INIT;
    rc = KS_EXIT_OK;
    for (int i = 0; i < nfiles; i++) {
        if (ks_read_file(files[i], KS_EDXML_MAX_ATTACHMENT, &data[i], &att[i].len, &err)) {
            rc = ks_cli_fail(&err);
            goto done;
        }
        att[i].data = data[i];
        att[i].name = base_name(files[i]);
        att[i].content_type = content_type(att[i].name);
    }
    char ts[32];
    ks_edxml_timestamp(ks_cli_now(), ts);
    ks_edxml_trace trace = {ks_cli_get(&a, "from"), ts};
    ks_edxml_doc d = {
        .from = {.organ_id = ks_cli_get(&a, "from"), .organ_name = ks_cli_get(&a, "from-name")},
        .to = to,
        .nto = (size_t)nto,
        .code_number = ks_cli_get(&a, "number"),
        .code_notation = ks_cli_get(&a, "notation"),
        .place = ks_cli_get(&a, "place"),
        .promulgation_date = date,
        .type = ks_cli_get(&a, "type"),
        .type_name = ks_cli_get(&a, "type-name"),
        .subject = ks_cli_get(&a, "subject"),
        .content = ks_cli_get(&a, "content"),
        .signer_competence = ks_cli_get(&a, "competence"),
        .signer_position = ks_cli_get(&a, "signer-position"),
        .signer_full_name = ks_cli_get(&a, "signer-name"),
        .due_date = ks_cli_has(&a, "due") ? due : NULL,
        .priority = ks_cli_get(&a, "priority"),
        .traces = &trace,
        .ntraces = 1,
        .attachments = att,
        .nattachments = (size_t)nfiles,
    };
    if (ks_edxml_pack(&d, &xml, &err) || ks_write_file_atomic(out, xml.data, xml.len, &err)) {
        rc = ks_cli_fail(&err);
        goto done;
    }
done:
    for (int i = 0; i < nfiles; i++)
        free(data[i]);
    ks_buf_free(&xml);
    return rc;
}

/* A file name from a package, safe inside DIR: its last path component, never "", "." or "..",
 * no control characters; otherwise "attachment-<content id>". */
static void safe_name(const ks_edxml_attachment *at, size_t i, char *out, size_t cap)
{
    const char *n = at->name;
    const char *s1 = strrchr(n, '/'), *s2 = strrchr(n, '\\');
    if (s1 || s2)
        n = (s1 > s2 ? s1 : s2) + 1;
    bool ok = *n && strcmp(n, ".") != 0 && strcmp(n, "..") != 0 && strlen(n) < 200;
    for (const char *p = n; ok && *p; p++)
        ok = (unsigned char)*p >= 0x20 && *p != 0x7f;
    if (ok)
        snprintf(out, cap, "%s", n);
    else
        snprintf(out, cap, "attachment-%zu", i + 1);
}

static void print_organ(FILE *f, const ks_edxml_organ *o)
{
    fputs("{\"organ_id\": ", f);
    json_str(f, o->organ_id);
    fputs(", \"organ_name\": ", f);
    json_str(f, o->organ_name);
    fputs("}", f);
}

static void print_field(FILE *f, const char *key, const char *v, bool comma)
{
    fprintf(f, "%s\"%s\": ", comma ? ", " : "", key);
    if (v)
        json_str(f, v);
    else
        fputs("null", f);
}

static int print_status(const ks_edxml_status *s, bool json)
{
    if (json) {
        fputs("{\"kind\": \"status\", ", stdout);
        print_field(stdout, "status", ks_edxml_status_name(s->code), false);
        fprintf(stdout, ", \"status_code\": %d, \"from\": ", s->code);
        print_organ(stdout, &s->from);
        print_field(stdout, "for_organ_id", s->for_organ_id, true);
        print_field(stdout, "for_code", s->for_code, true);
        print_field(stdout, "for_document_id", s->for_document_id, true);
        print_field(stdout, "description", s->description, true);
        print_field(stdout, "timestamp", s->timestamp, true);
        print_field(stdout, "staff", s->staff, true);
        fputs("}\n", stdout);
    } else {
        printf(ks_tr(N_("Status %02d (%s) from %s for %s at %s\n")), s->code,
               ks_edxml_status_name(s->code), s->from.organ_id, s->for_document_id,
               s->timestamp ? s->timestamp : "");
        if (s->description && *s->description)
            printf(ks_tr(N_("Reason: %s\n")), s->description);
    }
    return KS_EXIT_OK;
}

static int cmd_unpack(int argc, char **argv)
{
    static const char *const spec[] = {"dir=", "json", NULL};
    ks_cli_args a;
    int rc = ks_cli_parse(argc, argv, spec, &a);
    if (rc)
        return rc;
    if (ks_cli_has(&a, "help")) {
        printf("%s", ks_tr(N_("Usage: kyso edxml unpack PKG.edxml [-d DIR] [--json]\n  Reads a "
                              "package (or a status reply), prints its metadata and writes its "
                              "files into DIR.\n")));
        return KS_EXIT_OK;
    }
    if (a.npos != 1)
        return ks_cli_usage(N_("usage: kyso edxml unpack PKG.edxml [-d DIR] [--json]"));
    const char *dir = ks_cli_get(&a, "dir");
    bool json = ks_cli_has(&a, "json");
    ks_error err = {0}, serr = {0};
    uint8_t *xml = NULL;
    size_t len = 0;
    ks_edxml_package *p = NULL;
    ks_edxml_status_msg *sm = NULL;
    if (ks_read_file(a.pos[0], KS_EDXML_MAX_PACKAGE, &xml, &len, &err)) {
        rc = ks_cli_fail(&err);
        goto done;
    }
    if (ks_edxml_unpack(xml, len, NULL, &p, &err)) {
        if (err.status == KS_E_FORMAT &&
            ks_edxml_status_unpack(xml, len, NULL, &sm, &serr) == KS_OK) {
            rc = print_status(&sm->status, json);
            goto done;
        }
        rc = ks_cli_fail(&err);
        if (rc == KS_EXIT_FAILED || rc == KS_EXIT_INDETERMINATE)
            rc = KS_EXIT_INPUT;
        goto done;
    }
    const ks_edxml_doc *d = &p->doc;
    if (dir && mkdir(dir, 0777) != 0 && errno != EEXIST) {
        ks_error_set(&err, KS_E_IO, N_("cannot create directory \"%s\": %s"), dir, strerror(errno));
        rc = ks_cli_fail(&err);
        goto done;
    }
    char names[KS_EDXML_MAX_ATTACHMENTS][224];
    for (size_t i = 0; i < d->nattachments; i++) {
        char base[208];
        safe_name(&d->attachments[i], i, base, sizeof base);
        snprintf(names[i], sizeof names[i], "%s", base);
        for (size_t j = 0; j < i; j++) /* same name twice: the second gets its content id */
            if (strcmp(names[j], names[i]) == 0)
                snprintf(names[i], sizeof names[i], "%zu-%s", i + 1, base);
        if (dir) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            if (ks_write_file_atomic(path, d->attachments[i].data, d->attachments[i].len, &err)) {
                rc = ks_cli_fail(&err);
                goto done;
            }
        }
    }
    if (json) {
        fputs("{\"kind\": \"document\", \"from\": ", stdout);
        print_organ(stdout, &d->from);
        fputs(", \"to\": [", stdout);
        for (size_t i = 0; i < d->nto; i++) {
            fputs(i ? ", " : "", stdout);
            print_organ(stdout, &d->to[i]);
        }
        fputs("]", stdout);
        print_field(stdout, "code_number", d->code_number, true);
        print_field(stdout, "code_notation", d->code_notation, true);
        print_field(stdout, "place", d->place, true);
        print_field(stdout, "promulgation_date", d->promulgation_date, true);
        print_field(stdout, "type_name", d->type_name, true);
        print_field(stdout, "subject", d->subject, true);
        print_field(stdout, "signer_competence", d->signer_competence, true);
        print_field(stdout, "signer_position", d->signer_position, true);
        print_field(stdout, "signer_full_name", d->signer_full_name, true);
        print_field(stdout, "document_id", d->document_id, true);
        fputs(", \"traces\": [", stdout);
        for (size_t i = 0; i < d->ntraces; i++) {
            fputs(i ? ", {" : "{", stdout);
            print_field(stdout, "organ_id", d->traces[i].organ_id, false);
            print_field(stdout, "timestamp", d->traces[i].timestamp, true);
            fputs("}", stdout);
        }
        fputs("], \"attachments\": [", stdout);
        for (size_t i = 0; i < d->nattachments; i++) {
            fputs(i ? ", {" : "{", stdout);
            print_field(stdout, "content_id", d->attachments[i].content_id, false);
            print_field(stdout, "name", d->attachments[i].name, true);
            print_field(stdout, "file", names[i], true);
            print_field(stdout, "content_type", d->attachments[i].content_type, true);
            fprintf(stdout, ", \"size\": %zu}", d->attachments[i].len);
        }
        fputs("]}\n", stdout);
    } else {
        printf(ks_tr(N_("Document %s/%s of %s (%s), %s\n")), d->code_number, d->code_notation,
               d->from.organ_id, d->promulgation_date, d->type_name ? d->type_name : "");
        printf(ks_tr(N_("Subject: %s\n")), d->subject);
        printf(ks_tr(N_("Signer: %s %s %s\n")), d->signer_competence ? d->signer_competence : "",
               d->signer_position ? d->signer_position : "",
               d->signer_full_name ? d->signer_full_name : "");
        for (size_t i = 0; i < d->nto; i++)
            printf(ks_tr(N_("To: %s\n")), d->to[i].organ_id);
        for (size_t i = 0; i < d->nattachments; i++)
            printf(ks_tr(N_("File %s: %s (%zu bytes)\n")), d->attachments[i].content_id, names[i],
                   d->attachments[i].len);
    }
    rc = KS_EXIT_OK;
done:
    ks_edxml_package_free(p);
    ks_edxml_status_msg_free(sm);
    free(xml);
    return rc;
}

static int cmd_status(int argc, char **argv)
{
    static const char *const spec[] = {
        "code=", "from=", "from-name=", "reason=", "staff=", "department=", "out=", NULL};
    ks_cli_args a;
    int rc = ks_cli_parse(argc, argv, spec, &a);
    if (rc)
        return rc;
    if (ks_cli_has(&a, "help")) {
        printf("%s", ks_tr(N_("Usage: kyso edxml status PKG.edxml --code received|rejected|"
                              "accepted|assigned|processing|done --from ID [--reason TEXT] "
                              "[--staff NAME] [--department TEXT] -o STATUS.xml\n")));
        return KS_EXIT_OK;
    }
    const char *out = ks_cli_get(&a, "out");
    int code = ks_edxml_status_from_name(ks_cli_get(&a, "code"));
    if (a.npos != 1 || !out)
        return ks_cli_usage(N_("usage: kyso edxml status PKG.edxml --code NAME --from ID -o "
                               "STATUS.xml"));
    if (!code)
        return ks_cli_usage(N_("--code: expected received, rejected, accepted, assigned, "
                               "processing or done"));
    ks_error err = {0};
    uint8_t *xml = NULL;
    size_t len = 0;
    ks_edxml_package *p = NULL;
    ks_buf b = KS_BUF_INIT;
    if (ks_read_file(a.pos[0], KS_EDXML_MAX_PACKAGE, &xml, &len, &err) ||
        ks_edxml_unpack(xml, len, NULL, &p, &err)) {
        rc = ks_cli_fail(&err);
        goto done;
    }
    char ts[32], codebuf[256];
    ks_edxml_timestamp(ks_cli_now(), ts);
    snprintf(codebuf, sizeof codebuf, "%s/%s", p->doc.code_number, p->doc.code_notation);
    ks_edxml_status s = {
        .for_organ_id = p->doc.from.organ_id,
        .for_code = codebuf,
        .for_promulgation_date = p->doc.promulgation_date,
        .for_document_id = p->doc.document_id,
        .from = {.organ_id = ks_cli_get(&a, "from"), .organ_name = ks_cli_get(&a, "from-name")},
        .code = code,
        .description = ks_cli_get(&a, "reason"),
        .timestamp = ts,
        .department = ks_cli_get(&a, "department"),
        .staff = ks_cli_get(&a, "staff"),
    };
    if (ks_edxml_status_pack(&s, &b, &err) || ks_write_file_atomic(out, b.data, b.len, &err)) {
        rc = ks_cli_fail(&err);
        goto done;
    }
    rc = KS_EXIT_OK;
done:
    ks_buf_free(&b);
    ks_edxml_package_free(p);
    free(xml);
    return rc;
}

int ks_cmd_edxml(int argc, char **argv)
{
    if (argc < 2)
        return ks_cli_usage(N_("usage: kyso edxml pack|unpack|status ..."));
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        char *p[] = {"pack", "--help", NULL}, *u[] = {"unpack", "--help", NULL},
             *s[] = {"status", "--help", NULL};
        cmd_pack(2, p);
        cmd_unpack(2, u);
        return cmd_status(2, s);
    }
    if (strcmp(argv[1], "pack") == 0)
        return cmd_pack(argc - 1, argv + 1);
    if (strcmp(argv[1], "unpack") == 0)
        return cmd_unpack(argc - 1, argv + 1);
    if (strcmp(argv[1], "status") == 0)
        return cmd_status(argc - 1, argv + 1);
    return ks_cli_usage(N_("unknown command \"edxml %s\""), argv[1]);
}
