/*
 * finalize.c -- server rows and CSV summaries of sweep databases.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/summary.h"
#include "store/csv.h"
#include "store/db.h"
#include "store/finalize.h"

int store_server_rows(sqlite3 *db, char *err, size_t errlen)
{
    static const char *sql =
        "DROP TABLE IF EXISTS temp.server_rows;"
        "CREATE TEMP TABLE server_rows AS SELECT server_id, "
        "  row_number() OVER (PARTITION BY k.hardware ORDER BY v.server_id) - 1 AS r "
        "  FROM server_points v JOIN packages k USING (package_row) WHERE v.status = 2;"
        "CREATE INDEX temp.server_rows_id ON server_rows(server_id);"
        "UPDATE systems SET server_row = (SELECT r FROM temp.server_rows s WHERE s.server_id = systems.server_id);"
        "DROP TABLE temp.server_rows;";
    return db_exec(db, sql, err, errlen);
}

/* The hardware summary of one hardware into c (its temporary file): the
 * header unless a later part, the rows of server_id in [lo, hi). */
static int write_hw_rows(sqlite3 *db, const char *hardware, int64_t lo, int64_t hi, int header, csv_t *c, char *err,
                         size_t errlen)
{
    char sql[4096] = "SELECT ";
    for (int i = 0; i < HW_SUMMARY_NCOLS; i++) {
        strcat(sql, i ? ", " : "");
        strcat(sql, hw_summary_columns[i]);
    }
    strcat(sql, " FROM hw_summary WHERE hardware = ?1 AND server_id >= ?2 AND server_id < ?3 ORDER BY server_id");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "writing %s: %s", c->path, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_bind_text(st, 1, hardware, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, lo);
    sqlite3_bind_int64(st, 3, hi);
    for (int i = 0; header && i < HW_SUMMARY_NCOLS; i++)
        csv_text(c, hw_summary_columns[i]);
    if (header)
        csv_end_row(c);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < HW_SUMMARY_NCOLS; i++) {
            if (sqlite3_column_type(st, i) == SQLITE_TEXT)
                csv_text(c, (const char *)sqlite3_column_text(st, i));
            else
                csv_num(c, sqlite3_column_double(st, i));
        }
        csv_end_row(c);
    }
    if (rc != SQLITE_DONE)
        snprintf(err, errlen, "writing %s: %s", c->path, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int store_write_hw_csv(sqlite3 *db, const char *hardware, const char *path, char *err, size_t errlen)
{
    csv_t c;
    if (csv_open(&c, path)) {
        snprintf(err, errlen, "writing %s: cannot create its temporary file", path);
        return -1;
    }
    if (write_hw_rows(db, hardware, INT64_MIN, INT64_MAX, 1, &c, err, errlen)) {
        csv_abort(&c);
        return -1;
    }
    if (csv_commit(&c)) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    return 0;
}

void store_hw_csvs_abort(store_hw_csvs_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        csv_abort(&s->files[i]);
    free(s->files);
    memset(s, 0, sizeof *s);
}

int store_hw_csvs_split_id(sqlite3 *db, int64_t *mid)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT server_id FROM server_costs ORDER BY server_id LIMIT 1 OFFSET "
                                "(SELECT count(*) FROM server_costs) / 2", -1, &st, NULL) == SQLITE_OK ? 0 : -1;
    int step = rc ? SQLITE_ERROR : sqlite3_step(st);
    *mid = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : INT64_MAX;
    sqlite3_finalize(st);
    return step == SQLITE_ROW || step == SQLITE_DONE ? 0 : -1;
}

int store_hw_csvs_write_part(sqlite3 *db, const char *prefix, int64_t lo, int64_t hi, int part,
                             store_hw_csvs_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT hardware FROM chips GROUP BY hardware ORDER BY min(chip_row)", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
        return -1;
    }
    int rc = 0, step;
    size_t cap = 0;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *hw = (const char *)sqlite3_column_text(st, 0);
        char path[4096];
        snprintf(path, sizeof path, "%s.%s.csv%s", prefix, hw ? hw : "", part ? ".part" : "");
        if (out->n == cap) {
            csv_t *f = realloc(out->files, (cap = cap ? 2 * cap : 4) * sizeof *f);
            if (!f) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                break;
            }
            out->files = f;
        }
        if (csv_open(&out->files[out->n], path)) {
            snprintf(err, errlen, "writing %s: cannot create its temporary file", path);
            rc = -1;
            break;
        }
        rc = write_hw_rows(db, hw ? hw : "", lo, hi, !part, &out->files[out->n++], err, errlen);
    }
    if (rc == 0 && step != SQLITE_DONE) {
        snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(db));
        rc = -1;
    }
    sqlite3_finalize(st);
    if (rc)
        store_hw_csvs_abort(out);
    return rc;
}

int store_hw_csvs_write(sqlite3 *db, const char *prefix, store_hw_csvs_t *out, char *err, size_t errlen)
{
    return store_hw_csvs_write_part(db, prefix, INT64_MIN, INT64_MAX, 0, out, err, errlen);
}

int store_hw_csvs_append(store_hw_csvs_t *s, store_hw_csvs_t *part, char *err, size_t errlen)
{
    int rc = s->n == part->n ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < s->n; i++)
        if (csv_append(&s->files[i], &part->files[i]))
            rc = -1;
    if (rc)
        snprintf(err, errlen, "cannot join the parts of the hardware CSVs");
    store_hw_csvs_abort(part);
    return rc;
}

int store_hw_csvs_commit(store_hw_csvs_t *s, int quiet, char *err, size_t errlen)
{
    int rc = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (rc) {
            csv_abort(&s->files[i]);
            continue;
        }
        if (csv_commit(&s->files[i])) {
            snprintf(err, errlen, "cannot write %s", s->files[i].path);
            rc = -1;
        } else if (!quiet) {
            printf("wrote %s\n", s->files[i].path);
        }
    }
    free(s->files);
    memset(s, 0, sizeof *s);
    return rc;
}

int store_write_hw_csvs(sqlite3 *db, const char *prefix, int quiet, char *err, size_t errlen)
{
    store_hw_csvs_t s;
    return store_hw_csvs_write(db, prefix, &s, err, errlen) || store_hw_csvs_commit(&s, quiet, err, errlen) ? -1 : 0;
}
