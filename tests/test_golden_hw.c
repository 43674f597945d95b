/*
 * test_golden_hw.c -- hardware exploration equals the reference: for every
 * golden case, NAME.csv and the hw_summary view (the valid servers under
 * the CSV's names) agree with tests/golden/expected/NAME/NAME.csv within 1e-9 relative on every cell;
 * -j 1 and -j 2 give byte-identical outputs.  Runs bin/hwsweep from the
 * repository root.
 */
#include <check.h>
#include <stdlib.h>
#include <unistd.h>

#include "golden_util.h"

static const char *const cases[] = {"hw_example", "tpuv4", "tpuv5p", "cc_sweep_small", "cc_sweep"};
static char tmpdir[256];

static void hw_case(const char *name, int threads, const char *out)
{
    int rc = run_cmd("bin/hwsweep hw -q -j %d -o %s tests/golden/inputs/hardware/config/%s.yaml", threads, out, name);
    ck_assert_int_eq(rc, 0);
}

START_TEST(golden_csv_and_db)
{
    const char *name = cases[_i];
    char out[512], path[1024], expect[1024], db[1024];
    double worst;
    snprintf(out, sizeof out, "%s/j1", tmpdir);
    hw_case(name, 1, out);
    snprintf(path, sizeof path, "%s/%s/%s.csv", out, name, name);
    snprintf(expect, sizeof expect, "tests/golden/expected/%s/%s.csv", name, name);
    table_t a, b, c;
    ck_assert_int_eq(table_read_csv(expect, &a), 0);
    ck_assert_int_eq(table_read_csv(path, &b), 0);
    ck_assert_uint_eq(table_compare(&a, &b, 1e-9, &worst, path), 0);
    printf("golden %-15s %s.csv: %zu rows, worst relative difference %.3g\n", name, name, a.rows - 1, worst);

    /* the hw_summary view: the same columns, valid rows in enumeration order */
    char sql[4096] = "SELECT ";
    for (size_t k = 0; k < a.cols; k++) {
        strcat(sql, k ? ", " : "");
        strcat(sql, a.cell[0][k]);
    }
    strcat(sql, " FROM hw_summary ORDER BY server_id");
    snprintf(db, sizeof db, "%s/%s/%s.db", out, name, name);
    ck_assert_int_eq(table_from_query(db, sql, &c), 0);
    ck_assert_uint_eq(table_compare(&a, &c, 1e-9, &worst, db), 0);
    printf("golden %-15s hw_summary view: worst relative difference %.3g\n", name, worst);
    table_free(&a);
    table_free(&b);
    table_free(&c);
}
END_TEST

START_TEST(threads_byte_identical)
{
    const char *name = cases[_i];
    char o1[512], o2[512], f1[1024], f2[1024];
    snprintf(o1, sizeof o1, "%s/t1", tmpdir);
    snprintf(o2, sizeof o2, "%s/t2", tmpdir);
    hw_case(name, 1, o1);
    hw_case(name, 2, o2);
    snprintf(f1, sizeof f1, "%s/%s/%s.csv", o1, name, name);
    snprintf(f2, sizeof f2, "%s/%s/%s.csv", o2, name, name);
    ck_assert(files_equal(f1, f2));
    /* every data table, dumped in id order, is identical too */
    char d1[1024], d2[1024];
    snprintf(d1, sizeof d1, "%s/%s/%s.db", o1, name, name);
    snprintf(d2, sizeof d2, "%s/%s/%s.db", o2, name, name);
    ck_assert(db_tables_equal(d1, d2, "chips packages servers", tmpdir));
}
END_TEST

START_TEST(rerun_replaces_points)
{
    char out[512], db[1024];
    snprintf(out, sizeof out, "%s/rerun", tmpdir);
    hw_case("cc_sweep_small", 2, out);
    hw_case("cc_sweep_small", 2, out);
    snprintf(db, sizeof db, "%s/cc_sweep_small/cc_sweep_small.db", out);
    table_t t;
    ck_assert_int_eq(table_from_query(db, "SELECT count(*), sum(valid) FROM servers", &t), 0);
    ck_assert_str_eq(t.cell[1][0], "16");   /* 4 chips x 2 packages x 2 servers, not doubled */
    ck_assert_str_eq(t.cell[1][1], "4");
    table_free(&t);
    ck_assert_int_eq(table_from_query(db, "SELECT count(*) FROM runs", &t), 0);
    ck_assert_str_eq(t.cell[1][0], "2");
    table_free(&t);
}
END_TEST

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hwsweep-golden-hw-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    Suite *s = suite_create("golden_hw");
    TCase *tc = tcase_create("golden");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, golden_csv_and_db, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_loop_test(tc, threads_byte_identical, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, rerun_replaces_points);
    suite_add_tcase(s, tc);
    return run_suite_and_clean(s, tmpdir);
}
