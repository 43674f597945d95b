/*
 * interrupt.h -- Ctrl-C (SIGINT) and SIGTERM during a sweep: the one home
 * of the handler every sweep engine installs (hardware sweeps in sweep.c,
 * NPU sweeps in npu_sweep.c).  The handler only sets a flag; the sweep
 * polls it between chunks, stores what it finished, records its run as
 * interrupted and exits with INTERRUPT_EXIT (130) so --resume continues it.
 */
#ifndef ENGINE_INTERRUPT_H
#define ENGINE_INTERRUPT_H

#include <signal.h>
#include <stdbool.h>

#define INTERRUPT_EXIT 130

/* The handlers replaced by interrupt_begin, put back by interrupt_end. */
typedef struct {
    struct sigaction old_int, old_term;
} interrupt_saved_t;

/* Clear the flag and catch SIGINT and SIGTERM until interrupt_end. */
void interrupt_begin(interrupt_saved_t *saved);
/* A stop was asked for since interrupt_begin. */
bool interrupt_requested(void);
/* Restore the handlers interrupt_begin replaced. */
void interrupt_end(const interrupt_saved_t *saved);

/* SIGUSR1 (Slurm's warning before a time limit) asks a hardware sweep for a
 * checkpoint: caught from interrupt_checkpoint_begin (which clears the flag)
 * to interrupt_checkpoint_end, at any moment of the run; a SIGUSR1 that came
 * before interrupt_begin still stops the points phase before its first chunk. */
void interrupt_checkpoint_begin(struct sigaction *old_usr1);
/* The stop asked for was a checkpoint (SIGUSR1), not Ctrl-C or SIGTERM. */
bool interrupt_checkpoint_requested(void);
void interrupt_checkpoint_end(const struct sigaction *old_usr1);

#endif
