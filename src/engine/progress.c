/*
 * progress.c -- progress lines (see progress.h).
 */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "engine/progress.h"

#define TTY_PERIOD_S 0.1
#define LOG_PERIOD_S 5.0

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static void print_line(progress_t *p, bool final)
{
    double el = now_s() - p->t0;
    double rate = el > 0 ? p->done / el : 0;
    double pct = p->total ? 100.0 * p->done / p->total : 100.0;
    double valid = p->done ? 100.0 * p->valid / p->done : 0;
    char eta[32] = "--";
    if (rate > 0 && p->total >= p->done) {
        long s = (long)((p->total - p->done) / rate + 0.5);
        snprintf(eta, sizeof eta, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    }
    char line[256];
    snprintf(line, sizeof line, "%s: %zu/%zu (%.1f%%)  %.0f points/s  valid %.1f%%", p->phase, p->done,
             p->total, pct, rate, valid);
    size_t n = strlen(line);
    if (final)
        snprintf(line + n, sizeof line - n, "  took %.2f s", el);
    else
        snprintf(line + n, sizeof line - n, "  ETA %s", eta);
    if (p->tty)
        fprintf(stderr, "\r\033[K%s%s", line, final ? "\n" : "");
    else
        fprintf(stderr, "%s\n", line);
    fflush(stderr);
    p->shown = true;
}

void progress_start(progress_t *p, const char *phase, size_t total, bool quiet)
{
    memset(p, 0, sizeof *p);
    snprintf(p->phase, sizeof p->phase, "%s", phase);
    p->total = total;
    p->quiet = quiet;
    p->tty = isatty(STDERR_FILENO) != 0;
    p->t0 = p->last = now_s();
}

void progress_add(progress_t *p, size_t done, size_t valid)
{
    p->done += done;
    p->valid += valid;
    if (p->quiet)
        return;
    double t = now_s();
    if (t - p->last >= (p->tty ? TTY_PERIOD_S : LOG_PERIOD_S)) {
        p->last = t;
        print_line(p, false);
    }
}

void progress_end(progress_t *p)
{
    if (!p->quiet)
        print_line(p, true);
}
