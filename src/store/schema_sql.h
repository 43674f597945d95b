/*
 * schema_sql.h -- creation of every table and view of a database.  Each
 * store module owns its tables; db_schema_create() calls them in order.
 */
#ifndef STORE_SCHEMA_SQL_H
#define STORE_SCHEMA_SQL_H

#include <sqlite3.h>
#include <stddef.h>

int db_schema_create(sqlite3 *db, char *err, size_t errlen);
/* 1 when path is a database written by another schema version. */
int db_schema_outdated(const char *path);
int hw_store_schema(sqlite3 *db, char *err, size_t errlen);
int sw_store_schema(sqlite3 *db, char *err, size_t errlen);

#endif
