/*
 * scratch.h -- node-local scratch for a sweep's database (`hwsweep run
 * --scratch DIR`).  SQLite's write-ahead log needs shared memory and POSIX
 * locks that NFS and Lustre do not give reliably, so a shard writes
 * SCRATCH/hwsweep-HASH/NAME.db.partial (HASH: of the output folder's real
 * path) and only complete files reach the shared output folder: the
 * finished database as OUTDIR/sweeps/NAME.db, a checkpoint (SIGUSR1, SIGINT,
 * SIGTERM) as OUTDIR/sweeps/NAME.db.partial, each copied to
 * TARGET.publish-tmp beside the target, fsync'ed and renamed over it.
 */
#ifndef ENGINE_SCRATCH_H
#define ENGINE_SCRATCH_H

#include <stdbool.h>
#include <sqlite3.h>
#include <stddef.h>

typedef struct {
    bool on;
    char dir[4096];        /* SCRATCH/hwsweep-HASH */
    char work[4200];       /* the run's database in scratch: dir/NAME.db.partial */
    char lock[4200];       /* what the writer lock is taken on: dir/NAME.db */
    char published[4200];  /* the published checkpoint: OUTDIR/sweeps/NAME.db.partial */
    double publish_every_s;   /* periodic checkpoints while running (0: none) */
    double last_publish_s;    /* Unix seconds of the last one (the start at first) */
} scratch_t;

/* Default of --publish-every in scratch: a node lost costs at most this much work. */
#define SCRATCH_PUBLISH_EVERY_S 1800.0

/* The scratch folder of `hwsweep run`: opt (--scratch DIR) when given, else
 * $TMPDIR (or /tmp) when running under Slurm (SLURM_JOB_ID set), else none
 * ("" in buf).  no_scratch: none in any case.  -1 and the complaint in err
 * when the folder does not exist or is not writable (bad input). */
int scratch_choose(const char *opt, bool no_scratch, char *buf, size_t len, char *err, size_t errlen);

/* Fill s for the database final_path (OUTDIR/sweeps/NAME.db) in the scratch
 * folder dir, periodic checkpoints every publish_every_s (< 0: the default,
 * 0: none); creates dir/hwsweep-HASH.  -1 + err on failure. */
int scratch_init(scratch_t *s, const char *dir, const char *final_path, double publish_every_s, char *err,
                 size_t errlen);

/* After a committed chunk (writer thread): when publish_every_s has passed
 * since the last checkpoint, snapshot db and publish it as the checkpoint
 * while the run goes on.  A failure is reported on stderr and the run goes
 * on (the next period tries again). */
void scratch_publish_live(scratch_t *s, sqlite3 *db);

/* Before resuming (the writer lock held): when the published checkpoint
 * holds more servers than the scratch copy (or there is no scratch copy),
 * copy it into scratch.  Prints what it picked unless quiet.  -1 + err. */
int scratch_fetch(const scratch_t *s, bool quiet, char *err, size_t errlen);

/* Copy src to dst atomically (dst.publish-tmp beside dst, fsync, rename,
 * fsync of dst's folder).  -1 + err; dst untouched on failure. */
int scratch_copy_atomic(const char *src, const char *dst, char *err, size_t errlen);

/* Publish the closed, rollback-journal scratch database: finished, as
 * final_path (then the published checkpoint and the scratch copy are
 * removed), or as the checkpoint (then the scratch copy is removed, the
 * published one being newer or equal).  -1 + err. */
int scratch_publish(const scratch_t *s, const char *final_path, bool finished, char *err, size_t errlen);

/* A stopped run in scratch: return *db to a rollback journal, close it
 * (*db = NULL) and publish it as the checkpoint.  -1 + err (then *db may
 * still be open: the caller closes it). */
int scratch_checkpoint(const scratch_t *s, sqlite3 **db, const char *final_path, char *err, size_t errlen);

#endif
