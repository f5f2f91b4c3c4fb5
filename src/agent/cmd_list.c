/* agent/cmd_list.c — "list": every certificate in the configured tokens, with the token's
 * PIN state and what to do about it. Reads public objects only: no PIN, no dialog. */
#include <string.h>

#include "agent.h"

static void member(ka_buf *b, const char *key, const char *val)
{
    ka_buf_printf(b, ",\"%s\":", key);
    ka_buf_json_str(b, val, strlen(val));
}

bool ka_cmd_list(const ka_req *r, ka_buf *out, ka_err *e)
{
    ka_certs all;
    if (!ka_p11_list(r->p11, &all, e))
        return false;
    ka_buf_puts(out, ",\"certificates\":[");
    for (size_t i = 0; i < all.n; i++) {
        const ka_cert *c = &all.v[i];
        ka_buf_puts(out, i ? ",{\"id\":\"" : "{\"id\":\"");
        ka_hex(out, c->fingerprint, sizeof c->fingerprint);
        ka_buf_puts(out, "\",\"certificate\":\"");
        ka_b64_encode(out, c->der, c->der_len);
        ka_buf_puts(out, "\"");
        member(out, "subject", c->info.subject_cn);
        member(out, "label", c->label);
        member(out, "keyType",
               c->info.key_type == KA_KEY_RSA  ? "RSA"
               : c->info.key_type == KA_KEY_EC ? "EC"
                                               : "unknown");
        if (c->info.ec_bits)
            ka_buf_printf(out, ",\"curveBits\":%d", c->info.ec_bits);
        ka_buf_puts(out, ",\"token\":{\"label\":");
        ka_buf_json_str(out, c->token_label, strlen(c->token_label));
        member(out, "manufacturer", c->manufacturer);
        member(out, "model", c->model);
        member(out, "serial", c->serial);
        member(out, "module", r->cfg->modules[c->module]);
        ka_buf_puts(out, "}");
        member(out, "pinState", ka_pin_state_code(&c->st));
        const char *t = ka_pin_state_text(&c->st);
        if (t)
            member(out, "pinStateText", ka_tr(t, r->en));
        ka_buf_printf(out, ",\"protectedPath\":%s}", c->st.protected_path ? "true" : "false");
    }
    ka_buf_puts(out, "]");
    ka_certs_free(&all);
    return true;
}
