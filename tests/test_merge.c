/*
 * test_merge.c -- merge_run on the shards of tests/sweeps/tiny.yaml: two
 * shards merged hold exactly the rows of one whole run (chips, packages,
 * servers, systems, perf, in id order) and its inputs; merged in either
 * order; a missing shard or a shard given twice is refused (status 2) and
 * writes nothing.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/merge.h"
#include "engine/sweep.h"

static char dir[64];

/* a digest of every data table, in id order, as text */
static char *dump(const char *path)
{
    static const char *const tables[] = {"chips", "packages", "servers", "systems", "perf", "perf_mappings",
                                         "perf_choices", "perf_passes", "perf_results", "perf_costs",
                                         "perf_values", "inputs"};
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    size_t cap = 1 << 20, n = 0;
    char *out = malloc(cap);
    ck_assert_ptr_nonnull(out);
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1, 2", tables[t]);
        sqlite3_stmt *st = NULL;
        ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        while (sqlite3_step(st) == SQLITE_ROW)
            for (int i = 0; i < sqlite3_column_count(st); i++) {
                const char *v = (const char *)sqlite3_column_text(st, i);
                size_t k = strlen(v ? v : "NULL") + 2;
                if (n + k >= cap) {
                    cap *= 2;
                    out = realloc(out, cap);
                    ck_assert_ptr_nonnull(out);
                }
                n += (size_t)snprintf(out + n, cap - n, "%s%c", v ? v : "NULL", i + 1 < sqlite3_column_count(st) ? '|' : '\n');
            }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
}

static int run(int i, int n)
{
    char out[128];
    snprintf(out, sizeof out, "%s/o", dir);
    sweep_opts_t o = {.sweep_path = "tests/sweeps/tiny.yaml", .outdir = out, .command = "test", .threads = 1,
                      .shard_i = i, .shard_n = n, .quiet = true};
    return sweep_run(&o);
}

START_TEST(merged_shards_equal_one_run)
{
    ck_assert_int_eq(run(1, 1), 0);
    ck_assert_int_eq(run(1, 2), 0);
    ck_assert_int_eq(run(2, 2), 0);
    char whole[128], s1[128], s2[128], m[128], m2[128];
    snprintf(whole, sizeof whole, "%s/o/sweeps/tiny.db", dir);
    snprintf(s1, sizeof s1, "%s/o/sweeps/tiny.shard-1-of-2.db", dir);
    snprintf(s2, sizeof s2, "%s/o/sweeps/tiny.shard-2-of-2.db", dir);
    snprintf(m, sizeof m, "%s/m.db", dir);
    snprintf(m2, sizeof m2, "%s/m2.db", dir);
    char *const both[] = {s1, s2}, *const reversed[] = {s2, s1}, *const one[] = {s1}, *const twice[] = {s1, s1};
    ck_assert_int_eq(merge_run(m, both, 2, "test", 1), 0);
    char *a = dump(whole), *b = dump(m);
    ck_assert(strlen(a) > 1000);
    ck_assert_str_eq(a, b);
    free(b);
    ck_assert_int_eq(merge_run(m2, reversed, 2, "test", 1), 0);
    b = dump(m2);
    ck_assert_str_eq(a, b);
    free(b);
    free(a);
    unlink(m2);
    ck_assert_int_eq(merge_run(m2, one, 1, "test", 1), 2);
    ck_assert_int_ne(access(m2, F_OK), 0);
    ck_assert_int_eq(merge_run(m2, twice, 2, "test", 1), 2);
    ck_assert_int_ne(access(m2, F_OK), 0);
}
END_TEST

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/hwsweep-test-merge-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    Suite *s = suite_create("merge");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, merged_shards_equal_one_run);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        failed++;
    return failed ? 1 : 0;
}
