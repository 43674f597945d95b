/*
 * snapshot.c -- a rollback-journal copy of an open database (see snapshot.h).
 */
#include <stdio.h>
#include <unistd.h>

#include "store/db.h"
#include "store/snapshot.h"

int db_snapshot(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    db_remove(path);
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(dst, "main", db, "main") : NULL;
    if (b) {
        rc = sqlite3_backup_step(b, -1);
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
        if (sqlite3_backup_finish(b) != SQLITE_OK && rc == SQLITE_OK)
            rc = SQLITE_ERROR;
    } else {
        rc = SQLITE_ERROR;
    }
    /* the copy carries the source's WAL flag: back to a single file */
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "sqlite: snapshot to %s: %s", path, dst ? sqlite3_errmsg(dst) : "cannot open");
    sqlite3_close(dst);
    if (rc != SQLITE_OK)
        db_remove(path);
    return rc == SQLITE_OK ? 0 : -1;
}

int db_snapshot_file(const char *src, const char *path, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(src, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", src, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db, 10000);
    int rc = db_snapshot(db, path, err, errlen);
    sqlite3_close(db);
    return rc;
}
