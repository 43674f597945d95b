/*
 * test_perf_store.c -- the compact perf store (src/store/sw_store.c) on the
 * chiplet sweep (cc_sweep x gpt3 with the cc_sweep system file, 232 system
 * points): the view perf has one row per (system, batch, objective), as
 * many as the golden points file (5,888); perf_mappings holds each
 * distinct chosen mapping of a system and batch once (3,899), perf_passes
 * each distinct pass once under its content key, every choice's metric is
 * its objective's column, and rerunning the model replaces its rows
 * without leaving unreferenced mappings or passes.
 * Runs bin/hwsweep from the repository root.
 */
#include <check.h>
#include <stdlib.h>

/* run_cmd and run_suite_and_clean; the table helpers are not needed here */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "golden_util.h"

static char tmpdir[256], db_path[512];


static void run_sw(void)
{
    ck_assert_int_eq(run_cmd("bin/hwsweep sw -q -j 1 -o %s -m inputs/software/model/gpt3.yaml "
                             "-s inputs/software/system/cc_sweep.yaml cc_sweep", tmpdir), 0);
}

#define PASS_COLS                                                                                                \
    "stage2stage_us, atten_qkv_us, atten_matmul1_us, atten_communication1_us, atten_matmul2_us, atten_fc_us, " \
    "atten_communication2_us, fc1_us, fc2_us, fc_communication_us, pipeline_stage_us, total_us, compute_us, "  \
    "communication_us"

static void check_store(void)
{
    /* one perf row per golden points row, one choice per (system, batch, objective) */
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM perf"), 5888);
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM perf_choices"), 5888);
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM points"), 5888);
    /* each distinct chosen mapping of a (system, batch) once */
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM perf_mappings"), 3899);
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM (SELECT DISTINCT system_id, batch, mapping_id FROM perf_choices)"),
                        3899);
    /* the key encodes its system and batch: system_id * 128 + log2(batch) * 4 + k */
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM perf_choices WHERE mapping_id / 128 <> system_id OR "
                           "(1 << ((mapping_id % 128) / 4)) <> batch"), 0);
    /* passes: each distinct content once, every mapping's two passes present */
    double passes = db_query_one(db_path, "SELECT count(*) FROM perf_passes");
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM (SELECT DISTINCT " PASS_COLS " FROM perf_passes)"), passes);
    ck_assert(passes > 0 && passes < 2 * 3899);
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM perf_mappings m WHERE NOT EXISTS (SELECT 1 FROM perf_passes p "
                           "WHERE p.pass_id = m.prefill_pass_id) OR NOT EXISTS (SELECT 1 FROM perf_passes p "
                           "WHERE p.pass_id = m.generate_pass_id)"), 0);
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM perf WHERE prefill_total_us IS NULL OR generate_fc1_us IS NULL"), 0);
    /* metric is what the objective minimizes; the pareto axes are those of the chosen mapping */
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM perf WHERE metric IS NOT CASE objective_index WHEN 0 THEN "
                           "prefill_latency_s WHEN 1 THEN prefill_tco_per_token_usd WHEN 2 THEN generate_latency_s "
                           "ELSE generate_tco_per_token_usd END"), 0);
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM perf_choices c JOIN perf_mappings m USING (mapping_id) WHERE "
                           "c.objective_index IN (2, 3) AND (c.generate_latency_s IS NOT m.generate_latency_s OR "
                           "c.generate_tco_per_token_usd IS NOT m.generate_tco_per_token_usd)"), 0);
}

START_TEST(compact_rows)
{
    ck_assert_int_eq(run_cmd("bin/hwsweep hw -q -o %s inputs/hardware/config/cc_sweep.yaml", tmpdir), 0);
    run_sw();
    check_store();
    /* the second run replaces the model's rows: same counts, nothing left unreferenced */
    run_sw();
    check_store();
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM perf_mappings WHERE mapping_id NOT IN "
                           "(SELECT mapping_id FROM perf_choices)"), 0);
}
END_TEST

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hwsweep-perf-store-XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    snprintf(db_path, sizeof db_path, "%s/cc_sweep/cc_sweep.db", tmpdir);
    Suite *s = suite_create("perf_store");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, compact_rows);
    suite_add_tcase(s, tc);
    return run_suite_and_clean(s, tmpdir);
}
