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

int store_server_rows(sqlite3 *db, char *err, size_t errlen);
/* The hardware summary of one hardware (valid servers in id order) read
 * back from the servers table, written atomically to path. */
int store_write_hw_csv(sqlite3 *db, const char *hardware, const char *path, char *err, size_t errlen);
/* PREFIX.HARDWARE.csv for every hardware in the servers table. */
int store_write_hw_csvs(sqlite3 *db, const char *prefix, int quiet, char *err, size_t errlen);

#endif
