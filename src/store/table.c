/*
 * table.c -- column descriptors (see table.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/table.h"

#define AT(obj, off) ((char *)(obj) + (off))

static void append(char *buf, size_t len, const char *s)
{
    size_t used = strlen(buf);
    if (used + 1 < len)
        snprintf(buf + used, len - used, "%s", s);
}

void cols_sql_defs(const col_t *cols, size_t n, char *buf, size_t len)
{
    static const char *const types[] = {"REAL", "INTEGER", "TEXT", "INTEGER", "INTEGER"};
    char one[160];
    for (size_t i = 0; i < n; i++) {
        snprintf(one, sizeof one, ", %s %s", cols[i].name, types[cols[i].type]);
        append(buf, len, one);
    }
}

void cols_sql_names(const col_t *cols, size_t n, const char *prefix, char *buf, size_t len)
{
    char one[160];
    for (size_t i = 0; i < n; i++) {
        snprintf(one, sizeof one, ", %s%s", prefix, cols[i].name);
        append(buf, len, one);
    }
}

int cols_bind(sqlite3_stmt *st, int first, const col_t *cols, size_t n, const void *obj)
{
    int rc = SQLITE_OK;
    for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
        const void *p = (const char *)obj + cols[i].off;
        int k = first + (int)i;
        switch (cols[i].type) {
        case COL_REAL:
        case COL_COUNT: rc = sqlite3_bind_double(st, k, *(const double *)p); break;
        case COL_BOOL: rc = sqlite3_bind_int(st, k, *(const bool *)p ? 1 : 0); break;
        case COL_INT: rc = sqlite3_bind_int(st, k, *(const int *)p); break;
        case COL_TEXT: rc = sqlite3_bind_text(st, k, (const char *)p, -1, SQLITE_TRANSIENT); break;
        }
    }
    return rc;
}

void cols_read(sqlite3_stmt *st, int first, const col_t *cols, size_t n, void *obj)
{
    for (size_t i = 0; i < n; i++) {
        void *p = AT(obj, cols[i].off);
        int k = first + (int)i;
        switch (cols[i].type) {
        case COL_REAL:
        case COL_COUNT: *(double *)p = sqlite3_column_double(st, k); break;
        case COL_BOOL: *(bool *)p = sqlite3_column_int(st, k) != 0; break;
        case COL_INT: *(int *)p = sqlite3_column_int(st, k); break;
        case COL_TEXT: {
            const unsigned char *t = sqlite3_column_text(st, k);
            snprintf((char *)p, cols[i].size, "%s", t ? (const char *)t : "");
            break;
        }
        }
    }
}

#define INSERT_SQL_MAX 16384

sqlite3_stmt *cols_prepare_insert(sqlite3 *db, const char *table, const char *head, int n_head, const col_t *a,
                                  size_t na, const col_t *b, size_t nb, const char *tail, int n_tail)
{
    char *sql = malloc(INSERT_SQL_MAX);
    if (!sql)
        return NULL;
    snprintf(sql, INSERT_SQL_MAX, "INSERT INTO %s(%s", table, head);
    cols_sql_names(a, a ? na : 0, "", sql, INSERT_SQL_MAX);
    cols_sql_names(b, b ? nb : 0, "", sql, INSERT_SQL_MAX);
    append(sql, INSERT_SQL_MAX, tail);
    append(sql, INSERT_SQL_MAX, ") VALUES(?");
    int total = n_head + (int)((a ? na : 0) + (b ? nb : 0)) + n_tail;
    for (int i = 1; i < total; i++)
        append(sql, INSERT_SQL_MAX, ", ?");
    append(sql, INSERT_SQL_MAX, ")");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        st = NULL;
    free(sql);
    return st;
}

int cols_step_reset(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : -1;
}
