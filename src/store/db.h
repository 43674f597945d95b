/*
 * db.h -- the SQLite database of one hardware (OUTDIR/NAME/NAME.db): opening
 * it, the schema, transactions, and the runs table (provenance).
 */
#ifndef STORE_DB_H
#define STORE_DB_H

#include <sqlite3.h>
#include <stddef.h>

#define DB_ERR_MAX 512

typedef struct {
    const char *role;   /* "hardware", "constants", "model", "system", "sweep" */
    const char *path;
} run_input_t;

typedef struct {
    const char *kind;       /* "hw", "sw", "run" */
    const char *command;    /* the command line */
    int threads;
    const run_input_t *inputs;
    size_t n_inputs;
    double started_at;      /* Unix seconds */
    const char *sweep;      /* sweep runs: the sweep's name, its inputs' fingerprint, "I/N" */
    const char *fingerprint;
    const char *shard;
} run_info_t;

/* Open (creating) the database and its schema, rollback-journal mode.
 * NULL + err on failure. */
sqlite3 *db_open(const char *path, char *err, size_t errlen);
void db_close(sqlite3 *db);
/* Delete a database file with its -wal and -shm companions; the second
 * form only the companions (before renaming a finished file over it). */
void db_remove(const char *path);
void db_remove_journal(const char *path);
int db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen);
/* Insert a finished run row (inside the caller's transaction). */
int db_record_run(sqlite3 *db, const run_info_t *run, char *err, size_t errlen);
/* A run that is under way: status 'running' until db_run_finish. */
long long db_run_start(sqlite3 *db, const run_info_t *run, char *err, size_t errlen);
int db_run_finish(sqlite3 *db, long long run_id, const char *status, char *err, size_t errlen);
double db_now(void);
/* The first column of the first row of sql as an integer, or dflt. */
long long db_query_int(sqlite3 *db, const char *sql, long long dflt);
/* Keep a copy of an input file (role: "hardware", "constants") so later
 * steps read the database alone; replaces that role's copy. */
int db_save_input(sqlite3 *db, const char *role, const char *path, char *err, size_t errlen);
/* The saved text of role (NUL-terminated, free() it) and its path, or NULL. */
char *db_load_input(sqlite3 *db, const char *role, size_t *len, char *path_out, size_t path_len);

/* Every input file of a run, as text with its SHA-256 (inputs table;
 * replaces the rows of the same role and path). */
int db_save_inputs(sqlite3 *db, const run_input_t *in, size_t n, char *err, size_t errlen);
/* Calls fn for every stored input file in storing order; stops at fn's
 * first non-zero return, which is returned. */
typedef int (*db_input_fn)(void *ctx, const char *role, const char *path, const char *sha256, const char *content,
                           size_t len);
int db_inputs_each(sqlite3 *db, db_input_fn fn, void *ctx, char *err, size_t errlen);
/* The SHA-256 the first sweep run recorded in runs.inputs for path ("" when
 * it read no such file). */
int db_run_input_sha(sqlite3 *db, const char *path, char out[65]);
/* Write-ahead log for a long run (readers see committed chunks while it
 * writes); db_finish_journal returns to a rollback journal so the finished
 * database is a single file readable without write access. */
int db_use_wal(sqlite3 *db, char *err, size_t errlen);
/* Copy the WAL into the database file now (PASSIVE: readers are not
 * waited for), so that leaving WAL later has little left to copy. */
int db_checkpoint(sqlite3 *db);
int db_finish_journal(sqlite3 *db, char *err, size_t errlen);
/* Copy the runs (provenance) of the database old_path replaces into db,
 * before db records its own run; -1 when old_path is not readable as one
 * (nothing copied: the caller goes on). */
int db_copy_runs(sqlite3 *db, const char *old_path);
/* 1 when the database at path has recorded a run of that kind ("run":
 * a sweep), 0 when not (or it is unreadable). */
int db_has_run(const char *path, const char *kind);
/* An existing database opened read-only (URI mode=ro): creates no file and
 * never writes.  NULL + err on failure. */
sqlite3 *db_open_readonly(const char *path, char *err, size_t errlen);

/* The text of result column i: integers whole, reals %.6g (csv: the shortest
 * text that reads back exactly), NULL empty, text as stored. */
void db_cell_text(sqlite3_stmt *st, int i, int csv, char *buf, size_t len);

#endif
