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
    stop_requested = sig;   /* SIGUSR1: a checkpoint (see interrupt_checkpoint_begin) */
}

void interrupt_begin(interrupt_saved_t *saved)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (stop_requested != SIGUSR1)   /* a checkpoint asked for earlier still holds */
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

void interrupt_checkpoint_begin(struct sigaction *old_usr1)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    stop_requested = 0;
    sigaction(SIGUSR1, &sa, old_usr1);
}

bool interrupt_checkpoint_requested(void)
{
    return stop_requested == SIGUSR1;
}

void interrupt_checkpoint_end(const struct sigaction *old_usr1)
{
    sigaction(SIGUSR1, old_usr1, NULL);
}
