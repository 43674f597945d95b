/*
 * invalid.h -- invalid points counted by level (chip, package, server,
 * system) and reason, the reasons grouped by their text with each number
 * replaced by '#' ("heat sink # W cannot cool package TDP # W"), each group
 * with one example and its count; and the point counts per level.
 */
#ifndef STORE_INVALID_H
#define STORE_INVALID_H

#include <sqlite3.h>
#include <stddef.h>

#define INVALID_TEXT_MAX 256

typedef struct {
    char level[16];                  /* chip, package, server or system */
    char reason[INVALID_TEXT_MAX];   /* numbers as '#' */
    char example[INVALID_TEXT_MAX];  /* one reason of the group, numbers in full */
    long count;
} invalid_count_t;

enum { LEVEL_CHIP, LEVEL_PACKAGE, LEVEL_SERVER, LEVEL_SYSTEM, LEVEL_N };
extern const char *const invalid_levels[LEVEL_N];

/* The statement listing (level, reason, points, example), most frequent
 * first, at most limit rows (0: all); model: only systems of that model
 * (NULL: all).  NULL and err on failure. */
sqlite3_stmt *invalid_prepare(sqlite3 *db, const char *model, int limit, char *err, size_t errlen);

/* The first max groups of invalid_prepare into out, their number in *n. */
int invalid_top(sqlite3 *db, invalid_count_t *out, size_t max, size_t *n, char *err, size_t errlen);

/* Points and valid points per level (LEVEL_*). */
int invalid_point_counts(sqlite3 *db, long total[LEVEL_N], long valid[LEVEL_N], char *err, size_t errlen);

#endif
