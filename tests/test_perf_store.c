/*
 * test_perf_store.c -- the compact perf store (src/store/sw_store.c) on the
 * chiplet sweep (cc_sweep x gpt3 with the cc_sweep system file, 232 system
 * points): the view perf has one row per (system, batch, objective), as
 * many as the golden points file (5,888); perf_mappings holds each
 * distinct chosen mapping of a system and batch once (3,899) and references
 * its values, which perf_values, perf_results, perf_costs and perf_passes
 * hold once each (no two rows of a content table alike, every reference
 * present, keys derived from the mapping that first stored them), every
 * choice's metric is its objective's column, and rerunning the model
 * replaces its rows without leaving unreferenced rows.
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
    /* content tables: each distinct tuple once, every reference present */
    double passes = db_query_one(db_path, "SELECT count(*) FROM perf_passes");
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM (SELECT DISTINCT " PASS_COLS " FROM perf_passes)"), passes);
    ck_assert(passes > 0 && passes < 2 * 3899);
    double results = db_query_one(db_path, "SELECT count(*) FROM perf_results");
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM (SELECT DISTINCT bottleneck, latency_s, "
                           "throughput_tokens_per_s, utilization, energy_fma_j, energy_mem_j, energy_comm_j, io_s, "
                           "compute_s, mem_s, pass_id FROM perf_results)"), results);
    double costs = db_query_one(db_path, "SELECT count(*) FROM perf_costs");
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM (SELECT DISTINCT prefill_power_w, generate_power_w, "
                           "prefill_tco_per_token_usd, generate_tco_per_token_usd, tco_per_mtoken_usd, capex_usd, "
                           "opex_usd, srv_tco_usd FROM perf_costs)"), costs);
    double values = db_query_one(db_path, "SELECT count(*) FROM perf_values");
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM (SELECT DISTINCT t, p, micro_batch, "
                           "prefill_micro_batch, prefill_result_id, generate_result_id, cost_id FROM perf_values)"), values);
    ck_assert(values > 0 && values <= 3899 && results > 0 && costs > 0);
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM perf_mappings m LEFT JOIN perf_values v USING (value_id) "
                           "LEFT JOIN perf_results a ON a.result_id = v.prefill_result_id LEFT JOIN perf_results b ON "
                           "b.result_id = v.generate_result_id LEFT JOIN perf_costs c ON c.cost_id = v.cost_id LEFT JOIN "
                           "perf_passes pa ON pa.pass_id = a.pass_id LEFT JOIN perf_passes pg ON pg.pass_id = b.pass_id "
                           "WHERE v.value_id IS NULL OR a.result_id IS NULL OR b.result_id IS NULL OR c.cost_id IS NULL "
                           "OR pa.pass_id IS NULL OR pg.pass_id IS NULL"), 0);
    /* a content row's key comes from the first mapping that stored it: mapping_id, or 2 * mapping_id + stage */
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM perf_values v WHERE value_id NOT IN "
                           "(SELECT min(mapping_id) FROM perf_mappings GROUP BY value_id)"), 0);
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM perf WHERE prefill_total_us IS NULL OR generate_fc1_us IS NULL"), 0);
    /* metric is what the objective minimizes; the pareto axes are those of the chosen mapping */
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM perf WHERE metric IS NOT CASE objective_index WHEN 0 THEN "
                           "prefill_latency_s WHEN 1 THEN prefill_tco_per_token_usd WHEN 2 THEN generate_latency_s "
                           "ELSE generate_tco_per_token_usd END"), 0);
    ck_assert_double_eq(db_query_one(db_path, "SELECT count(*) FROM perf_choices c JOIN perf f USING (mapping_id, objective_index) "
                           "WHERE c.objective_index IN (2, 3) AND (c.generate_latency_s IS NOT f.generate_latency_s OR "
                           "c.generate_tco_per_token_usd IS NOT f.generate_tco_per_token_usd)"), 0);
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
    ck_assert_double_eq(db_query_one(db_path, "SELECT (SELECT count(*) FROM perf_values WHERE value_id NOT IN (SELECT value_id "
                           "FROM perf_mappings)) + (SELECT count(*) FROM perf_costs WHERE cost_id NOT IN (SELECT cost_id "
                           "FROM perf_values)) + (SELECT count(*) FROM perf_results WHERE result_id NOT IN (SELECT "
                           "prefill_result_id FROM perf_values UNION ALL SELECT generate_result_id FROM perf_values)) + "
                           "(SELECT count(*) FROM perf_passes WHERE pass_id NOT IN (SELECT pass_id FROM perf_results))"), 0);
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
