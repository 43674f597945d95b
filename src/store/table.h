/*
 * table.h -- struct <-> SQLite row mapping by column descriptors.
 *
 * A descriptor {name, type, offset} says where a column's value lives in a
 * struct.  One table of descriptors gives the CREATE TABLE column list, the
 * INSERT placeholders, the binding of a struct's values, and the reading of
 * a row back into a struct, so a field is named once.
 */
#ifndef STORE_TABLE_H
#define STORE_TABLE_H

#include <sqlite3.h>
#include <stddef.h>

/* COL_COUNT: a double holding a whole quantity (t, p, servers, chips),
 * declared INTEGER so that SQLite stores integral values as integers
 * (a fractional value would stay REAL); bound and read as a double. */
typedef enum { COL_REAL, COL_BOOL, COL_TEXT, COL_INT, COL_COUNT } col_type_t;

typedef struct {
    const char *name;
    col_type_t type;
    size_t off;
    size_t size;   /* COL_TEXT: buffer size */
} col_t;

/* Append ", name TYPE" for each column to buf. */
void cols_sql_defs(const col_t *cols, size_t n, char *buf, size_t len);
/* Append ", name" for each column to buf. */
void cols_sql_names(const col_t *cols, size_t n, const char *prefix, char *buf, size_t len);
/* Bind the struct's values to parameters first..first+n-1. */
int cols_bind(sqlite3_stmt *st, int first, const col_t *cols, size_t n, const void *obj);
/* INSERT INTO table(head, a..., b..., tail) VALUES(?, ...): head and tail
 * are comma-separated names given with their counts; a and b may be NULL.
 * NULL when preparing fails. */
sqlite3_stmt *cols_prepare_insert(sqlite3 *db, const char *table, const char *head, int n_head, const col_t *a,
                                  size_t na, const col_t *b, size_t nb, const char *tail, int n_tail);
/* Step an INSERT and reset it (bindings cleared) for the next row; 0 when done. */
int cols_step_reset(sqlite3_stmt *st);

/* Read columns first..first+n-1 of the current row into the struct. */
void cols_read(sqlite3_stmt *st, int first, const col_t *cols, size_t n, void *obj);

#endif
