/*
 * npu_query.c -- `hwsweep query DB {summary|best|pareto} [--model M] [--csv]`
 * on an NPU sweep database (the SQL is store/npu_store.c's): aligned text
 * or RFC 4180 CSV.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/npu_query.h"
#include "engine/jobs.h"
#include "store/db.h"
#include "store/npu_store.h"

int npu_query(const char *path, const char *what, const char *model, int csv)
{
    const char *sql = npu_store_query_sql(what, model != NULL);
    if (!sql) {
        fprintf(stderr, "hwsweep query: unknown query '%s' (summary, best or pareto)\n", what);
        return EXIT_BADINPUT;
    }
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "hwsweep query: %s: %s\n", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return EXIT_BADINPUT;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "hwsweep query: sqlite: %s\n", sqlite3_errmsg(db));
        sqlite3_close(db);
        return EXIT_FAIL;
    }
    if (model)
        sqlite3_bind_text(st, 1, model, -1, SQLITE_STATIC);
    int nc = sqlite3_column_count(st);
    size_t rows = 0, cap = 64;
    char **cells = malloc(cap * (size_t)nc * sizeof *cells);
    size_t *width = calloc((size_t)nc, sizeof *width);
    int rc = EXIT_OK;
    while (cells && width && sqlite3_step(st) == SQLITE_ROW) {
        if (rows == cap) {
            cap *= 2;
            char **nce = realloc(cells, cap * (size_t)nc * sizeof *cells);
            if (!nce) {
                rc = EXIT_FAIL;
                break;
            }
            cells = nce;
        }
        for (int i = 0; i < nc; i++) {
            char b[256];
            db_cell_text(st, i, csv, b, sizeof b);
            cells[rows * (size_t)nc + (size_t)i] = strdup(b);
        }
        rows++;
    }
    if (!cells || !width)
        rc = EXIT_FAIL;
    for (int i = 0; rc == EXIT_OK && i < nc; i++) {
        width[i] = strlen(sqlite3_column_name(st, i));
        for (size_t r = 0; r < rows; r++)
            if (strlen(cells[r * (size_t)nc + (size_t)i]) > width[i])
                width[i] = strlen(cells[r * (size_t)nc + (size_t)i]);
    }
    for (size_t r = 0; rc == EXIT_OK && r <= rows; r++) {
        for (int i = 0; i < nc; i++) {
            const char *t = r == 0 ? sqlite3_column_name(st, i) : cells[(r - 1) * (size_t)nc + (size_t)i];
            if (csv) {
                if (strpbrk(t, ",\"\r\n")) {
                    fputc('"', stdout);
                    for (const char *c = t; *c; c++) {
                        if (*c == '"')
                            fputc('"', stdout);
                        fputc(*c, stdout);
                    }
                    fputc('"', stdout);
                } else
                    fputs(t, stdout);
                fputs(i + 1 < nc ? "," : "\r\n", stdout);
            } else {
                printf("%-*s%s", i + 1 < nc ? (int)width[i] : 0, t, i + 1 < nc ? "  " : "\n");
            }
        }
        if (r == 0 && !csv)
            for (int i = 0; i < nc; i++) {
                for (size_t k = 0; k < width[i]; k++)
                    putchar('-');
                fputs(i + 1 < nc ? "  " : "\n", stdout);
            }
    }
    for (size_t r = 0; cells && r < rows * (size_t)nc; r++)
        free(cells[r]);
    free(cells);
    free(width);
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (fflush(stdout) != 0)
        rc = EXIT_FAIL;
    return rc;
}
