/*
 * columns.h -- the self-description of a database: the `columns` table
 * (table_name, column_name, type, unit, meaning), one row for every column
 * of every table and view, and the description of one column by name.
 */
#ifndef STORE_COLUMNS_H
#define STORE_COLUMNS_H

#include <sqlite3.h>
#include <stddef.h>

typedef struct {
    const char *unit;      /* "" for a count, a name or a flag */
    const char *meaning;   /* never empty */
} col_doc_t;

/* The unit and meaning of column `column` of `table` (meaning written into
 * buf when it is composed). */
col_doc_t columns_describe(const char *table, const char *column, char *buf, size_t len);

/* (Re)fill the columns table from the tables and views the database holds. */
int columns_create(sqlite3 *db, char *err, size_t errlen);

/* Call fn for every column of every table and view of db (the columns table
 * included), in table then column order: what `hwsweep schema` prints. */
typedef int (*columns_fn)(void *ctx, const char *table, const char *column, const char *type, const char *unit,
                          const char *meaning);
int columns_each(sqlite3 *db, columns_fn fn, void *ctx, char *err, size_t errlen);

/* An in-memory database holding the schema this hwsweep writes; NULL and
 * err on failure. */
sqlite3 *columns_blank_db(char *err, size_t errlen);

#endif
