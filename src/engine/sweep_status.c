/*
 * sweep_status.c -- the state, rate and time left of a sweep database
 * (see sweep_status.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "engine/jobs.h"
#include "engine/sweep_status.h"
#include "store/db.h"

/* The attempt recorded as running: is it still? On this host its process
 * must exist; elsewhere its last commit must be recent (a periodic
 * checkpoint, read from the shared folder, is up to its period old). */
static int still_running(const status_row_t *r, double now)
{
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    if (r->host[0] && strcmp(r->host, host) == 0 && r->pid > 0)
        return kill((pid_t)r->pid, 0) == 0 || errno == EPERM;
    if (r->updated_at > 0)
        return now - r->updated_at < SWEEP_STATUS_STALE_S + r->checkpoint_every_s;
    return 1;
}

int sweep_status_read(const char *path, double now, sweep_status_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    snprintf(out->path, sizeof out->path, "%s", path);
    if (access(out->path, F_OK)) {
        snprintf(out->path, sizeof out->path, "%s.partial", path);
        if (access(out->path, F_OK)) {
            snprintf(err, errlen, "%s: no such file (nor %s.partial)", path, path);
            return EXIT_BADINPUT;
        }
    }
    struct stat sb;
    if (stat(out->path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "%s: is a directory, not a sweep database (give NAME.db files, e.g. DIR/*.db)",
                 out->path);
        return EXIT_BADINPUT;
    }
    char why[DB_ERR_MAX + 4300];
    if (status_store_read(out->path, &out->row, why, sizeof why)) {
        snprintf(err, errlen, "%s", why);
        return EXIT_BADINPUT;
    }
    const status_row_t *r = &out->row;
    if (strcmp(r->status, "done") == 0)
        out->state = "finished";
    else if (strcmp(r->status, "failed") == 0)
        out->state = "failed";
    else if (strcmp(r->status, "running") == 0 && still_running(r, now))
        out->state = "running";
    else
        out->state = "interrupted";
    if (strcmp(out->state, "finished") == 0 && out->row.servers_total < 0)
        out->row.servers_total = r->servers_done;   /* no progress record (merged or older): all there is */
    out->rate_per_s = r->active_s > 0 ? (double)r->servers_active / r->active_s : 0;
    if (strcmp(out->state, "finished") == 0)
        out->left_s = 0;
    else if (out->rate_per_s > 0 && r->servers_total >= r->servers_done)
        out->left_s = (double)(r->servers_total - r->servers_done) / out->rate_per_s;
    else
        out->left_s = -1;
    return EXIT_OK;
}
