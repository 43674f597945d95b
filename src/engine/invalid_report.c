/*
 * invalid_report.c -- the end of hw and sweeps: the top five invalid
 * reasons of the finished database and a warning when nothing is valid
 * (see invalid_report.h).
 */
#include <stdio.h>

#include "engine/invalid_report.h"
#include "store/db.h"
#include "store/invalid.h"

#define TOP_REASONS 5

void job_invalid_report(const char *db_path, int quiet)
{
    char err[DB_ERR_MAX] = "";
    sqlite3 *db = db_open_readonly(db_path, err, sizeof err);
    long total[LEVEL_N], valid[LEVEL_N];
    invalid_count_t top[TOP_REASONS];
    size_t n = 0;
    if (!db || invalid_point_counts(db, total, valid, err, sizeof err) ||
        (!quiet && invalid_top(db, top, TOP_REASONS, &n, err, sizeof err))) {
        fprintf(stderr, "hwsweep: %s: cannot count the invalid points: %s\n", db_path, err);
        db_close(db);
        return;
    }
    db_close(db);
    if (n) {
        printf("most frequent invalid reasons (all: hwsweep query %s invalid):\n", db_path);
        for (size_t i = 0; i < n; i++)
            printf("  %8ld %-7s  %s\n", top[i].count, top[i].level, top[i].example);
    }
    /* the first level with points but none valid: nothing after it can be */
    for (int l = 0; l < LEVEL_N; l++)
        if (total[l] > 0 && valid[l] == 0) {
            fprintf(stderr, "hwsweep: WARNING: none of the %ld %s points of %s is valid%s; "
                    "see hwsweep query %s invalid\n", total[l], invalid_levels[l], db_path,
                    l < LEVEL_SYSTEM ? ": nothing was built on them" : "", db_path);
            break;
        }
}
