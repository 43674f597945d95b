/* sw_store.c -- placeholder schema until the software evaluation lands. */
#include "store/schema_sql.h"
int sw_store_schema(sqlite3 *db, char *err, size_t errlen)
{
    (void)err; (void)errlen;
    return sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS systems(system_id INTEGER PRIMARY KEY);"
                            "CREATE TABLE IF NOT EXISTS perf(system_id INTEGER);", NULL, NULL, NULL);
}
