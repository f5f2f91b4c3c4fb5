/* agent/config.c — reads the agent's configuration: which PKCS#11 modules to load (the
 * vendor modules of the tokens in use) and which pinentry program shows the dialog.
 *   # comment
 *   module = /usr/lib/x86_64-linux-gnu/vnpt-ca/libvnpt-ca.so     (one line per module)
 *   pinentry = /usr/bin/pinentry-gnome3
 * Found at $KYSO_AGENT_CONFIG, else the per-user file, else the system file. */
#include <stdlib.h>
#include <string.h>

#include "agent.h"

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = 0;
    return s;
}

static bool read_file(ka_config *c, FILE *f, const char *path, ka_err *e)
{
    char line[1200];
    int no = 0;
    while (fgets(line, sizeof line, f)) {
        no++;
        if (!strchr(line, '\n') && !feof(f))
            return ka_fail(e, "config", N_("%s line %d: line too long"), path, no);
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq)
            return ka_fail(e, "config", N_("%s line %d: expected \"key = value\""), path, no);
        *eq = 0;
        char *key = trim(s), *val = trim(eq + 1);
        if (strlen(val) >= sizeof c->pinentry || !*val)
            return ka_fail(e, "config", N_("%s line %d: bad value"), path, no);
        if (strcmp(key, "module") == 0) {
            if (c->n_modules >= KA_MODULES_MAX)
                return ka_fail(e, "config", N_("%s line %d: more than %d modules"), path, no,
                               KA_MODULES_MAX);
            strcpy(c->modules[c->n_modules++], val);
        } else if (strcmp(key, "pinentry") == 0) {
            strcpy(c->pinentry, val);
        } else {
            return ka_fail(e, "config", N_("%s line %d: unknown key \"%s\""), path, no, key);
        }
    }
    return true;
}

bool ka_config_load(ka_config *c, ka_err *e)
{
    memset(c, 0, sizeof *c);
#ifdef _WIN32
    strcpy(c->pinentry, "pinentry.exe");
    const char *user_dir = getenv("APPDATA"), *sys_dir = getenv("PROGRAMDATA");
    const char *sep = "\\kyso\\agent.conf";
#else
    strcpy(c->pinentry, "pinentry");
    const char *user_dir = getenv("XDG_CONFIG_HOME"), *sys_dir = "/etc";
    const char *sep = "/kyso/agent.conf";
    char home_cfg[1024] = "";
    if (!user_dir || !*user_dir) {
        const char *home = getenv("HOME");
        if (home && *home) {
            snprintf(home_cfg, sizeof home_cfg, "%s/.config", home);
            user_dir = home_cfg;
        }
    }
#endif
    char paths[3][1100];
    int np = 0;
    const char *env = getenv("KYSO_AGENT_CONFIG");
    if (env && *env) {
        snprintf(paths[np++], sizeof paths[0], "%s", env);
    } else {
        if (user_dir && *user_dir)
            snprintf(paths[np++], sizeof paths[0], "%s%s", user_dir, sep);
        if (sys_dir && *sys_dir)
            snprintf(paths[np++], sizeof paths[0], "%s%s", sys_dir, sep);
    }
    for (int i = 0; i < np; i++) {
        FILE *f = fopen(paths[i], "r");
        if (!f) {
            if (env && *env)
                return ka_fail(e, "config", N_("cannot read the configuration file %s"), paths[i]);
            continue;
        }
        bool ok = read_file(c, f, paths[i], e);
        fclose(f);
        return ok;
    }
    return true;
}
