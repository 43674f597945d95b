/*
 * npu_hwchip.c -- one chip of a hardware-exploration database for the NPU
 * model (see npu_hwchip.h).
 */
#include "store/npu_hwchip.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "config/node.h"
#include "store/hw_store.h"

bool npu_hwchip_load(const char *path, const char *chip_id, chip_t *chip, package_t *pkg, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: cannot open the database: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return false;
    }
    int got = hw_store_load_chip(db, chip_id, chip, pkg);
    if (got < 0) {
        snprintf(err, errlen, "%s: not a hardware database (tables chips, packages): %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return false;
    }
    bool found = got == 1;
    sqlite3_stmt *st = NULL;
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
