/*
 * scratch.c -- node-local scratch for a sweep's database and publishing
 * it into the shared output folder (see scratch.h).
 */
#define _DEFAULT_SOURCE   /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/jobs.h"
#include "engine/scratch.h"
#include "store/db.h"
#include "store/sha256.h"
#include "store/snapshot.h"
#include "store/status_store.h"

int scratch_choose(const char *opt, bool no_scratch, char *buf, size_t len, char *err, size_t errlen)
{
    buf[0] = '\0';
    if (no_scratch)
        return 0;
    const char *dir = opt;
    if (!dir && getenv("SLURM_JOB_ID") && getenv("SLURM_JOB_ID")[0]) {
        dir = getenv("TMPDIR");
        if (!dir || !dir[0])
            dir = "/tmp";
    }
    if (!dir)
        return 0;
    struct stat sb;
    const char *why = NULL;
    if (!dir[0])
        why = "is empty";
    else if (stat(dir, &sb))
        why = errno == ENOENT ? "does not exist" : strerror(errno);
    else if (!S_ISDIR(sb.st_mode))
        why = "is not a directory";
    else if (access(dir, W_OK | X_OK))
        why = "is not writable";
    if (why) {
        snprintf(err, errlen, "%s%s: %s (the scratch folder must be an existing, writable, node-local directory)",
                 opt ? "--scratch " : "scratch folder $TMPDIR ", dir, why);
        return -1;
    }
    snprintf(buf, len, "%s", dir);
    return 0;
}

int scratch_init(scratch_t *s, const char *dir, const char *final_path, double publish_every_s, char *err,
                 size_t errlen)
{
    memset(s, 0, sizeof *s);
    /* the output folder's real path names the scratch subfolder: two output
     * folders never share a scratch copy */
    char outdir[4096], real[PATH_MAX], hash[65];
    snprintf(outdir, sizeof outdir, "%s", final_path);
    char *slash = strrchr(outdir, '/');
    const char *base = slash ? slash + 1 : final_path;
    if (slash)
        *slash = '\0';
    else
        snprintf(outdir, sizeof outdir, ".");
    if (!realpath(outdir, real)) {
        snprintf(err, errlen, "%s: %s", outdir, strerror(errno));
        return -1;
    }
    sha256_hex(real, strlen(real), hash);
    hash[12] = '\0';
    snprintf(s->dir, sizeof s->dir, "%s/hwsweep-%s", dir, hash);
    if (job_mkdirs(s->dir)) {
        snprintf(err, errlen, "cannot create the scratch folder %s: %s", s->dir, strerror(errno));
        return -1;
    }
    snprintf(s->lock, sizeof s->lock, "%s/%s", s->dir, base);
    snprintf(s->work, sizeof s->work, "%s/%s.partial", s->dir, base);
    snprintf(s->published, sizeof s->published, "%s.partial", final_path);
    s->publish_every_s = publish_every_s < 0 ? SCRATCH_PUBLISH_EVERY_S : publish_every_s;
    s->last_publish_s = db_now();
    s->on = true;
    return 0;
}

/* fsync the folder holding path, so a rename in it is durable. */
static void sync_dir_of(const char *path)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int scratch_copy_atomic(const char *src, const char *dst, char *err, size_t errlen)
{
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.publish-tmp", dst);
    int in = open(src, O_RDONLY);
    if (in < 0) {
        snprintf(err, errlen, "%s: %s", src, strerror(errno));
        return -1;
    }
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (out < 0) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        close(in);
        return -1;
    }
    static const size_t BUF_BYTES = 1 << 20;
    char *buf = malloc(BUF_BYTES);
    int rc = buf ? 0 : -1;
    if (!buf)
        snprintf(err, errlen, "out of memory");
    while (rc == 0) {
        ssize_t n = read(in, buf, BUF_BYTES);
        if (n == 0)
            break;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf(err, errlen, "reading %s: %s", src, strerror(errno));
            rc = -1;
            break;
        }
        for (ssize_t off = 0; rc == 0 && off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                snprintf(err, errlen, "writing %s: %s", tmp, strerror(errno));
                rc = -1;
            } else {
                off += w;
            }
        }
    }
    free(buf);
    close(in);
    if (rc == 0 && fsync(out)) {
        snprintf(err, errlen, "fsync %s: %s", tmp, strerror(errno));
        rc = -1;
    }
    if (close(out) && rc == 0) {
        snprintf(err, errlen, "closing %s: %s", tmp, strerror(errno));
        rc = -1;
    }
    if (rc == 0) {
        db_remove_journal(dst);
        if (rename(tmp, dst)) {
            snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, dst, strerror(errno));
            rc = -1;
        }
    }
    if (rc)
        unlink(tmp);
    else
        sync_dir_of(dst);
    return rc;
}

int scratch_fetch(const scratch_t *s, bool quiet, char *err, size_t errlen)
{
    if (access(s->published, F_OK))
        return 0;   /* nothing published: the scratch copy (if any) or a fresh start */
    long long here = access(s->work, F_OK) == 0 && db_has_run(s->work, "run") ? status_store_servers(s->work) : -1;
    long long pub = status_store_servers(s->published);
    if (pub < 0) {
        snprintf(err, errlen, "%s: cannot read the published checkpoint", s->published);
        return -1;
    }
    if (here >= pub) {
        if (!quiet)
            fprintf(stderr, "hwsweep: resuming the scratch copy %s (%lld servers stored; the published "
                    "checkpoint has %lld)\n", s->work, here, pub);
        return 0;
    }
    /* through SQLite, not a file copy: a checkpoint left in WAL mode by a run
     * without scratch keeps part of its data in NAME.db.partial-wal */
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.fetch", s->work);
    if (db_snapshot_file(s->published, tmp, err, errlen))
        return -1;
    db_remove(s->work);
    if (rename(tmp, s->work)) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, s->work, strerror(errno));
        db_remove(tmp);
        return -1;
    }
    if (!quiet)
        fprintf(stderr, "hwsweep: resuming the published checkpoint %s (%lld servers stored), copied to %s\n",
                s->published, pub, s->work);
    return 0;
}

int scratch_publish(const scratch_t *s, const char *final_path, bool finished, char *err, size_t errlen)
{
    if (scratch_copy_atomic(s->work, finished ? final_path : s->published, err, errlen))
        return -1;
    if (finished)
        db_remove(s->published);
    db_remove(s->work);
    return 0;
}

int scratch_checkpoint(const scratch_t *s, sqlite3 **db, const char *final_path, char *err, size_t errlen)
{
    if (db_finish_journal(*db, err, errlen))
        return -1;
    db_close(*db);
    *db = NULL;
    return scratch_publish(s, final_path, false, err, errlen);
}

void scratch_publish_live(scratch_t *s, sqlite3 *db)
{
    if (!s || !s->on || s->publish_every_s <= 0 || db_now() - s->last_publish_s < s->publish_every_s)
        return;
    char snap[4300], err[DB_ERR_MAX + 4400];
    snprintf(snap, sizeof snap, "%s.snapshot", s->work);
    if (db_snapshot(db, snap, err, sizeof err) || scratch_copy_atomic(snap, s->published, err, sizeof err))
        fprintf(stderr, "hwsweep: warning: periodic checkpoint to %s failed (the run goes on): %s\n", s->published,
                err);
    db_remove(snap);
    s->last_publish_s = db_now();
}
