/*
 * npu_hwchip.c -- one chip of a hardware-exploration database for the NPU
 * model (see npu_hwchip.h).
 */
#include "store/npu_hwchip.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "config/node.h"

bool npu_hwchip_load(const char *path, const char *chip_id, npu_hwchip_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open the database: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return false;
    }
    const char *sql =
        "SELECT c.chip_id, c.perf_flops, c.freq_hz, c.sram_bytes, c.sram_bw_bytes_per_s,"
        " CASE WHEN c.pkg2pkg_io_bandwidth_per_io > 0 THEN c.pkg2pkg_io_bandwidth_per_io"
        " ELSE c.chip2chip_io_bandwidth_per_io END,"
        " (p.hbm_bandwidth + p.mem_3d_bandwidth) / p.num_chips, (p.hbm_cap_bytes + p.mem_3d_cap_bytes) / p.num_chips,"
        " c.tdp_w FROM chips c JOIN packages p ON p.chip_row = c.chip_row"
        " WHERE c.valid AND p.valid AND c.chip_id = ?1 ORDER BY c.chip_row, p.package_row LIMIT 1";
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: not a hardware database (tables chips, packages): %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return false;
    }
    sqlite3_bind_text(st, 1, chip_id, -1, SQLITE_STATIC);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        snprintf(out->chip_id, sizeof out->chip_id, "%s", (const char *)sqlite3_column_text(st, 0));
        double *f[] = {&out->perf_flops, &out->freq_hz, &out->sram_bytes, &out->sram_bw_bytes_per_s,
                       &out->link_bw_bytes_per_s, &out->hbm_bw_bytes_per_s, &out->hbm_cap_bytes, &out->tdp_w};
        for (int i = 0; i < 8; i++)
            *f[i] = sqlite3_column_double(st, i + 1);
    }
    sqlite3_finalize(st);
    if (!found) {
        /* the valid ids there, for the message */
        const char *names[256];
        char store[256][64];
        int n = 0;
        if (sqlite3_prepare_v2(db, "SELECT DISTINCT chip_id FROM chips WHERE valid ORDER BY chip_row", -1, &st, NULL) ==
            SQLITE_OK) {
            while (n < 256 && sqlite3_step(st) == SQLITE_ROW) {
                snprintf(store[n], sizeof store[n], "%s", (const char *)sqlite3_column_text(st, 0));
                names[n] = store[n];
                n++;
            }
            sqlite3_finalize(st);
        }
        const char *near = cfg_nearest(chip_id, names, (size_t)n);
        snprintf(err, errlen, "%s: no valid chip '%s'%s%s%s (%d valid chips)", path, chip_id,
                 near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "", n);
    }
    sqlite3_close(db);
    return found;
}
