/*
 * test_golden_sw.c -- software evaluation equals the reference: for every
 * golden case (HW / MODEL / SYS), MODEL.csv and the points view agree with
 * tests/golden/expected/HW/MODEL__SYS.csv and MODEL__SYS_points.csv within
 * 1e-9 relative on every cell, and -j 1 and -j 2 give byte-identical
 * outputs.  Runs bin/hwsweep from the repository root.
 */
#include <check.h>
#include <stdlib.h>
#include <unistd.h>

#include "golden_util.h"

typedef struct {
    const char *hw, *model, *sys;
} sw_case_t;

static const sw_case_t cases[] = {
    {"hw_example", "gpt3", "sys_default"},
    {"tpuv4", "gpt3", "tpuv4"},
    {"tpuv5p", "gpt3", "tpuv5p"},
    {"cc_sweep_small", "llama3-70B", "cc_sweep_small"},
    {"cc_sweep", "gpt3", "cc_sweep"},
};
static char tmpdir[256];

#define IN "tests/golden/inputs/"

static void run_case(const sw_case_t *c, int threads, const char *out)
{
    ck_assert_int_eq(run_cmd("bin/hwsweep hw -q -j %d -o %s " IN "hardware/config/%s.yaml", threads, out, c->hw), 0);
    ck_assert_int_eq(run_cmd("bin/hwsweep sw -q -j %d -o %s -m " IN "software/model/%s.yaml -s " IN
                             "software/system/%s.yaml %s 2>/dev/null",
                             threads, out, c->model, c->sys, c->hw), 0);
}

static void compare(const char *expect, table_t *got, const char *label, const char *what)
{
    table_t a;
    double worst;
    ck_assert_int_eq(table_read_csv(expect, &a), 0);
    ck_assert_uint_eq(table_compare(&a, got, 1e-9, &worst, label), 0);
    printf("golden %-15s %-28s %5zu rows, worst relative difference %.3g\n", label, what, a.rows - 1, worst);
    table_free(&a);
}

START_TEST(golden_model_csv_and_points)
{
    const sw_case_t *c = &cases[_i];
    char out[512], path[1024], expect[1024], db[1024], what[128];
    snprintf(out, sizeof out, "%s/j1", tmpdir);
    run_case(c, 1, out);
    table_t got;
    snprintf(path, sizeof path, "%s/%s/%s.csv", out, c->hw, c->model);
    snprintf(expect, sizeof expect, "tests/golden/expected/%s/%s__%s.csv", c->hw, c->model, c->sys);
    ck_assert_int_eq(table_read_csv(path, &got), 0);
    snprintf(what, sizeof what, "%s.csv", c->model);
    compare(expect, &got, c->hw, what);
    table_free(&got);

    snprintf(db, sizeof db, "%s/%s/%s.db", out, c->hw, c->hw);
    ck_assert_int_eq(table_from_query(db, "SELECT server_row, num_servers, prefill_len, generate_len, max_batch, "
                                          "sys_num_chips, kv_cache_ratio, max_ctx_len_batch_1, batch, objective, t, p, "
                                          "micro_batch, prefill_micro_batch, prefill_latency, prefill_throughput, "
                                          "prefill_utilization, prefill_power, prefill_tco_per_token, "
                                          "generate_latency, generate_throughput, generate_utilization, "
                                          "generate_power, generate_tco_per_token FROM points", &got), 0);
    snprintf(expect, sizeof expect, "tests/golden/expected/%s/%s__%s_points.csv", c->hw, c->model, c->sys);
    compare(expect, &got, c->hw, "points view");
    table_free(&got);
}
END_TEST

START_TEST(points_view_columns)
{
    /* exactly the golden columns plus model */
    char out[512], db[1024];
    snprintf(out, sizeof out, "%s/cols", tmpdir);
    run_case(&cases[1], 2, out);
    snprintf(db, sizeof db, "%s/tpuv4/tpuv4.db", out);
    table_t got, want;
    ck_assert_int_eq(table_from_query(db, "SELECT * FROM points LIMIT 1", &got), 0);
    ck_assert_int_eq(table_read_csv("tests/golden/expected/tpuv4/gpt3__tpuv4_points.csv", &want), 0);
    ck_assert_uint_eq(got.cols, want.cols + 1);
    for (size_t c = 0; c < want.cols; c++)
        ck_assert_str_eq(got.cell[0][c], want.cell[0][c]);
    ck_assert_str_eq(got.cell[0][want.cols], "model");
    table_free(&got);
    table_free(&want);
}
END_TEST

START_TEST(threads_byte_identical)
{
    const sw_case_t *c = &cases[_i];
    char o1[512], o2[512], f1[1024], f2[1024];
    snprintf(o1, sizeof o1, "%s/t1", tmpdir);
    snprintf(o2, sizeof o2, "%s/t2", tmpdir);
    run_case(c, 1, o1);
    run_case(c, 2, o2);
    snprintf(f1, sizeof f1, "%s/%s/%s.csv", o1, c->hw, c->model);
    snprintf(f2, sizeof f2, "%s/%s/%s.csv", o2, c->hw, c->model);
    ck_assert(files_equal(f1, f2));
    char d1[1024], d2[1024];
    snprintf(d1, sizeof d1, "%s/%s/%s.db", o1, c->hw, c->hw);
    snprintf(d2, sizeof d2, "%s/%s/%s.db", o2, c->hw, c->hw);
    ck_assert(db_tables_equal(d1, d2, "systems perf", tmpdir));
}
END_TEST

START_TEST(rerun_replaces_only_its_rows)
{
    char out[512], db[1024];
    snprintf(out, sizeof out, "%s/rerun", tmpdir);
    run_case(&cases[1], 2, out);
    ck_assert_int_eq(run_cmd("bin/hwsweep sw -q -o %s -m " IN "software/model/llama3-70B.yaml -s " IN
                             "software/system/tpuv4.yaml tpuv4 2>/dev/null", out), 0);
    ck_assert_int_eq(run_cmd("bin/hwsweep sw -q -o %s -m " IN "software/model/gpt3.yaml -s " IN
                             "software/system/tpuv4.yaml tpuv4 2>/dev/null", out), 0);
    snprintf(db, sizeof db, "%s/tpuv4/tpuv4.db", out);
    table_t t;
    ck_assert_int_eq(table_from_query(db, "SELECT model, count(*) FROM systems GROUP BY model ORDER BY model", &t), 0);
    ck_assert_uint_eq(t.rows, 3);
    ck_assert_str_eq(t.cell[1][0], "gpt3");
    ck_assert_str_eq(t.cell[1][1], "3");
    ck_assert_str_eq(t.cell[2][0], "llama3-70B");
    ck_assert_str_eq(t.cell[2][1], "3");
    table_free(&t);
}
END_TEST

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hwsweep-golden-sw-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    Suite *s = suite_create("golden_sw");
    TCase *tc = tcase_create("golden");
    tcase_set_timeout(tc, 300);
    int n = (int)(sizeof cases / sizeof cases[0]);
    tcase_add_loop_test(tc, golden_model_csv_and_points, 0, n);
    tcase_add_loop_test(tc, threads_byte_identical, 0, n);
    tcase_add_test(tc, rerun_replaces_only_its_rows);
    tcase_add_test(tc, points_view_columns);
    suite_add_tcase(s, tc);
    return run_suite_and_clean(s, tmpdir);
}
