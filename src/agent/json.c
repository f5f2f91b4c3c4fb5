/* agent/json.c — a small strict JSON parser (RFC 8259) for the agent's requests.
 * Why hand-written: the agent must stay libc-only so that it cross-builds for Windows with
 * mingw-w64 alone and loads nothing but the token's module; Debian ships no mingw build of
 * jansson. It is kept small and strict (no extensions, no duplicate names, valid UTF-8 only,
 * bounded depth and node count) and fuzzed by fuzz/fuzz_agent_msg.c. */
#include <stdlib.h>
#include <string.h>

#include "agent.h"

typedef struct parser {
    const uint8_t *p;
    size_t len, pos;
    ka_json *j;
    ka_err *e;
} parser;

static bool fail_at(parser *ps, const char *what)
{
    return ka_fail(ps->e, "bad-json", N_("malformed JSON at byte %zu: %s"), ps->pos, what);
}

static void skip_ws(parser *ps)
{
    while (ps->pos < ps->len) {
        uint8_t c = ps->p[ps->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        ps->pos++;
    }
}

static int new_node(parser *ps, int type)
{
    if (ps->j->count >= KA_JSON_NODES_MAX)
        return -1;
    int i = ps->j->count++;
    ka_jnode *n = &ps->j->nodes[i];
    memset(n, 0, sizeof *n);
    n->type = type;
    n->next = -1;
    n->child = -1;
    return i;
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool read_u4(parser *ps, unsigned *out)
{
    if (ps->len - ps->pos < 4)
        return fail_at(ps, "short \\u escape");
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(ps->p[ps->pos + (size_t)k]);
        if (h < 0)
            return fail_at(ps, "bad \\u escape");
        v = (v << 4) | (unsigned)h;
    }
    ps->pos += 4;
    *out = v;
    return true;
}

static void put_utf8(ka_json *j, unsigned cp)
{
    char *o = j->strings + j->strings_len;
    size_t n;
    if (cp < 0x80) {
        o[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    j->strings_len += n;
}

/* Decodes the string at ps->pos (just after its opening quote) into j->strings. The
 * decoded form never outgrows the literal, so strings_cap = input length + 1 suffices. */
static bool parse_string(parser *ps, const char **out, size_t *out_len)
{
    ka_json *j = ps->j;
    size_t start = j->strings_len;
    for (;;) {
        if (ps->pos >= ps->len)
            return fail_at(ps, "unterminated string");
        uint8_t c = ps->p[ps->pos];
        if (c == '"') {
            ps->pos++;
            break;
        }
        if (c < 0x20)
            return fail_at(ps, "control character in string");
        if (c == '\\') {
            ps->pos++;
            if (ps->pos >= ps->len)
                return fail_at(ps, "unterminated string");
            uint8_t x = ps->p[ps->pos++];
            const char *simple = strchr("\"\\/bfnrt", x);
            if (x && simple) {
                static const char map[] = "\"\\/\b\f\n\r\t";
                j->strings[j->strings_len++] = map[simple - "\"\\/bfnrt"];
                continue;
            }
            if (x != 'u')
                return fail_at(ps, "bad escape");
            unsigned cp;
            if (!read_u4(ps, &cp))
                return false;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return fail_at(ps, "lone low surrogate");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (ps->len - ps->pos < 2 || ps->p[ps->pos] != '\\' || ps->p[ps->pos + 1] != 'u')
                    return fail_at(ps, "lone high surrogate");
                ps->pos += 2;
                if (!read_u4(ps, &lo))
                    return false;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return fail_at(ps, "bad surrogate pair");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            if (cp == 0)
                return fail_at(ps, "\\u0000 in string");
            put_utf8(j, cp);
            continue;
        }
        size_t l = ka_utf8_valid_prefix((const char *)ps->p + ps->pos,
                                        ps->len - ps->pos < 4 ? ps->len - ps->pos : 4);
        size_t need = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (l < need)
            return fail_at(ps, "invalid UTF-8");
        memcpy(j->strings + j->strings_len, ps->p + ps->pos, need);
        j->strings_len += need;
        ps->pos += need;
    }
    j->strings[j->strings_len++] = 0;
    *out = j->strings + start;
    *out_len = j->strings_len - start - 1;
    return true;
}

static bool parse_number(parser *ps)
{
    size_t s = ps->pos;
    if (ps->pos < ps->len && ps->p[ps->pos] == '-')
        ps->pos++;
    if (ps->pos >= ps->len)
        return fail_at(ps, "bad number");
    if (ps->p[ps->pos] == '0') {
        ps->pos++;
    } else if (ps->p[ps->pos] >= '1' && ps->p[ps->pos] <= '9') {
        while (ps->pos < ps->len && ps->p[ps->pos] >= '0' && ps->p[ps->pos] <= '9')
            ps->pos++;
    } else {
        return fail_at(ps, "bad number");
    }
    if (ps->pos < ps->len && ps->p[ps->pos] == '.') {
        ps->pos++;
        size_t d = ps->pos;
        while (ps->pos < ps->len && ps->p[ps->pos] >= '0' && ps->p[ps->pos] <= '9')
            ps->pos++;
        if (ps->pos == d)
            return fail_at(ps, "bad number");
    }
    if (ps->pos < ps->len && (ps->p[ps->pos] == 'e' || ps->p[ps->pos] == 'E')) {
        ps->pos++;
        if (ps->pos < ps->len && (ps->p[ps->pos] == '+' || ps->p[ps->pos] == '-'))
            ps->pos++;
        size_t d = ps->pos;
        while (ps->pos < ps->len && ps->p[ps->pos] >= '0' && ps->p[ps->pos] <= '9')
            ps->pos++;
        if (ps->pos == d)
            return fail_at(ps, "bad number");
    }
    return ps->pos - s <= 64 || fail_at(ps, "number too long");
}

static bool parse_value(parser *ps, int depth, int *out);

static bool parse_container(parser *ps, int depth, int self, bool object)
{
    ka_json *j = ps->j;
    uint8_t close = object ? '}' : ']';
    int last = -1;
    skip_ws(ps);
    if (ps->pos < ps->len && ps->p[ps->pos] == close) {
        ps->pos++;
        return true;
    }
    for (;;) {
        skip_ws(ps);
        const char *key = NULL;
        if (object) {
            size_t klen;
            if (ps->pos >= ps->len || ps->p[ps->pos] != '"')
                return fail_at(ps, "expected a member name");
            ps->pos++;
            if (!parse_string(ps, &key, &klen))
                return false;
            for (int k = j->nodes[self].child; k >= 0; k = j->nodes[k].next)
                if (strcmp(j->nodes[k].key, key) == 0)
                    return fail_at(ps, "duplicate member name");
            skip_ws(ps);
            if (ps->pos >= ps->len || ps->p[ps->pos] != ':')
                return fail_at(ps, "expected ':'");
            ps->pos++;
        }
        int child;
        if (!parse_value(ps, depth + 1, &child))
            return false;
        j->nodes[child].key = key;
        if (last < 0)
            j->nodes[self].child = child;
        else
            j->nodes[last].next = child;
        last = child;
        skip_ws(ps);
        if (ps->pos >= ps->len)
            return fail_at(ps, "unterminated container");
        uint8_t c = ps->p[ps->pos++];
        if (c == close)
            return true;
        if (c != ',')
            return fail_at(ps, "expected ',' or end of container");
    }
}

static bool parse_value(parser *ps, int depth, int *out)
{
    if (depth > KA_JSON_DEPTH_MAX)
        return fail_at(ps, "nested too deeply");
    skip_ws(ps);
    if (ps->pos >= ps->len)
        return fail_at(ps, "expected a value");
    uint8_t c = ps->p[ps->pos];
    static const struct {
        const char *word;
        int type;
    } words[] = {{"null", KA_J_NULL}, {"false", KA_J_FALSE}, {"true", KA_J_TRUE}};
    int type = -1;
    if (c == '{')
        type = KA_J_OBJ;
    else if (c == '[')
        type = KA_J_ARR;
    else if (c == '"')
        type = KA_J_STR;
    else if (c == '-' || (c >= '0' && c <= '9'))
        type = KA_J_NUM;
    for (size_t k = 0; type < 0 && k < sizeof words / sizeof words[0]; k++) {
        size_t wl = strlen(words[k].word);
        if (ps->len - ps->pos >= wl && memcmp(ps->p + ps->pos, words[k].word, wl) == 0) {
            ps->pos += wl;
            type = words[k].type;
        }
    }
    if (type < 0)
        return fail_at(ps, "unexpected character");
    int self = new_node(ps, type);
    if (self < 0)
        return fail_at(ps, "too many values");
    *out = self;
    ka_jnode *n = &ps->j->nodes[self];
    if (type == KA_J_STR) {
        ps->pos++;
        return parse_string(ps, &n->s, &n->slen);
    }
    if (type == KA_J_NUM) {
        size_t s = ps->pos;
        if (!parse_number(ps))
            return false;
        n->s = (const char *)ps->p + s; /* not NUL-terminated: numbers are not used */
        n->slen = ps->pos - s;
        return true;
    }
    if (type == KA_J_OBJ || type == KA_J_ARR) {
        ps->pos++;
        return parse_container(ps, depth, self, type == KA_J_OBJ);
    }
    return true;
}

bool ka_json_parse(ka_json *j, const uint8_t *p, size_t len, ka_err *e)
{
    memset(j, 0, sizeof *j);
    j->nodes = calloc(KA_JSON_NODES_MAX, sizeof *j->nodes);
    j->strings_cap = len + 1;
    j->strings = malloc(j->strings_cap);
    if (!j->nodes || !j->strings)
        return ka_fail(e, "internal", N_("out of memory"));
    parser ps = {p, len, 0, j, e};
    int root;
    if (!parse_value(&ps, 0, &root))
        return false;
    skip_ws(&ps);
    if (ps.pos != len)
        return fail_at(&ps, "bytes after the value");
    return true;
}

void ka_json_free(ka_json *j)
{
    free(j->nodes);
    if (j->strings) {
        ka_wipe(j->strings, j->strings_cap);
        free(j->strings);
    }
    memset(j, 0, sizeof *j);
}

const ka_jnode *ka_json_at(const ka_json *j, int index)
{
    return index >= 0 && index < j->count ? &j->nodes[index] : NULL;
}

const ka_jnode *ka_json_get(const ka_json *j, const ka_jnode *obj, const char *key)
{
    if (!obj || obj->type != KA_J_OBJ)
        return NULL;
    for (const ka_jnode *n = ka_json_at(j, obj->child); n; n = ka_json_at(j, n->next))
        if (strcmp(n->key, key) == 0)
            return n;
    return NULL;
}

const char *ka_json_unknown(const ka_json *j, const ka_jnode *obj, const char *const *keys)
{
    for (const ka_jnode *n = ka_json_at(j, obj->child); n; n = ka_json_at(j, n->next)) {
        bool known = false;
        for (size_t k = 0; keys[k] && !known; k++)
            known = strcmp(keys[k], n->key) == 0;
        if (!known)
            return n->key;
    }
    return NULL;
}
