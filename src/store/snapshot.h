/*
 * snapshot.h -- a consistent copy of an open database while its writer
 * goes on (SQLite's online backup), as a single file in rollback-journal
 * mode: what a running sweep publishes as its periodic checkpoint.
 */
#ifndef STORE_SNAPSHOT_H
#define STORE_SNAPSHOT_H

#include <sqlite3.h>
#include <stddef.h>

/* Copy db (call between transactions, from db's thread) to path, replacing
 * it.  -1 + err; a partial path is removed. */
int db_snapshot(sqlite3 *db, const char *path, char *err, size_t errlen);
/* The same from the database file src (its write-ahead log, if any, included). */
int db_snapshot_file(const char *src, const char *path, char *err, size_t errlen);

#endif
