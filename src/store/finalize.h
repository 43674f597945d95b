/*
 * finalize.h -- what a sweep database gets once all its points are in:
 * each system's server_row (its server's position among the valid servers
 * of its hardware), and the hardware CSV summaries read back from the
 * servers table.
 */
#ifndef STORE_FINALIZE_H
#define STORE_FINALIZE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store/csv.h"

int store_server_rows(sqlite3 *db, char *err, size_t errlen);
/* The hardware summary of one hardware (valid servers in id order) read
 * back from the servers table, written atomically to path. */
int store_write_hw_csv(sqlite3 *db, const char *hardware, const char *path, char *err, size_t errlen);
/* PREFIX.HARDWARE.csv for every hardware in the servers table. */
int store_write_hw_csvs(sqlite3 *db, const char *prefix, int quiet, char *err, size_t errlen);

/* The same in two steps, so that the CSVs can be read on a second
 * connection while the first one builds the ranking indexes: _write reads
 * every hardware's summary into temporary files (nothing is in place yet),
 * _commit fsyncs and renames them into place (printing "wrote PATH" unless
 * quiet), _abort removes them. */
typedef struct {
    csv_t *files;
    size_t n;
} store_hw_csvs_t;
int store_hw_csvs_write(sqlite3 *db, const char *prefix, store_hw_csvs_t *out, char *err, size_t errlen);
/* _write in two parts, each on its own connection and thread: part 0 the
 * headers and the rows of server_id < mid, part 1 (temporary files
 * PATH.part.tmp.PID) those from mid on; _append then adds part 1's rows to
 * part 0's files and removes part 1's (also on failure).  _split_id: the
 * median valid server_id (both parts alike), INT64_MAX when none. */
int store_hw_csvs_split_id(sqlite3 *db, int64_t *mid);
int store_hw_csvs_write_part(sqlite3 *db, const char *prefix, int64_t lo, int64_t hi, int part,
                             store_hw_csvs_t *out, char *err, size_t errlen);
int store_hw_csvs_append(store_hw_csvs_t *s, store_hw_csvs_t *part, char *err, size_t errlen);
int store_hw_csvs_commit(store_hw_csvs_t *s, int quiet, char *err, size_t errlen);
void store_hw_csvs_abort(store_hw_csvs_t *s);

#endif
