/*
 * gnuplot.c -- the gnuplot driver (see gnuplot.h).  gnuplot runs as a child
 * process: the script (commands and inline data) goes to its standard
 * input, the picture comes back on its standard output and its complaints
 * on its standard error, all three pumped with poll() so that neither side
 * blocks on a full pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot/gnuplot.h"

#define GP_PROGRAM "gnuplot"

static int reserve(gp_buf_t *b, size_t more)
{
    if (b->oom)
        return -1;
    if (b->len + more + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->buf, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->buf = p;
    b->cap = cap;
    return 0;
}

void gp_append(gp_buf_t *b, const char *data, size_t len)
{
    if (reserve(b, len))
        return;
    memcpy(b->buf + b->len, data, len);
    b->len += len;
    b->buf[b->len] = '\0';
}

void gp_printf(gp_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void gp_free(gp_buf_t *b)
{
    free(b->buf);
    memset(b, 0, sizeof *b);
}

void gp_string(gp_buf_t *b, const char *s)
{
    gp_append(b, "\"", 1);
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            gp_append(b, "\\", 1);
        if (*s == '\n')
            gp_append(b, "\\n", 2);
        else
            gp_append(b, s, 1);
    }
    gp_append(b, "\"", 1);
}

void gp_field(gp_buf_t *b, const char *s)
{
    gp_append(b, "\"", 1);
    for (; s && *s; s++)
        gp_append(b, *s == '"' ? "'" : *s == '\n' || *s == '\r' ? " " : s, 1);
    gp_append(b, "\"", 1);
}

void gp_num(gp_buf_t *b, double v)
{
    if (v != v)
        gp_printf(b, "NaN");
    else
        gp_printf(b, "%.17g", v);
}

void gp_terminal(gp_buf_t *b, const char *format, int width, int height)
{
    if (strcmp(format, "svg") == 0)
        gp_printf(b, "set terminal svg size %d,%d noenhanced font 'sans,13' background rgb 'white'\n", width,
                  height);
    else
        gp_printf(b, "set terminal pngcairo size %d,%d noenhanced font 'sans,13' background rgb 'white'\n", width,
                  height);
    gp_printf(b, "set encoding utf8\n");
}

int gp_available(void)
{
    const char *path = getenv("PATH");
    char dir[4096];
    if (!path || !*path)
        path = "/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(dir, sizeof dir, "%.*s/" GP_PROGRAM, (int)n, path);
        if (n && access(dir, X_OK) == 0)
            return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Read what fd has into b; 0 at end of file (fd closed), 1 more to come. */
static int drain(int *fd, gp_buf_t *b)
{
    char chunk[65536];
    ssize_t got = read(*fd, chunk, sizeof chunk);
    if (got > 0) {
        gp_append(b, chunk, (size_t)got);
        return 1;
    }
    if (got < 0 && (errno == EINTR || errno == EAGAIN))
        return 1;
    close_fd(fd);
    return 0;
}

/* Feed script to the child and collect its output and errors. */
static void pump(int in, int out, int errfd, const gp_buf_t *script, gp_buf_t *o, gp_buf_t *e)
{
    size_t sent = 0;
    if (script->len == 0)
        close_fd(&in);
    while (in >= 0 || out >= 0 || errfd >= 0) {
        struct pollfd p[3] = {{in, POLLOUT, 0}, {out, POLLIN, 0}, {errfd, POLLIN, 0}};
        if (poll(p, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (in >= 0 && (p[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(in, script->buf + sent, script->len - sent);
            if (w > 0)
                sent += (size_t)w;
            if ((w < 0 && errno != EINTR && errno != EAGAIN) || sent == script->len)
                close_fd(&in);
        }
        if (out >= 0 && (p[1].revents & (POLLIN | POLLERR | POLLHUP)))
            drain(&out, o);
        if (errfd >= 0 && (p[2].revents & (POLLIN | POLLERR | POLLHUP)))
            drain(&errfd, e);
    }
    close_fd(&in);
    close_fd(&out);
    close_fd(&errfd);
}

int gp_run(const gp_buf_t *script, gp_buf_t *out, char *err, size_t errlen)
{
    int pin[2] = {-1, -1}, pout[2] = {-1, -1}, perr[2] = {-1, -1};
    gp_buf_t e = {0};
    if (script->oom) {
        snprintf(err, errlen, "out of memory building the gnuplot script");
        return -1;
    }
    if (!gp_available()) {
        snprintf(err, errlen, GP_PROGRAM " not found: install the Debian package gnuplot-nox "
                 "(scripts/install-deps.sh)");
        return -1;
    }
    if (pipe(pin) || pipe(pout) || pipe(perr)) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        for (int i = 0; i < 2; i++) {
            close_fd(&pin[i]);
            close_fd(&pout[i]);
            close_fd(&perr[i]);
        }
        return -1;
    }
    /* a gnuplot that dies early must not kill us with SIGPIPE */
    struct sigaction ign, old;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pin[0], 0);
        dup2(pout[1], 1);
        dup2(perr[1], 2);
        for (int i = 0; i < 2; i++) {
            close(pin[i]);
            close(pout[i]);
            close(perr[i]);
        }
        /* as a file argument gnuplot reads its input buffered; from a bare
         * standard input it reads one byte per system call */
        execlp(GP_PROGRAM, GP_PROGRAM, "/dev/stdin", (char *)NULL);
        _exit(127);
    }
    close_fd(&pin[0]);
    close_fd(&pout[1]);
    close_fd(&perr[1]);
    int status = -1;
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close_fd(&pin[1]);
        close_fd(&pout[0]);
        close_fd(&perr[0]);
    } else {
        fcntl(pin[1], F_SETFL, O_NONBLOCK);
        pump(pin[1], pout[0], perr[0], script, out, &e);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    sigaction(SIGPIPE, &old, NULL);
    int ok = pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && !out->oom;
    if (ok && e.len)   /* warnings of a successful run */
        fprintf(stderr, "gnuplot: %.*s%s", (int)e.len, e.buf, e.buf[e.len - 1] == '\n' ? "" : "\n");
    if (pid > 0 && !ok) {
        /* gnuplot's complaint, on one line */
        for (size_t i = 0; i < e.len; i++)
            if (e.buf[i] == '\n' || e.buf[i] == '\r')
                e.buf[i] = ' ';
        snprintf(err, errlen, "gnuplot failed (%s): %.400s",
                 WIFEXITED(status) ? "exit status" : "killed", e.len ? e.buf : "no message");
    }
    gp_free(&e);
    return ok ? 0 : -1;
}
