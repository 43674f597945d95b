/*
 * invalid_report.c -- the end of hw and sweeps: the top five invalid
 * reasons of the finished database and a warning when nothing is valid
 * (see invalid_report.h).
 */
#include <stdio.h>

#include "engine/invalid_report.h"
#include "store/db.h"

int job_invalid_collect(sqlite3 *db, int quiet, invalid_summary_t *s)
{
    s->n = 0;
    s->err[0] = '\0';
    s->ok = invalid_point_counts(db, s->total, s->valid, s->err, sizeof s->err) == 0 &&
            (quiet || invalid_top(db, s->top, INVALID_REPORT_TOP, &s->n, s->err, sizeof s->err) == 0);
    return s->ok ? 0 : -1;
}

void job_invalid_print(const char *db_path, const invalid_summary_t *s)
{
    if (!s->ok) {
        fprintf(stderr, "hwsweep: %s: cannot count the invalid points: %s\n", db_path, s->err);
        return;
    }
    if (s->n) {
        printf("most frequent invalid reasons (all: hwsweep query %s invalid):\n", db_path);
        for (size_t i = 0; i < s->n; i++)
            printf("  %8ld %-7s  %s\n", s->top[i].count, s->top[i].level, s->top[i].example);
    }
    /* the first level with points but none valid: nothing after it can be */
    for (int l = 0; l < LEVEL_N; l++)
        if (s->total[l] > 0 && s->valid[l] == 0) {
            fprintf(stderr, "hwsweep: WARNING: none of the %ld %s points of %s is valid%s; "
                    "see hwsweep query %s invalid\n", s->total[l], invalid_levels[l], db_path,
                    l < LEVEL_SYSTEM ? ": nothing was built on them" : "", db_path);
            break;
        }
}

void job_invalid_report(const char *db_path, int quiet)
{
    invalid_summary_t s = {.ok = 0};
    sqlite3 *db = db_open_readonly(db_path, s.err, sizeof s.err);
    if (db)
        job_invalid_collect(db, quiet, &s);
    db_close(db);
    job_invalid_print(db_path, &s);
}
