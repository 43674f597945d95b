/*
 * golden_util.h -- helpers for the golden tests: read a CSV (ours, or the
 * reference's "a, b, " style), compare two tables cell by cell within a
 * relative tolerance, run a command, and read query results from SQLite.
 */
#ifndef TESTS_GOLDEN_UTIL_H
#define TESTS_GOLDEN_UTIL_H

#include <check.h>
#include <ctype.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t rows, cols;
    char ***cell;   /* cell[row][col] */
} table_t;

__attribute__((unused)) static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* Split one line on commas (no quoted cells in these files). */
__attribute__((unused)) static char **split_line(char *line, size_t *n)
{
    size_t cap = 8, k = 0;
    char **out = malloc(cap * sizeof *out);
    char *p = line;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (k == cap)
            out = realloc(out, (cap *= 2) * sizeof *out);
        out[k++] = strdup(trim(p));
        if (!comma)
            break;
        p = comma + 1;
    }
    if (k > 0 && out[k - 1][0] == '\0') /* the reference's trailing ", " */
        free(out[--k]);
    *n = k;
    return out;
}

__attribute__((unused)) static int table_read_csv(const char *path, table_t *t)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    memset(t, 0, sizeof *t);
    size_t cap = 64;
    t->cell = malloc(cap * sizeof *t->cell);
    char line[1 << 16];
    while (fgets(line, sizeof line, f)) {
        if (trim(line)[0] == '\0')
            continue;
        if (t->rows == cap)
            t->cell = realloc(t->cell, (cap *= 2) * sizeof *t->cell);
        size_t n;
        t->cell[t->rows++] = split_line(line, &n);
        if (t->rows == 1)
            t->cols = n;
        else if (n != t->cols) {
            fclose(f);
            return -2;
        }
    }
    fclose(f);
    return 0;
}

__attribute__((unused)) static void table_free(table_t *t)
{
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++)
            free(t->cell[r][c]);
        free(t->cell[r]);
    }
    free(t->cell);
    memset(t, 0, sizeof *t);
}

__attribute__((unused)) static int parse_num(const char *s, double *v)
{
    char *end;
    *v = strtod(s, &end);
    return *s && *end == '\0';
}

/* Compare b against expected a: same shape, text cells equal, numbers
 * within rel.  Returns the number of bad cells; worst gets the largest
 * relative difference; the first problem is printed. */
__attribute__((unused)) static size_t table_compare(const table_t *a, const table_t *b, double rel, double *worst, const char *label)
{
    size_t bad = 0;
    *worst = 0;
    if (a->rows != b->rows || a->cols != b->cols) {
        fprintf(stderr, "%s: shape %zux%zu, expected %zux%zu\n", label, b->rows, b->cols, a->rows, a->cols);
        return 1;
    }
    for (size_t r = 0; r < a->rows; r++)
        for (size_t c = 0; c < a->cols; c++) {
            double x, y;
            const char *s = a->cell[r][c], *u = b->cell[r][c];
            if (parse_num(s, &x) && parse_num(u, &y)) {
                double d = x == y ? 0 : fabs(x - y) / fmax(fabs(x), fabs(y));
                if (d > *worst)
                    *worst = d;
                if (!(d <= rel) && bad++ == 0)
                    fprintf(stderr, "%s: row %zu col %s: %s, expected %s\n", label, r, a->cell[0][c], u, s);
            } else if (strcmp(s, u) != 0 && bad++ == 0) {
                fprintf(stderr, "%s: row %zu col %s: '%s', expected '%s'\n", label, r, a->cell[0][c], u, s);
            }
        }
    return bad;
}

/* Rows of a query as a table (first row: column names). */
__attribute__((unused)) static int table_from_query(const char *db_path, const char *sql, table_t *t)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    memset(t, 0, sizeof *t);
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", db_path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    t->cols = (size_t)sqlite3_column_count(st);
    size_t cap = 64;
    t->cell = malloc(cap * sizeof *t->cell);
    t->cell[0] = malloc(t->cols * sizeof(char *));
    for (size_t c = 0; c < t->cols; c++)
        t->cell[0][c] = strdup(sqlite3_column_name(st, (int)c));
    t->rows = 1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (t->rows == cap)
            t->cell = realloc(t->cell, (cap *= 2) * sizeof *t->cell);
        char **row = malloc(t->cols * sizeof *row);
        for (size_t c = 0; c < t->cols; c++) {
            char buf[64];
            if (sqlite3_column_type(st, (int)c) == SQLITE_FLOAT) {
                snprintf(buf, sizeof buf, "%.17g", sqlite3_column_double(st, (int)c));
                row[c] = strdup(buf);
            } else {
                const unsigned char *txt = sqlite3_column_text(st, (int)c);
                row[c] = strdup(txt ? (const char *)txt : "");
            }
        }
        t->cell[t->rows++] = row;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return 0;
}

__attribute__((unused)) static int files_equal(const char *a, const char *b)
{
    FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
    int eq = f && g;
    while (eq) {
        int x = fgetc(f), y = fgetc(g);
        if (x != y)
            eq = 0;
        if (x == EOF || y == EOF)
            break;
    }
    if (f)
        fclose(f);
    if (g)
        fclose(g);
    return eq;
}

static int run_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
__attribute__((unused)) static int run_cmd(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return rc == -1 ? -1 : (rc >> 8) & 0xff;
}

/* Run one suite without forking (the tests share a temp folder), remove
 * the folder, and give main's exit status. */
__attribute__((unused)) static int run_suite_and_clean(Suite *s, const char *dir)
{
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    run_cmd("rm -rf %s", dir);
    return failed ? 1 : 0;
}

/* Do the data tables of two databases dump identically, each ordered by all
 * its columns (a table or view either database lacks counts as a difference)?
 * scratch is a folder for the two dumps. */
__attribute__((unused)) static int db_tables_equal(const char *a, const char *b, const char *tables, const char *scratch)
{
    static const char *dump =
        "for t in %s; do n=$(sqlite3 %s \"SELECT count(*) FROM pragma_table_info('$t')\") && [ \"$n\" -gt 0 ] && "
        "sqlite3 %s \"SELECT * FROM $t ORDER BY $(seq -s, 1 $n)\" || echo \"no table $t\"; done > %s/%s";
    char cmd[4096];
    snprintf(cmd, sizeof cmd, dump, tables, a, a, scratch, "d1");
    if (run_cmd("%s", cmd) != 0)
        return 0;
    snprintf(cmd, sizeof cmd, dump, tables, b, b, scratch, "d2");
    if (run_cmd("%s", cmd) != 0)
        return 0;
    return run_cmd("! grep -q '^no table' %s/d1 && cmp -s %s/d1 %s/d2", scratch, scratch, scratch) == 0;
}

/* The first column of the first row of sql on the database at db_path. */
__attribute__((unused)) static double db_query_one(const char *db_path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    ck_assert_int_eq(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fprintf(stderr, "sqlite: %s\n  in: %.300s\n", sqlite3_errmsg(db), sql);
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    double v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

#endif
