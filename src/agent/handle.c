/* agent/handle.c — one request in, one reply out: parses the JSON, checks the command and its
 * members (unknown members are refused, so a typo never silently changes what is signed),
 * loads the token modules for the commands that need them and renders the reply. */
#include <string.h>

#include "agent.h"

void ka_reply_error(ka_buf *reply, const ka_err *e)
{
    reply->len = 0;
    ka_buf_puts(reply, "{\"ok\":false,\"error\":");
    ka_buf_json_str(reply, e->code ? e->code : "internal", strlen(e->code ? e->code : "internal"));
    ka_buf_puts(reply, ",\"message\":");
    ka_buf_json_str(reply, e->msg, strlen(e->msg));
    ka_buf_puts(reply, ",\"messageEn\":");
    ka_buf_json_str(reply, e->msg_en, strlen(e->msg_en));
    ka_buf_puts(reply, "}");
}

typedef struct command {
    const char *name;
    bool (*run)(const ka_req *, ka_buf *, ka_err *);
    const char *const keys[10];
} command;

static const command commands[] = {
    {"version", NULL, {"command", "lang", "id", NULL}},
    {"list", ka_cmd_list, {"command", "lang", "id", "origin", NULL}},
    {"sign",
     ka_cmd_sign,
     {"command", "lang", "id", "origin", "cert", "hashAlgorithm", "signatureAlgorithm", "documents",
      NULL}},
    {"authenticate", ka_cmd_auth, {"command", "lang", "id", "origin", "cert", "challenge", NULL}},
};

void ka_handle(const ka_config *cfg, const uint8_t *msg, size_t len, ka_buf *reply)
{
    ka_err e = {0};
    ka_json j;
    ka_buf body = {0}, warnings = {0};
    ka_p11 *p11 = NULL;
    bool ok = false;
    reply->len = 0;
    if (!ka_json_parse(&j, msg, len, &e))
        goto done;
    const ka_jnode *root = ka_json_at(&j, 0);
    ka_req r = {&j, root, cfg, NULL, &warnings, false};
    if (root->type != KA_J_OBJ) {
        ka_fail(&e, "bad-request", N_("the request must be a JSON object"));
        goto done;
    }
    const char *lang = ka_req_str(&r, "lang", NULL);
    if (lang && strcmp(lang, "en") == 0)
        r.en = e.en = true;
    else if (lang && strcmp(lang, "vi") != 0) {
        ka_fail(&e, "bad-request", N_("\"lang\" must be \"vi\" or \"en\""));
        goto done;
    }
    const char *name = ka_req_str(&r, "command", NULL);
    const command *cmd = NULL;
    for (size_t i = 0; name && i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            cmd = &commands[i];
    if (!cmd) {
        ka_fail(&e, "bad-request", N_("unknown command \"%.40s\""), name ? name : "");
        goto done;
    }
    const char *unknown = ka_json_unknown(&j, root, cmd->keys);
    if (unknown) {
        ka_fail(&e, "bad-request", N_("unknown member \"%.40s\" in the request"), unknown);
        goto done;
    }
    if (!cmd->run) {
        ka_buf_printf(&body, ",\"version\":\"%s\",\"protocol\":%d", KA_VERSION, KA_PROTOCOL);
    } else {
        if (cfg->n_modules == 0) {
            ka_fail(&e, "no-module",
                    N_("no PKCS#11 module is configured: add \"module = PATH\" lines to the "
                       "agent's configuration file"));
            goto done;
        }
        p11 = r.p11 = ka_p11_open(cfg, &warnings);
        if (!p11) {
            ka_fail(&e, "internal", N_("out of memory"));
            goto done;
        }
        if (!cmd->run(&r, &body, &e))
            goto done;
    }
    ka_buf_printf(reply, "{\"ok\":true,\"command\":\"%s\"", cmd->name);
    const char *id = ka_req_str(&r, "id", NULL);
    if (id && strlen(id) <= 64) {
        ka_buf_puts(reply, ",\"id\":");
        ka_buf_json_str(reply, id, strlen(id));
    }
    ka_buf_put(reply, body.p ? body.p : "", body.len);
    if (warnings.len) {
        ka_buf_puts(reply, ",\"warnings\":[");
        ka_buf_put(reply, warnings.p, warnings.len);
        ka_buf_puts(reply, "]");
    }
    ka_buf_puts(reply, "}");
    ok = !reply->oom && !body.oom;
    if (!ok)
        ka_fail(&e, "internal", N_("out of memory"));
    else if (reply->len > KA_REPLY_MAX) {
        ok = ka_fail(&e, "reply-too-large",
                     N_("the reply would exceed the browser's 1 MB limit for a native message"));
    }
done:
    if (!ok)
        ka_reply_error(reply, &e);
    ka_p11_close(p11);
    ka_json_free(&j);
    ka_buf_free(&body);
    ka_buf_free(&warnings);
}
