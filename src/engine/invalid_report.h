/*
 * invalid_report.h -- what hw and sweeps print at the end: the five most
 * frequent invalid reasons (with their units, one example each) and a loud
 * warning when no point of a level is valid.
 */
#ifndef ENGINE_INVALID_REPORT_H
#define ENGINE_INVALID_REPORT_H

#include "store/db.h"
#include "store/invalid.h"

#define INVALID_REPORT_TOP 5

/* Report on the finished database db_path; quiet: only the warning. */
void job_invalid_report(const char *db_path, int quiet);

/* The same in two steps: the counts read on an open connection (a sweep's,
 * while its CSV threads run), printed later under the database's name. */
typedef struct {
    long total[LEVEL_N], valid[LEVEL_N];
    invalid_count_t top[INVALID_REPORT_TOP];
    size_t n;
    int ok;
    char err[DB_ERR_MAX];
} invalid_summary_t;
int job_invalid_collect(sqlite3 *db, int quiet, invalid_summary_t *s);
void job_invalid_print(const char *db_path, const invalid_summary_t *s);

#endif
