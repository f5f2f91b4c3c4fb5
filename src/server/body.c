/* server/body.c — request bodies: one JSON object (jansson rejects malformed JSON, invalid UTF-8,
 * NUL in strings and duplicate keys), then a field-by-field check that names the first bad
 * field: unknown members, wrong types, lengths, allowed values and patterns. */
#include <stdlib.h>
#include <string.h>

#include "kyso/util.h"
#include "server.h"

int kysod_body_object(kysod_req *r, json_t **out)
{
    *out = NULL;
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    if (!ct || strncmp(ct, "application/json", 16) != 0)
        return kysod_fail(r, 415, "unsupported_media_type", NULL,
                          N_("the request body must be JSON (Content-Type: application/json)"));
    json_error_t je;
    json_t *j = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &je);
    if (!j)
        return kysod_fail(r, 400, "invalid_json", NULL,
                          N_("the request body is not valid JSON (byte %d): %s"), je.position,
                          je.text);
    if (!json_is_object(j)) {
        json_decref(j);
        return kysod_fail(r, 400, "invalid_json", NULL, N_("the request body must be an object"));
    }
    *out = j;
    return 0;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static bool pattern_ok(const char *pat, const char *s)
{
    size_t n = strlen(s);
    if (strcmp(pat, "code") == 0) { /* mã định danh: letters, digits, dots; 1..35 */
        if (n < 1 || n > 35)
            return false;
        for (size_t i = 0; i < n; i++)
            if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
                  (s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
                return false;
        return true;
    }
    if (strcmp(pat, "login") == 0) {
        if (n < 2 || n > 64)
            return false;
        for (size_t i = 0; i < n; i++)
            if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
                  s[i] == '_' || s[i] == '-'))
                return false;
        return true;
    }
    if (strcmp(pat, "hex") == 0) {
        if (n < 1 || n > 40)
            return false;
        for (size_t i = 0; i < n; i++)
            if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
                  (s[i] >= 'A' && s[i] <= 'F')))
                return false;
        return true;
    }
    return true;
}

int kysod_body_check(kysod_req *r, json_t *obj, const kysod_field *f, int n, bool partial)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        const kysod_field *hit = NULL;
        for (int i = 0; i < n; i++)
            if (strcmp(f[i].name, key) == 0)
                hit = &f[i];
        if (!hit)
            return kysod_fail(r, 400, "invalid_field", key, N_("unknown field \"%.64s\""), key);
        bool ok = true;
        switch (hit->type) {
        case F_STR:
        case F_TIME:
            ok = json_is_string(v);
            break;
        case F_INT:
            ok = json_is_integer(v) && json_integer_value(v) > 0;
            break;
        case F_INT_NULL:
            ok = json_is_null(v) || (json_is_integer(v) && json_integer_value(v) > 0);
            break;
        case F_OBJ:
            ok = json_is_object(v);
            break;
        }
        if (!ok)
            return kysod_fail(r, 400, "invalid_field", key,
                              hit->type == F_STR || hit->type == F_TIME
                                  ? N_("field \"%s\" must be a string")
                              : hit->type == F_OBJ ? N_("field \"%s\" must be an object")
                                                   : N_("field \"%s\" must be a positive integer"),
                              key);
        if (hit->type == F_STR) {
            /* stored and compared as NFC, whatever form the client typed (requirements: UTF-8,
             * NFC); jansson has checked the UTF-8 already */
            const char *raw = json_string_value(v);
            char *nfc = ks_utf8_nfc(raw, strlen(raw));
            if (nfc && strcmp(nfc, raw) != 0) {
                json_object_set_new(obj, key, json_string(nfc));
                v = json_object_get(obj, key);
            }
            free(nfc);
            const char *s = json_string_value(v);
            if (hit->max_len && utf8_chars(s) > (size_t)hit->max_len)
                return kysod_fail(r, 400, "invalid_field", key,
                                  N_("field \"%s\" is longer than %d characters"), key,
                                  hit->max_len);
            if (hit->pattern && !pattern_ok(hit->pattern, s))
                return kysod_fail(r, 400, "invalid_field", key,
                                  strcmp(hit->pattern, "code") == 0
                                      ? N_("field \"%s\" must be 1 to 35 letters, digits or dots")
                                  : strcmp(hit->pattern, "login") == 0
                                      ? N_("field \"%s\" must be 2 to 64 of a-z 0-9 . _ -")
                                      : N_("field \"%s\" must be hexadecimal digits"),
                                  key);
            if (hit->values) {
                bool in = false;
                for (const char *const *p = hit->values; *p; p++)
                    in = in || strcmp(*p, s) == 0;
                if (!in)
                    return kysod_fail(r, 400, "invalid_field", key,
                                      N_("field \"%s\" has a value that is not allowed"), key);
            }
            for (const char *p = s; *p; p++)
                if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
                    return kysod_fail(r, 400, "invalid_field", key,
                                      N_("field \"%s\" contains a control character"), key);
        }
        if (hit->type == F_TIME) {
            int64_t t;
            if (!kysod_time_parse(json_string_value(v), &t))
                return kysod_fail(r, 400, "invalid_field", key,
                                  N_("field \"%s\" must be an ISO 8601 time"), key);
        }
        if (hit->type == F_OBJ) {
            char *s = json_dumps(v, JSON_COMPACT);
            size_t len = s ? strlen(s) : 0;
            free(s);
            if (len > 4096)
                return kysod_fail(r, 400, "invalid_field", key, N_("field \"%s\" is too large"),
                                  key);
        }
    }
    for (int i = 0; !partial && i < n; i++)
        if (f[i].required && !json_object_get(obj, f[i].name))
            return kysod_fail(r, 400, "invalid_field", f[i].name, N_("field \"%s\" is required"),
                              f[i].name);
    return 0;
}

const char *kysod_str(json_t *obj, const char *key, const char *dflt)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : dflt;
}

int64_t kysod_int(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

bool kysod_has(json_t *obj, const char *key)
{
    return json_object_get(obj, key) != NULL;
}
