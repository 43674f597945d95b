/*
 * lock.h -- one writer per output: an exclusive flock on TARGET.lock,
 * taken before any output file is removed or created, holding the
 * writer's process id so that a refused second writer can name it.  The
 * kernel drops the lock when the process ends (even on kill -9), so a
 * stale .lock file is harmless and is left in place.
 */
#ifndef ENGINE_LOCK_H
#define ENGINE_LOCK_H

#include <stddef.h>

/* Lock target (the database path; the lock file is target + ".lock").
 * Returns the lock's descriptor, or -1 with the reason in err: "another
 * hwsweep (pid N) is writing TARGET", or why the lock file cannot be made
 * (*bad_path set when the folder cannot hold it: bad input). */
int out_lock_take(const char *target, int *bad_path, char *err, size_t errlen);
void out_lock_release(int fd);

#endif
