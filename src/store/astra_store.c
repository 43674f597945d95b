/*
 * astra_store.c -- read one stored system point for the ASTRA-sim backend
 * (see astra_store.h): systems, perf, servers and chips rows, and the
 * model paths recorded in runs.inputs.
 */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store/astra_store.h"

static void text_col(sqlite3_stmt *st, int i, char *out, size_t len)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    snprintf(out, len, "%s", s ? (const char *)s : "");
}

static int model_paths(sqlite3 *db, astra_point_t *pt)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT inputs FROM runs ORDER BY run_id DESC", -1, &st, NULL) != SQLITE_OK)
        return 0; /* no runs table: no recorded model */
    while (sqlite3_step(st) == SQLITE_ROW && pt->n_model_paths < ASTRA_STORE_MAX_PATHS) {
        const char *js = (const char *)sqlite3_column_text(st, 0);
        json_t *arr = js ? json_loads(js, 0, NULL) : NULL;
        size_t i;
        json_t *item;
        json_array_foreach(arr, i, item) {
            const char *role = json_string_value(json_object_get(item, "role"));
            const char *path = json_string_value(json_object_get(item, "path"));
            if (!role || !path || strcmp(role, "model") != 0)
                continue;
            int dup = 0;
            for (size_t k = 0; k < pt->n_model_paths; k++)
                dup |= strcmp(pt->model_paths[k], path) == 0;
            if (!dup && pt->n_model_paths < ASTRA_STORE_MAX_PATHS)
                snprintf(pt->model_paths[pt->n_model_paths++], sizeof pt->model_paths[0], "%s", path);
        }
        json_decref(arr);
    }
    sqlite3_finalize(st);
    return 0;
}

int astra_store_point(const char *db_path, long long system_id, long long batch, astra_point_t *out, char *err,
                      size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->system_id = system_id;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open database: %s", db_path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return -2;
    }
    static const char *sql =
        "SELECT s.hardware, s.model, s.valid, s.num_chips, s.prefill_len, f.batch, f.objective, f.t, f.p, "
        "c.freq_hz, c.sa_width, c.num_sa, c.dataflow "
        "FROM systems s JOIN servers v ON v.server_id = s.server_id AND v.hardware IS s.hardware "
        "JOIN chips c ON c.chip_row = v.chip_row "
        "LEFT JOIN perf f ON f.system_id = s.system_id AND f.objective_index = 0 "
        "AND (?2 = 0 OR f.batch = ?2) "
        "WHERE s.system_id = ?1 ORDER BY f.batch LIMIT 1";
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: not a hwsweep database with systems, perf, servers and chips tables (%s)",
                 db_path, sqlite3_errmsg(db));
        rc = -2;
        goto done;
    }
    sqlite3_bind_int64(st, 1, system_id);
    sqlite3_bind_int64(st, 2, batch);
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW) {
        if (step == SQLITE_DONE) {
            snprintf(err, errlen, "%s: no system %lld (see SELECT system_id, model FROM systems)", db_path,
                     system_id);
            rc = -2;
        } else
            snprintf(err, errlen, "%s: %s", db_path, sqlite3_errmsg(db));
        goto done;
    }
    text_col(st, 0, out->hardware, sizeof out->hardware);
    text_col(st, 1, out->model, sizeof out->model);
    out->valid = sqlite3_column_int(st, 2);
    out->num_chips = sqlite3_column_double(st, 3);
    out->prefill_len = sqlite3_column_double(st, 4);
    if (!out->valid) {
        snprintf(err, errlen, "%s: system %lld is not valid (it has no mapping)", db_path, system_id);
        rc = -2;
        goto done;
    }
    if (sqlite3_column_type(st, 5) == SQLITE_NULL) {
        snprintf(err, errlen, "%s: system %lld has no stored point at batch %lld", db_path, system_id, batch);
        rc = -2;
        goto done;
    }
    out->batch = sqlite3_column_int64(st, 5);
    text_col(st, 6, out->objective, sizeof out->objective);
    out->t = sqlite3_column_double(st, 7);
    out->p = sqlite3_column_double(st, 8);
    out->freq_hz = sqlite3_column_double(st, 9);
    out->sa_width = sqlite3_column_double(st, 10);
    out->num_sa = sqlite3_column_double(st, 11);
    text_col(st, 12, out->dataflow, sizeof out->dataflow);
    rc = model_paths(db, out);
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}
