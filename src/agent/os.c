/* agent/os.c — the agent's only platform-specific code: loading the token's module
 * (dlopen / LoadLibrary) and talking to the pinentry child over pipes (fork+exec /
 * CreateProcess). Everything above it is plain C11. */
#include <stdlib.h>
#include <string.h>

#include "agent.h"

#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#include <windows.h>

void *ka_dl_open(const char *path, char *why, size_t why_cap)
{
    /* LOAD_WITH_ALTERED_SEARCH_PATH: a vendor module finds its own DLLs beside it. */
    HMODULE h = LoadLibraryExA(path, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    if (!h)
        snprintf(why, why_cap, "LoadLibrary error %lu", (unsigned long)GetLastError());
    return (void *)h;
}

void *ka_dl_sym(void *lib, const char *name)
{
    FARPROC f = GetProcAddress((HMODULE)lib, name);
    void *p;
    memcpy(&p, &f, sizeof p);
    return p;
}

void ka_dl_close(void *lib)
{
    if (lib)
        FreeLibrary((HMODULE)lib);
}

struct ka_child {
    HANDLE proc, to, from;
};

ka_child *ka_spawn(const char *program, ka_err *e)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE in_r = NULL, in_w = NULL, out_r = NULL, out_w = NULL;
    ka_child *c = calloc(1, sizeof *c);
    char cmd[1100];
    if (!c || !CreatePipe(&in_r, &in_w, &sa, 0) || !CreatePipe(&out_r, &out_w, &sa, 0))
        goto fail;
    SetHandleInformation(in_w, HANDLE_FLAG_INHERIT, 0);
    SetHandleInformation(out_r, HANDLE_FLAG_INHERIT, 0);
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in_r;
    si.hStdOutput = out_w;
    si.hStdError = INVALID_HANDLE_VALUE;
    snprintf(cmd, sizeof cmd, "\"%s\"", program);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, CREATE_NO_WINDOW, NULL, NULL, &si, &pi))
        goto fail;
    CloseHandle(pi.hThread);
    CloseHandle(in_r);
    CloseHandle(out_w);
    c->proc = pi.hProcess;
    c->to = in_w;
    c->from = out_r;
    return c;
fail:
    if (in_r)
        CloseHandle(in_r), CloseHandle(in_w);
    if (out_r)
        CloseHandle(out_r), CloseHandle(out_w);
    free(c);
    ka_fail(e, "dialog-failed", N_("cannot start the PIN dialog \"%s\""), program);
    return NULL;
}

bool ka_child_write(ka_child *c, const char *s, size_t n)
{
    while (n) {
        DWORD w = 0;
        if (!WriteFile(c->to, s, (DWORD)n, &w, NULL) || w == 0)
            return false;
        s += w;
        n -= w;
    }
    return true;
}

static int child_getc(ka_child *c)
{
    unsigned char ch;
    DWORD r = 0;
    if (!ReadFile(c->from, &ch, 1, &r, NULL) || r != 1)
        return -1;
    return ch;
}

void ka_child_close(ka_child *c)
{
    if (!c)
        return;
    CloseHandle(c->to);
    CloseHandle(c->from);
    if (WaitForSingleObject(c->proc, 5000) != WAIT_OBJECT_0)
        TerminateProcess(c->proc, 1);
    CloseHandle(c->proc);
    free(c);
}

const char *ka_tty_name(void)
{
    return NULL;
}

void ka_stdio_binary(void)
{
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
}

#else
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

void *ka_dl_open(const char *path, char *why, size_t why_cap)
{
    /* RTLD_LOCAL: two vendors' modules may export the same internal symbols. */
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *w = dlerror();
        snprintf(why, why_cap, "%s", w ? w : "?");
    }
    return h;
}

void *ka_dl_sym(void *lib, const char *name)
{
    return dlsym(lib, name);
}

void ka_dl_close(void *lib)
{
    if (lib)
        dlclose(lib);
}

struct ka_child {
    pid_t pid;
    int to, from;
};

ka_child *ka_spawn(const char *program, ka_err *e)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1};
    ka_child *c = calloc(1, sizeof *c);
    if (!c || pipe(in) != 0 || pipe(out) != 0)
        goto fail;
    pid_t pid = fork();
    if (pid < 0)
        goto fail;
    if (pid == 0) {
        /* The child must never see the browser's pipes: its stdin/stdout become ours. */
        int null = open("/dev/null", O_WRONLY);
        dup2(in[0], 0);
        dup2(out[1], 1);
        if (null >= 0)
            dup2(null, 2);
        for (int fd = 3; fd < 256; fd++)
            close(fd);
        char *argv[] = {(char *)program, NULL};
        if (strchr(program, '/'))
            execv(program, argv);
        else
            execvp(program, argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    c->pid = pid;
    c->to = in[1];
    c->from = out[0];
    return c;
fail:
    for (int k = 0; k < 2; k++) {
        if (in[k] >= 0)
            close(in[k]);
        if (out[k] >= 0)
            close(out[k]);
    }
    free(c);
    ka_fail(e, "dialog-failed", N_("cannot start the PIN dialog \"%s\""), program);
    return NULL;
}

bool ka_child_write(ka_child *c, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(c->to, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        s += w;
        n -= (size_t)w;
    }
    return true;
}

static int child_getc(ka_child *c)
{
    unsigned char ch;
    for (;;) {
        ssize_t r = read(c->from, &ch, 1);
        if (r == 1)
            return ch;
        if (r < 0 && errno == EINTR)
            continue;
        return -1;
    }
}

void ka_child_close(ka_child *c)
{
    if (!c)
        return;
    close(c->to);
    close(c->from);
    int st;
    /* pinentry exits when its input closes (or after BYE); give it half a second in 1 ms
     * steps, since the person is waiting for the signature, then make sure. */
    for (int i = 0; i < 500; i++) {
        if (waitpid(c->pid, &st, WNOHANG) == c->pid)
            goto done;
        usleep(1000);
    }
    kill(c->pid, SIGKILL);
    waitpid(c->pid, &st, 0);
done:
    free(c);
}

const char *ka_tty_name(void)
{
    /* The browser gives the agent no terminal; one started by hand from a shell has it on
     * stderr (stdin and stdout carry the messages). */
    return isatty(2) ? ttyname(2) : NULL;
}

void ka_stdio_binary(void)
{
    /* A pinentry that dies must not kill the agent with SIGPIPE: writes fail instead. */
    signal(SIGPIPE, SIG_IGN);
}
#endif

bool ka_child_readline(ka_child *c, char *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        int ch = child_getc(c);
        if (ch < 0)
            return false;
        if (ch == '\n')
            break;
        if (n + 1 >= cap)
            return false;
        buf[n++] = (char)ch;
    }
    buf[n] = 0;
    return true;
}
