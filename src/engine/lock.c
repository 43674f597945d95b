/*
 * lock.c -- the writer lock of an output (see lock.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "engine/lock.h"

int out_lock_take(const char *target, int *bad_path, char *err, size_t errlen)
{
    char path[4200];
    *bad_path = 0;
    snprintf(path, sizeof path, "%s.lock", target);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        *bad_path = errno == ENOENT || errno == ENOTDIR || errno == EACCES || errno == EROFS || errno == EISDIR;
        snprintf(err, errlen, "%s: cannot create the writer lock: %s", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        /* the holder writes its pid just after taking the lock: give it a
         * moment (up to 0.1 s) so the message names it */
        char pid[32] = "";
        ssize_t n = 0;
        for (int tries = 0; tries < 50 && (n = pread(fd, pid, sizeof pid - 1, 0)) <= 0; tries++)
            nanosleep(&(struct timespec){.tv_nsec = 2000000}, NULL);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        snprintf(err, errlen, "another hwsweep (pid %s) is writing %s; wait for it to end or stop it "
                 "(kill %s), then run again", pid[0] ? pid : "unknown", target, pid[0] ? pid : "PID");
        close(fd);
        return -1;
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
        /* the lock holds without the pid: only the message loses it */
    }
    return fd;
}

void out_lock_release(int fd)
{
    if (fd >= 0)
        close(fd);
}
