/*
 * query_sql.h -- the statements behind `hwsweep query` (best, pareto,
 * points, summary) and the points_hw view, with their filters (model,
 * batch, objective, an SQL condition), order and limit.  The store builds
 * and prepares them; the command line prints what they return.
 */
#ifndef STORE_QUERY_SQL_H
#define STORE_QUERY_SQL_H

#include <sqlite3.h>
#include <stddef.h>

typedef struct {
    const char *what;       /* best, pareto or points */
    const char *model;      /* NULL: all */
    long batch;             /* <= 0: all */
    const char *objective;  /* NULL: all (best, points) */
    const char *where;      /* an SQL condition on the result's columns; NULL: none */
    const char *sort;       /* COL[,COL...], '-' before a column: descending; NULL: the default order */
    long limit;             /* <= 0: all */
} query_spec_t;

/* The statement of q, bound; NULL and err (with the position of a bad
 * --sort) when it cannot be prepared (bad input). */
sqlite3_stmt *query_prepare(sqlite3 *db, const query_spec_t *q, char *err, size_t errlen);

/* The i-th (0..2) statement of the summary, bound to model (NULL: all);
 * title: its heading. */
sqlite3_stmt *query_summary_prepare(sqlite3 *db, int i, const char *model, const char **title, char *err,
                                    size_t errlen);
#define QUERY_SUMMARY_PARTS 3

/* The points_hw view: every valid point with its mapping, metrics and its
 * chip, package and server parameters. */
int query_views_create(sqlite3 *db, char *err, size_t errlen);

/* 1 when db holds an object of that type ("table", "view") and name. */
int query_has_object(sqlite3 *db, const char *type, const char *name);

/* The models of the systems table, comma-separated into list; *found: model
 * is one of them.  Their number, -1 and err on failure. */
int query_models(sqlite3 *db, const char *model, char *list, size_t len, int *found, char *err, size_t errlen);

/* One read transaction around the statements of a query (one snapshot);
 * query_read_begin: 0 when begun. */
int query_read_begin(sqlite3 *db);
void query_read_end(sqlite3 *db);

#endif
