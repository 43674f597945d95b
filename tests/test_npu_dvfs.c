/*
 * test_npu_dvfs.c -- DVFS of the NPU energy model (hwsweep npu --dvfs):
 * the policy table, the Ideal plan, the per-unit power and regulator
 * tables with numbers from NeuSim 45dbdc1's dvfs_policy_lib.py and
 * dvfs_power_getter.py, and `--dvfs Ideal --compat neusim` against NeuSim's
 * own pipeline run with --dvfs_policy=Ideal (llama3-8b, one TPUv5p),
 * vendored under tests/golden/neusim/A_llama3-8b_tpuv5p/pipeline/
 * raw_Ideal/ and carbon_{NoPG,Full}/dvfs_Ideal/: every strategy CSV byte
 * for byte, every energy_stats and carbon number within 1e-9 relative.
 */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "npu/npu_dvfs.h"
#include "npu/npu_energy.h"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function" /* the helpers this test does not need */
#include "npu_golden.h"

#include "golden_util.h"
#pragma GCC diagnostic pop

#define TOL 1e-9
#define GOLD "tests/golden/neusim/A_llama3-8b_tpuv5p/pipeline"
#define PSTR "llama3-8b/dp1-tp1-pp1-dpdcn1-tpdcn1-ppdcn1-bs1"

static const char *const PHASES[] = {"prefill", "decode"};
static const char *const PGS[] = {"NoPG", "Base", "HW", "Full", "Ideal"};

typedef struct {
    size_t cells;
    double worst;
} tally_t;

/* Every number of gold within TOL of mine (keys of gold; with all_keys,
 * the same keys on both sides). */
static void cmp_json(tally_t *t, const char *path, json_t *gold, json_t *mine, bool all_keys)
{
    ck_assert_msg(mine != NULL, "%s: missing in ours", path);
    if (json_is_object(gold)) {
        ck_assert_msg(json_is_object(mine), "%s: not an object in ours", path);
        const char *key;
        json_t *v;
        json_object_foreach(gold, key, v)
        {
            char sub[256];
            snprintf(sub, sizeof sub, "%s.%s", path, key);
            cmp_json(t, sub, v, json_object_get(mine, key), all_keys);
        }
        if (all_keys)
            json_object_foreach(mine, key, v)
            ck_assert_msg(json_object_get(gold, key) != NULL, "%s.%s: not a NeuSim key", path, key);
    } else if (json_is_number(gold)) {
        ck_assert_msg(json_is_number(mine), "%s: not a number in ours", path);
        double g = json_number_value(gold), m = json_number_value(mine);
        double d = g == m ? 0 : fabs(g - m) / fmax(fabs(g), fabs(m));
        ck_assert_msg(d <= TOL, "%s: NeuSim %.17g, ours %.17g", path, g, m);
        t->worst = fmax(t->worst, d);
        t->cells++;
    } else {
        ck_assert_msg(json_equal(gold, mine), "%s: differs", path);
        t->cells++;
    }
}

START_TEST(policy_table)
{
    char err[512];
    ck_assert_int_eq(npu_dvfs_policy_find("None", err, sizeof err), NPU_DVFS_NONE);
    ck_assert_int_eq(npu_dvfs_policy_find("Ideal", err, sizeof err), NPU_DVFS_IDEAL);
    ck_assert_str_eq(npu_dvfs_policy_name(NPU_DVFS_IDEAL), "Ideal");
    /* declared by NeuSim, unsupported there: refused, naming the valid ones */
    const char *declared[] = {"DVFSC", "Custom", "PerfDegrad"};
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(npu_dvfs_policy_find(declared[i], err, sizeof err), -1);
        ck_assert_msg(strstr(err, "not implemented") && strstr(err, "None, Ideal"), "%s", err);
    }
    ck_assert_int_eq(npu_dvfs_policy_find("ideal", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "unknown DVFS policy 'ideal'") && strstr(err, "Ideal"), "%s", err);
}
END_TEST

START_TEST(ideal_plan_power_and_regulator)
{
    /* SA busy half the op (slack ratio 1): 1.7 / 2 = 0.85 GHz, in the
     * 0.50 V band (top 0.850340136 GHz); VU idle: 0.05 GHz at 0.45 V; SRAM
     * slack ratio 9: 0.17 GHz at 0.45 V; HBM the bound: 1.7 GHz at 0.70 V;
     * ICI idle: no clock, 0.45 V; every regulator at 200 ns */
    npu_op_perf_t op;
    memset(&op, 0, sizeof op);
    op.exe_time_ns = 1000;
    op.mxu_time_ns = 500;
    op.vmem_time_ns = 100;
    op.memory_time_ns = 1000;
    npu_dvfs_plan_t p;
    npu_dvfs_plan(NPU_DVFS_IDEAL, &op, 1.7, 1.7, &p);
    const double f[5] = {0.85, 0.05, 0.17, 1.7, 0.0}, v[5] = {0.5, 0.45, 0.45, 0.7, 0.45};
    for (int c = 0; c < NPU_DVFS__COUNT; c++) {
        ck_assert(rel_close(p.freq_GHz[c], f[c], 1e-15));
        ck_assert_double_eq(p.voltage_V[c], v[c]);
        ck_assert_double_eq(p.scaling_time_ns[c], 200);
    }
    /* huge slack: clamped at 0.05 GHz */
    op.mxu_time_ns = 1;
    npu_dvfs_plan(NPU_DVFS_IDEAL, &op, 1.7, 1.7, &p);
    ck_assert_double_eq(p.freq_GHz[NPU_DVFS_SA], 0.05);
    op.mxu_time_ns = 500;
    npu_dvfs_plan(NPU_DVFS_IDEAL, &op, 1.7, 1.7, &p);
    /* one SA at (0.50 V, 0.85 GHz): the point (0.850340136 GHz, 5.2 W)
     * scaled to 0.85 GHz; leakage 0.7066400908035716 W */
    double dyn, st;
    npu_dvfs_power(&p, NPU_DVFS_SA, &dyn, &st);
    ck_assert(rel_close(dyn, 5.2 * (0.85 / 0.850340136), 1e-15));
    ck_assert_double_eq(st, 0.7066400908035716);
    /* idle ICI (no clock): the 0.45 V band's point nearest the peak
     * 599.57 GB/s, its power scaled to that bandwidth */
    npu_dvfs_power(&p, NPU_DVFS_ICI, &dyn, &st);
    ck_assert(rel_close(dyn, 2.497919 * (599.57 / 176.34), 1e-15));
    ck_assert_double_eq(st, 5.208886);
    /* HBM at 1.7 GHz, 0.70 V: its peak point */
    p.voltage_V[NPU_DVFS_HBM] = 0.7;
    p.freq_GHz[NPU_DVFS_HBM] = 1.7;
    npu_dvfs_power(&p, NPU_DVFS_HBM, &dyn, &st);
    ck_assert(rel_close(dyn, 33.808835, 1e-15));
    ck_assert_double_eq(st, 25.660103);
    /* None: every unit at its peak point */
    npu_dvfs_plan(NPU_DVFS_NONE, &op, 1.7, 1.7, &p);
    npu_dvfs_power(&p, NPU_DVFS_SA, &dyn, &st);
    ck_assert_double_eq(dyn, 21.3248);
    ck_assert_double_eq(st, 1.35868996);
    /* regulator (NeuSim's row values): 200 ns, activity 0.57 -> the 0.6
     * row; 0.45 V; activity 0 at 0.45 V; 1.0 at 0.7 V; a voltage between
     * rows takes the next one up */
    ck_assert_double_eq(npu_dvfs_regulator_efficiency_pct(200, 0.5684921287573602, 0.45), 83.51428571);
    ck_assert_double_eq(npu_dvfs_regulator_efficiency_pct(200, 0.0, 0.45), 76.11428571);
    ck_assert_double_eq(npu_dvfs_regulator_efficiency_pct(200, 1.0, 0.7), 88.75);
    ck_assert_double_eq(npu_dvfs_regulator_efficiency_pct(200, 1.0, 0.52), 87.0);
}
END_TEST

/* --dvfs Ideal --compat neusim: NeuSim's ten strategy CSVs byte for byte,
 * its energy_stats and carbon numbers. */
START_TEST(cli_ideal_equals_neusim)
{
    char dir[64], cmd[1024], a[512], b[512];
    snprintf(dir, sizeof dir, "/tmp/test_npu_dvfs_XXXXXX");
    ck_assert(mkdtemp(dir) != NULL);
    snprintf(cmd, sizeof cmd,
             "bin/hwsweep npu --chip tpuv5p --model llama3-8b --compat neusim --power-gating NoPG,Base,HW,Full,Ideal "
             "--carbon 0.5,0.6,1 --dvfs Ideal -q -o %s/run.csv",
             dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
    size_t files = 0, csv_cells = 0;
    tally_t t = {0, 0};
    for (int p = 0; p < 2; p++) {
        for (int k = 0; k < 5; k++) {
            snprintf(a, sizeof a, "%s/run_%s_%s.csv", dir, PHASES[p], PGS[k]);
            snprintf(b, sizeof b, "%s/raw_Ideal/%s/inference-v5p_%s_%s.csv", GOLD, PSTR, PHASES[p], PGS[k]);
            ck_assert_msg(files_equal(a, b), "%s differs from %s", a, b);
            ncsv_t g;
            ck_assert_int_eq(ncsv_read(b, &g), 0);
            ck_assert_str_eq(ncsv_str(&g, 0, "DVFS SA Policy"), "Ideal");
            csv_cells += g.rows * g.cols;
            ncsv_free(&g);
            files++;
        }
        json_error_t je;
        snprintf(a, sizeof a, "%s/run_%s.json", dir, PHASES[p]);
        json_t *mine = json_load_file(a, 0, &je);
        ck_assert_msg(mine != NULL, "%s: %s", a, je.text);
        snprintf(b, sizeof b, "%s/raw_Ideal/%s/inference-v5p_%s.json", GOLD, PSTR, PHASES[p]);
        json_t *gold = json_load_file(b, 0, &je);
        ck_assert_msg(gold != NULL, "%s: %s", b, je.text);
        cmp_json(&t, "energy_stats", json_object_get(gold, "energy_stats"), json_object_get(mine, "energy_stats"),
                 true);
        for (int k = 0; k < 5; k += 3) { /* NoPG, Full */
            snprintf(b, sizeof b, "%s/carbon_%s/dvfs_Ideal/CI0.5/UTIL0.6/%s/inference-v5p_%s.json", GOLD, PGS[k], PSTR,
                     PHASES[p]);
            json_t *cg = json_load_file(b, 0, &je);
            ck_assert_msg(cg != NULL, "%s: %s", b, je.text);
            json_t *cm = json_object_get(json_object_get(mine, "carbon_stats"), PGS[k]);
            ck_assert_ptr_nonnull(cm);
            const char *key;
            json_t *v;
            json_object_foreach(cm, key, v) cmp_json(&t, key, json_object_get(cg, key), v, false);
            json_decref(cg);
        }
        json_decref(gold);
        json_decref(mine);
    }
    printf("hwsweep npu --dvfs Ideal --compat neusim v5p: %zu CSVs byte-identical (%zu cells), %zu JSON numbers, "
           "worst relative difference %.3g\n",
           files, csv_cells, t.cells, t.worst);
    ck_assert_uint_ge(t.cells, 800);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
}
END_TEST

/* The default mode under Ideal DVFS (docs/npu-model.md, "DVFS"): the
 * energy fixes stay on, and DVFS lowers the NoPG energy of one TPUv5p from
 * 59.64 J to 45.62 J in prefill and 462.19 J to 378.59 J in decode, with
 * no slowdown. */
START_TEST(cli_default_mode_ideal)
{
    char dir[64], cmd[1024], a[512];
    snprintf(dir, sizeof dir, "/tmp/test_npu_dvfs_XXXXXX");
    ck_assert(mkdtemp(dir) != NULL);
    const char *pol[2] = {"None", "Ideal"};
    const double want[2][2] = {{59.6397, 462.193}, {45.6171, 378.594}}; /* J: prefill, decode */
    for (int d = 0; d < 2; d++) {
        snprintf(cmd, sizeof cmd,
                 "bin/hwsweep npu --chip tpuv5p --model llama3-8b --power-gating NoPG --dvfs %s -q -o %s/run.csv",
                 pol[d], dir);
        ck_assert_int_eq(run_cmd("%s", cmd), 0);
        for (int p = 0; p < 2; p++) {
            json_error_t je;
            snprintf(a, sizeof a, "%s/run_%s.json", dir, PHASES[p]);
            json_t *j = json_load_file(a, 0, &je);
            ck_assert_msg(j != NULL, "%s: %s", a, je.text);
            json_t *st = json_object_get(json_object_get(j, "energy_stats"), "NoPG");
            double e = json_number_value(json_object_get(st, "total_energy_J"));
            double slow = json_number_value(json_object_get(json_object_get(st, "component_stats"), "slowdown"));
            ck_assert_msg(rel_close(e, want[d][p], 1e-5), "%s %s: %.9g J", pol[d], PHASES[p], e);
            ck_assert_double_eq(slow, 1.0);
            json_decref(j);
        }
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
}
END_TEST

START_TEST(cli_bad_policy)
{
    char dir[64], cmd[1024];
    snprintf(dir, sizeof dir, "/tmp/test_npu_dvfs_XXXXXX");
    ck_assert(mkdtemp(dir) != NULL);
    const char *bad[][2] = {{"DVFSC", "declared by NeuSim but not implemented.*valid: None, Ideal"},
                            {"ideal", "unknown DVFS policy .ideal. .valid: None, Ideal"}};
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "bin/hwsweep npu --chip tpuv5p --model llama3-8b --dvfs %s -q -o %s/run.csv 2> %s/err",
                 bad[i][0], dir, dir);
        ck_assert_int_eq(run_cmd("%s", cmd), 2);
        snprintf(cmd, sizeof cmd, "grep -Eq -- '--dvfs: .*%s' %s/err && test ! -e %s/run.csv", bad[i][1], dir, dir);
        ck_assert_msg(run_cmd("%s", cmd) == 0, "--dvfs %s: message or files", bad[i][0]);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("npu_dvfs");
    TCase *tc = tcase_create("dvfs");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, policy_table);
    tcase_add_test(tc, ideal_plan_power_and_regulator);
    tcase_add_test(tc, cli_ideal_equals_neusim);
    tcase_add_test(tc, cli_default_mode_ideal);
    tcase_add_test(tc, cli_bad_policy);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
