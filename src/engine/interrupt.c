/*
 * interrupt.c -- the sweeps' Ctrl-C/SIGTERM flag and handler (see
 * interrupt.h).
 */
#include "engine/interrupt.h"

#include <string.h>

/* The one flag a signal handler may set (written only by the handler and
 * by interrupt_begin before any worker thread runs). */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

void interrupt_begin(interrupt_saved_t *saved)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    stop_requested = 0;
    sigaction(SIGINT, &sa, &saved->old_int);
    sigaction(SIGTERM, &sa, &saved->old_term);
}

bool interrupt_requested(void)
{
    return stop_requested != 0;
}

void interrupt_end(const interrupt_saved_t *saved)
{
    sigaction(SIGINT, &saved->old_int, NULL);
    sigaction(SIGTERM, &saved->old_term, NULL);
}
