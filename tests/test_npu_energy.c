/*
 * test_npu_energy.c -- the NPU energy, power-gating and carbon model
 * against NeuSim (45dbdc1) outputs for llama3-8b on one TPUv5p, vendored
 * under tests/golden/neusim/A_llama3-8b_tpuv5p/:
 *   pipeline/raw/...            perf-only CSVs and stats JSONs (the input)
 *   pipeline/raw_None/...       per-op energy CSVs for NoPG, Base, HW, Full,
 *                               Ideal and energy_stats[PG] in the JSONs
 *   pipeline/carbon_{NoPG,Full} carbon JSONs (CI 0.5, UTIL 0.6, 1 year)
 *   readme_generate/...         generate() with its inline NoPG energy pass
 * and one test per default-mode fix with the number it changes.
 */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "npu/npu_carbon.h"
#include "npu/npu_energy.h"
#include "npu/npu_pg.h"
#include "npu_golden.h"

#include "golden_util.h"

#define TOL 1e-9

/* Reference cases: the shipped llama3-8b/v5p goldens, and NeuSim run
 * locally on a TPUv6e (1.75 GHz: Q3; decode QK/AV einsums on the VPU:
 * Q26) alone and on 4 chips with TP 2 x PP 2 (collectives and pipeline
 * transfers: ICI gating, VPU-less ops of Q20), and 4 TPUv2 with TP 2 x PP 2
 * (0.7 GHz: every time x 0.41 in NeuSim's energy pass). */
typedef struct {
    const char *dir, *ver, *pstr;
    void (*chip)(npu_chip_t *);
} gcase_t;
static const gcase_t CASES[] = {
    {"tests/golden/neusim/A_llama3-8b_tpuv5p", "5p", "dp1-tp1-pp1-dpdcn1-tpdcn1-ppdcn1-bs1", test_chip_tpuv5p},
    {"tests/golden/neusim/E_llama3-8b_tpuv6e", "6e", "dp1-tp1-pp1-dpdcn1-tpdcn1-ppdcn1-bs1", test_chip_tpuv6e},
    {"tests/golden/neusim/E_llama3-8b_tpuv6e", "6e", "dp1-tp2-pp2-dpdcn1-tpdcn1-ppdcn1-bs8", test_chip_tpuv6e},
    {"tests/golden/neusim/E_llama3-8b_tpuv2", "2", "dp1-tp2-pp2-dpdcn1-tpdcn1-ppdcn1-bs8", test_chip_tpuv2},
};
#define N_CASES 4
#define N_README 2 /* the first two cases have README-style generate() outputs */

static const char *const PHASES[] = {"prefill", "decode"};
static const char *const PGS[] = {"NoPG", "Base", "HW", "Full", "Ideal"};
#define N_PG 5

/* Operators of a perf-only CSV. */
static size_t load_ops(const char *path, npu_energy_op_t **ops)
{
    ncsv_t t;
    ck_assert_msg(ncsv_read(path, &t) == 0, "cannot read %s", path);
    *ops = calloc(t.rows, sizeof **ops);
    for (size_t r = 0; r < t.rows; r++)
        test_op_from_row(&t, r, &(*ops)[r]);
    size_t n = t.rows;
    ncsv_free(&t);
    return n;
}

static size_t load_case_phase(const gcase_t *c, const char *phase, npu_energy_op_t **ops)
{
    char path[512];
    snprintf(path, sizeof path, "%s/pipeline/raw/llama3-8b/%s/inference-v%s_%s.csv", c->dir, c->pstr, c->ver, phase);
    return load_ops(path, ops);
}

static size_t load_phase(const char *phase, npu_energy_op_t **ops)
{
    return load_case_phase(&CASES[0], phase, ops);
}

typedef struct {
    size_t cells;
    double worst;
} tally_t;

static void cmp_num(tally_t *t, const char *what, size_t row, const char *col, double gold, double mine)
{
    double rel = gold == mine ? 0 : fabs(gold - mine) / fmax(fabs(gold), fabs(mine));
    ck_assert_msg(rel <= TOL, "%s row %zu %s: NeuSim %.17g, ours %.17g", what, row, col, gold, mine);
    if (rel > t->worst)
        t->worst = rel;
    t->cells++;
}

static void cmp_str(tally_t *t, const char *what, size_t row, const char *col, const char *gold, const char *mine)
{
    ck_assert_msg(strcmp(gold, mine) == 0, "%s row %zu %s: NeuSim '%s', ours '%s'", what, row, col, gold, mine);
    t->cells++;
}

/* Every column the energy pass writes or changes, row by row. */
static void cmp_energy_rows(tally_t *t, const char *what, const ncsv_t *g, const npu_energy_op_t *ops, size_t n,
                            bool with_extra)
{
    ck_assert_uint_eq(g->rows, n);
    static const char *const unit[5] = {"SA", "VU", "SRAM", "HBM", "ICI"};
    for (size_t r = 0; r < n; r++) {
        const npu_op_perf_t *p = &ops[r].perf;
        struct {
            const char *col;
            double v;
        } num[] = {
            {"Execution time", p->exe_time_ns},
            {"Compute time", p->compute_time_ns},
            {"Compute Time (ns)", p->compute_time_ns},
            {"Memory time", p->memory_time_ns},
            {"ICI/NVLink time", p->ici_time_ns},
            {"MXU time", p->mxu_time_ns},
            {"VPU time", p->vpu_time_ns},
            {"Vmem time", p->vmem_time_ns},
            {"static_energy_sa_J", p->static_energy_sa_J},
            {"static_energy_vu_J", p->static_energy_vu_J},
            {"static_energy_sram_J", p->static_energy_sram_J},
            {"static_energy_hbm_J", p->static_energy_hbm_J},
            {"static_energy_ici_J", p->static_energy_ici_J},
            {"static_energy_other_J", p->static_energy_other_J},
            {"dynamic_energy_sa_J", p->dynamic_energy_sa_J},
            {"dynamic_energy_vu_J", p->dynamic_energy_vu_J},
            {"dynamic_energy_sram_J", p->dynamic_energy_sram_J},
            {"dynamic_energy_hbm_J", p->dynamic_energy_hbm_J},
            {"dynamic_energy_ici_J", p->dynamic_energy_ici_J},
            {"dynamic_energy_other_J", p->dynamic_energy_other_J},
            {"static_energy_J", p->static_energy_J},
            {"dynamic_energy_J", p->dynamic_energy_J},
            {"total_energy_J", p->total_energy_J},
            {"static_power_W", p->static_power_W},
            {"dynamic_power_W", p->dynamic_power_W},
            {"total_power_W", p->total_power_W},
            {"num_setpm_sa", p->num_setpm_sa},
            {"num_setpm_vu", p->num_setpm_vu},
            {"num_setpm_sram", p->num_setpm_sram},
            {"num_setpm_hbm", p->num_setpm_hbm},
            {"num_setpm_ici", p->num_setpm_ici},
            {"tflops_per_sec", p->tflops_per_sec},
            {"hbm_bw_GBps", p->hbm_bw_GBps},
            {"flops_util", p->flops_util},
            {"hbm_bw_util", p->hbm_bw_util},
        };
        for (size_t k = 0; k < sizeof num / sizeof num[0]; k++)
            cmp_num(t, what, r, num[k].col, ncsv_num(g, r, num[k].col), num[k].v);
        for (int u = 0; u < 5; u++) {
            char col[64];
            snprintf(col, sizeof col, "DVFS %s Voltage (V)", unit[u]);
            cmp_num(t, what, r, col, ncsv_num(g, r, col), p->dvfs_voltage_V[u]);
            snprintf(col, sizeof col, "DVFS %s Frequency (GHz)", unit[u]);
            cmp_num(t, what, r, col, ncsv_num(g, r, col), p->dvfs_freq_GHz[u]);
            snprintf(col, sizeof col, "DVFS %s Scaling Time (ns)", unit[u]);
            cmp_num(t, what, r, col, ncsv_num(g, r, col), p->dvfs_scaling_time_ns[u]);
            snprintf(col, sizeof col, "DVFS %s Power Efficiency (%%)", unit[u]);
            cmp_num(t, what, r, col, ncsv_num(g, r, col), p->dvfs_efficiency_pct[u]);
        }
        cmp_str(t, what, r, "Bounded-by", ncsv_str(g, r, "Bounded-by"), test_bound_name(p->bound));
        cmp_str(t, what, r, "OpType", ncsv_str(g, r, "OpType"), test_op_type_name(p->op_type));
        if (with_extra) {
            double x[NPU_X__COUNT], q[NPU_X__COUNT];
            npu_dvfs_extra(p, x, q);
            for (int k = 0; k < NPU_X__COUNT; k++) {
                char col[64];
                snprintf(col, sizeof col, "dvfs_extra_%s_time_ns", npu_dvfs_extra_names[k]);
                cmp_num(t, what, r, col, ncsv_num(g, r, col), x[k]);
                snprintf(col, sizeof col, "dvfs_extra_%s_ratio", npu_dvfs_extra_names[k]);
                cmp_num(t, what, r, col, ncsv_num(g, r, col), q[k]);
            }
        }
    }
}

/* Every number of gold within TOL of mine, the same keys on both sides. */
static void cmp_json(tally_t *t, const char *path, json_t *gold, json_t *mine)
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
            cmp_json(t, sub, v, json_object_get(mine, key));
        }
        json_object_foreach(mine, key, v)
        ck_assert_msg(json_object_get(gold, key) != NULL, "%s.%s: not a NeuSim key", path, key);
    } else if (json_is_number(gold)) {
        ck_assert_msg(json_is_number(mine), "%s: not a number in ours", path);
        cmp_num(t, path, 0, "", json_number_value(gold), json_number_value(mine));
    } else if (json_is_boolean(gold)) {
        ck_assert_msg(json_equal(gold, mine), "%s: boolean differs", path);
        t->cells++;
    } else {
        ck_assert_msg(json_equal(gold, mine), "%s: differs", path);
        t->cells++;
    }
}

/* Energy of a phase under every strategy, as energy_operator_analysis_main
 * does it: a fresh copy of the perf ops per strategy, NoPG first. */
static void phase_energy(const npu_chip_t *chip, const npu_energy_op_t *perf, size_t n, bool compat,
                         npu_energy_op_t *out[N_PG], npu_energy_stats_t st[N_PG])
{
    npu_energy_opts_t o = {.compat = compat, .from_csv = true};
    for (int k = 0; k < N_PG; k++) {
        npu_pg_t pg;
        char err[256];
        ck_assert_int_eq(npu_pg_get(PGS[k], &pg, err, sizeof err), 0);
        out[k] = malloc(n * sizeof **out);
        memcpy(out[k], perf, n * sizeof *perf);
        npu_energy_ops(out[k], n, chip, &pg, &o);
        npu_energy_aggregate(out[k], n, chip, compat, &st[k]);
        npu_energy_set_slowdown(&st[k], &st[0]);
    }
}

/* Loop index i: case i / (2 N_PG), phase (i / N_PG) % 2, strategy i % N_PG. */
START_TEST(pipeline_energy_csv_and_stats)
{
    const gcase_t *gc = &CASES[_i / (2 * N_PG)];
    const char *phase = PHASES[(_i / N_PG) % 2];
    int k = _i % N_PG;
    npu_chip_t chip;
    gc->chip(&chip);
    npu_energy_op_t *perf, *ops[N_PG];
    npu_energy_stats_t st[N_PG];
    size_t n = load_case_phase(gc, phase, &perf);
    phase_energy(&chip, perf, n, true, ops, st);

    char path[512], what[128];
    snprintf(path, sizeof path, "%s/pipeline/raw_None/llama3-8b/%s/inference-v%s_%s_%s.csv", gc->dir, gc->pstr,
             gc->ver, phase, PGS[k]);
    ncsv_t g;
    ck_assert_int_eq(ncsv_read(path, &g), 0);
    tally_t t = {0, 0};
    snprintf(what, sizeof what, "v%s %s %s_%s.csv", gc->ver, gc->pstr, phase, PGS[k]);
    cmp_energy_rows(&t, what, &g, ops[k], n, true);
    ncsv_free(&g);
    printf("energy CSV %s: %zu cells, worst relative difference %.3g\n", what, t.cells, t.worst);

    snprintf(path, sizeof path, "%s/pipeline/raw_None/llama3-8b/%s/inference-v%s_%s.json", gc->dir, gc->pstr,
             gc->ver, phase);
    json_error_t je;
    json_t *gold = json_load_file(path, 0, &je);
    ck_assert_msg(gold != NULL, "%s: %s", path, je.text);
    json_t *gs = json_object_get(json_object_get(gold, "energy_stats"), PGS[k]);
    json_t *mine = npu_energy_stats_json(&st[k]);
    tally_t tj = {0, 0};
    snprintf(what, sizeof what, "v%s %s %s energy_stats.%s", gc->ver, gc->pstr, phase, PGS[k]);
    cmp_json(&tj, what, gs, mine);
    printf("%s: %zu numbers, worst relative difference %.3g\n", what, tj.cells, tj.worst);
    json_decref(mine);
    json_decref(gold);
    for (int j = 0; j < N_PG; j++)
        free(ops[j]);
    free(perf);
}
END_TEST

/* generate(analyze_energy=True): the inline NoPG pass keeps the
 * generator's OpType and leaves no slack columns. */
START_TEST(readme_inline_nopg)
{
    const gcase_t *gc = &CASES[_i / 2];
    const char *phase = PHASES[_i % 2];
    npu_chip_t chip;
    gc->chip(&chip);
    npu_energy_op_t *ops;
    size_t n = load_case_phase(gc, phase, &ops);
    npu_pg_t pg;
    char err[256];
    ck_assert_int_eq(npu_pg_get(chip.pg_config, &pg, err, sizeof err), 0);
    npu_energy_opts_t o = {.compat = true, .from_csv = false};
    npu_energy_ops(ops, n, &chip, &pg, &o);
    char path[512], what[64];
    snprintf(path, sizeof path, "%s/readme_generate/llama3-8b-inference-v%s_%s.csv", gc->dir, gc->ver, phase);
    ncsv_t g;
    ck_assert_int_eq(ncsv_read(path, &g), 0);
    tally_t t = {0, 0};
    snprintf(what, sizeof what, "generate() v%s %s inline NoPG", gc->ver, phase);
    cmp_energy_rows(&t, what, &g, ops, n, false);
    ncsv_free(&g);
    printf("%s: %zu cells, worst relative difference %.3g\n", what, t.cells, t.worst);
    free(ops);
}
END_TEST

static const char *const CARBON_KEYS[] = {
    "idle_power_W", "avg_active_power_W", "avg_power_W", "peak_power_W", "idle_ratio", "active_ratio",
    "static_sa_ratio", "static_vu_ratio", "static_sram_ratio", "static_ici_ratio", "static_hbm_ratio",
    "static_other_ratio", "dynamic_sa_ratio", "dynamic_vu_ratio", "dynamic_sram_ratio", "dynamic_ici_ratio",
    "dynamic_hbm_ratio", "dynamic_other_ratio", "carbon_and_energy_stats", "carbon_and_energy_stats_zero_embodied",
};

/* Loop index i: case i / 4, phase (i / 2) % 2, strategy NoPG (even) or Full (odd). */
START_TEST(carbon_json)
{
    const gcase_t *gc = &CASES[_i / 4];
    const char *phase = PHASES[(_i / 2) % 2];
    int k = _i % 2 ? 3 : 0;
    npu_chip_t chip;
    gc->chip(&chip);
    npu_energy_op_t *perf, *ops[N_PG];
    npu_energy_stats_t st[N_PG];
    size_t n = load_case_phase(gc, phase, &perf);
    phase_energy(&chip, perf, n, true, ops, st);

    char path[512];
    snprintf(path, sizeof path, "%s/pipeline/carbon_%s/dvfs_None/CI0.5/UTIL0.6/llama3-8b/%s/inference-v%s_%s.json",
             gc->dir, PGS[k], gc->pstr, gc->ver, phase);
    json_error_t je;
    json_t *gold = json_load_file(path, 0, &je);
    ck_assert_msg(gold != NULL, "%s: %s", path, je.text);
    json_t *cfg = json_object_get(gold, "sim_config");
    npu_carbon_in_t in = {
        .pg_name = PGS[k],
        .carbon_intensity_kg_per_kWh = 0.5,
        .utilization = 0.6,
        .lifetime_years = 1,
        .pue = json_number_value(json_object_get(cfg, "PUE")),
        .num_chips = (int)json_integer_value(json_object_get(cfg, "num_chips")),
        .goodput_per_s = json_number_value(json_object_get(gold, "throughput_tokens_per_sec")),
        .unit = "tkn",
        .compat = true,
    };
    ck_assert(in.pue == 1.1 && in.num_chips >= 1);
    npu_carbon_t cr;
    npu_carbon(&chip, &st[k], &in, &cr);
    json_t *mine = json_object();
    npu_carbon_json_add(mine, &cr);
    tally_t t = {0, 0};
    for (size_t i = 0; i < sizeof CARBON_KEYS / sizeof CARBON_KEYS[0]; i++)
        cmp_json(&t, CARBON_KEYS[i], json_object_get(gold, CARBON_KEYS[i]), json_object_get(mine, CARBON_KEYS[i]));
    ck_assert_uint_eq(json_object_size(mine), sizeof CARBON_KEYS / sizeof CARBON_KEYS[0]);
    /* The stored energy_stats are those of the energy stage. */
    json_t *es = npu_energy_stats_json(&st[k]);
    cmp_json(&t, "energy_stats", json_object_get(json_object_get(gold, "energy_stats"), PGS[k]), es);
    printf("carbon v%s %s %s %s: %zu numbers, worst relative difference %.3g\n", gc->ver, gc->pstr, phase, PGS[k],
           t.cells, t.worst);
    json_decref(es);
    json_decref(mine);
    json_decref(gold);
    for (int j = 0; j < N_PG; j++)
        free(ops[j]);
    free(perf);
}
END_TEST

START_TEST(pg_table)
{
    npu_pg_t pg;
    char err[512];
    ck_assert_int_eq(npu_pg_get("Full", &pg, err, sizeof err), 0);
    ck_assert(pg.sa.enabled && pg.sa.spatial == NPU_PG_PE && pg.sa.gated_factor == 0.03);
    ck_assert(pg.vu.policy == NPU_PG_SW && pg.vu.delay_cycles == 2);
    ck_assert(pg.vmem.policy == NPU_PG_SW && pg.vmem.gated_factor == 0.0002 && pg.vmem.delay_cycles == 10);
    ck_assert(pg.ici.delay_cycles == 60 && pg.hbm.policy == NPU_PG_SW && pg.hbm.gated_factor == 0.1);
    ck_assert_int_eq(npu_pg_get("Base", &pg, err, sizeof err), 0);
    ck_assert(pg.sa.spatial == NPU_PG_COMPONENT && pg.sa.gated_factor == 0.05 && pg.vmem.gated_factor == 0.25);
    ck_assert_int_eq(npu_pg_get("disabled", &pg, err, sizeof err), 0);
    ck_assert(!pg.sa.enabled && !pg.vu.enabled && !pg.vmem.enabled && !pg.ici.enabled && !pg.hbm.enabled);
    ck_assert_int_eq(npu_pg_get("ideal_op_component", &pg, err, sizeof err), 0);
    ck_assert(pg.sa.temporal == NPU_PG_OPERATOR && pg.vmem.spatial == NPU_PG_PARTITION && !pg.hbm.enabled);
    ck_assert_int_eq(npu_pg_get("Ideal", &pg, err, sizeof err), 0);
    ck_assert(pg.vu.spatial == NPU_PG_ALU && pg.vu.delay_cycles == 0 && pg.hbm.policy == NPU_PG_SW);
    /* prefixes and modifiers */
    ck_assert_int_eq(npu_pg_get("HW_anything", &pg, err, sizeof err), 0);
    ck_assert(pg.sa.spatial == NPU_PG_PE && pg.vu.policy == NPU_PG_HW);
    ck_assert_int_eq(npu_pg_get("Full_vary_Vth_0.1_0.01", &pg, err, sizeof err), 0);
    ck_assert(pg.sa.gated_factor == 0.1 && pg.vu.gated_factor == 0.1 && pg.ici.gated_factor == 0.1);
    ck_assert(pg.hbm.gated_factor == 0.1 && pg.vmem.gated_factor == 0.01);
    ck_assert_str_eq(pg.name, "Full_vary_Vth_0.1_0.01");
    ck_assert_int_eq(npu_pg_get("Base_vary_PG_delay_1.5", &pg, err, sizeof err), 0);
    ck_assert_int_eq(pg.sa.delay_cycles, 15);
    ck_assert_int_eq(pg.vu.delay_cycles, 3);
    ck_assert_int_eq(pg.vmem.delay_cycles, 6);
    ck_assert_int_eq(pg.ici.delay_cycles, 90);
    ck_assert_int_eq(pg.sa_pe_delay_cycles, 1); /* not the PE delay */
    ck_assert_int_eq(pg.hbm.delay_cycles, 60);  /* nor HBM's */
    /* refusals */
    ck_assert_int_eq(npu_pg_get("Fulll", &pg, err, sizeof err), 0); /* a prefix match, as NeuSim */
    ck_assert_int_eq(npu_pg_get("full", &pg, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "unknown power-gating strategy 'full'") && strstr(err, "NoPG") &&
                      strstr(err, "Full") && strstr(err, "Ideal"),
                  "%s", err);
    ck_assert_int_eq(npu_pg_get("Ideal_vary_Vth_0.1_0.01", &pg, err, sizeof err), -1);
    ck_assert_int_eq(npu_pg_get("Full_vary_Vth_x_0.01", &pg, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "vary_Vth"), "%s", err);
    ck_assert_int_eq(npu_pg_get("Full_vary_PG_delay_", &pg, err, sizeof err), -1);
}
END_TEST

START_TEST(regulator_table)
{
    ck_assert(npu_regulator_efficiency_pct(0) == 67);
    ck_assert(npu_regulator_efficiency_pct(1e-9) == 85);
    ck_assert(npu_regulator_efficiency_pct(0.1) == 85);
    ck_assert(npu_regulator_efficiency_pct(0.25) == 86.5);
    ck_assert(npu_regulator_efficiency_pct(0.95) == 90);
    ck_assert(npu_regulator_efficiency_pct(1) == 90);
}
END_TEST

/* The spec's check (8.2): prefill Q projection under Full. */
START_TEST(spec_q_projection_full)
{
    npu_chip_t chip;
    test_chip_tpuv5p(&chip);
    npu_energy_op_t *ops;
    size_t n = load_phase("prefill", &ops);
    ck_assert_uint_eq(n, 12);
    npu_pg_t pg;
    char err[256];
    ck_assert_int_eq(npu_pg_get("Full", &pg, err, sizeof err), 0);
    npu_energy_opts_t o = {.compat = true, .from_csv = true};
    npu_op_perf_t p = ops[1].perf;
    ck_assert(p.mxu_time_ns == 308424);
    npu_energy_op(&p, &chip, &pg, &o);
    ck_assert(p.mxu_time_ns == 309842); /* + 1,418 ns of PE wake-ups */
    ck_assert(p.exe_time_ns == 309842);
    ck_assert(rel_close(p.static_energy_sa_J, 0.029934483157039865, 1e-12));
    free(ops);
}
END_TEST

/* Q2: the default counts each SA and VU once. */
START_TEST(fix_q2_sa_vu_power_once)
{
    npu_chip_t chip;
    test_chip_tpuv5p(&chip);
    npu_energy_op_t *ops;
    load_phase("prefill", &ops);
    npu_pg_t pg;
    char err[256];
    npu_pg_get("NoPG", &pg, err, sizeof err);
    npu_op_perf_t c = ops[1].perf, d = ops[1].perf;
    npu_energy_opts_t oc = {.compat = true, .from_csv = true}, od = {.compat = false, .from_csv = true};
    npu_energy_op(&c, &chip, &pg, &oc);
    npu_energy_op(&d, &chip, &pg, &od);
    /* 8 SAs x 1.35868996 W leak for 308,424 ns behind a 90 % regulator */
    ck_assert(rel_close(d.static_energy_sa_J, 8 * 1.35868996 * 308424 / 1e9 / 0.9, 1e-12));
    ck_assert(rel_close(c.static_energy_sa_J, 8 * d.static_energy_sa_J, 1e-12));
    ck_assert(rel_close(c.dynamic_energy_sa_J, 8 * d.dynamic_energy_sa_J, 1e-12));
    ck_assert(rel_close(c.static_energy_vu_J, 6 * d.static_energy_vu_J, 1e-12));
    ck_assert(rel_close(c.dynamic_energy_vu_J, 6 * d.dynamic_energy_vu_J, 1e-12));
    /* the op's power falls from NeuSim's 2,265 W to 395 W: within the chip's
     * 444.6 W peak behind a 90 % regulator */
    ck_assert_msg(c.total_power_W > 2000 && d.total_power_W < chip.total_power_peak_W / 0.9,
                  "compat %.1f W, default %.1f W", c.total_power_W, d.total_power_W);
    free(ops);
}
END_TEST

/* A matmul on the VPU (MXU time 0) of a 1.75 GHz chip: Q3 and Q26. */
static npu_op_perf_t vpu_matmul(void)
{
    npu_op_perf_t p;
    memset(&p, 0, sizeof p);
    p.op_type = NPU_OP_MXU; /* the generator's type: an einsum */
    p.flops = 2.0 * 64 * 128 * 8;
    p.bytes = 1 << 20;
    p.vpu_time_ns = 800;
    p.memory_time_ns = 1000;
    p.vmem_time_ns = 120;
    p.compute_time_ns = 800;
    p.exe_time_ns = 1000;
    p.bound = NPU_BOUND_MEMORY;
    p.flops_util = 0.01;
    p.max_vmem_demand_bytes = 1 << 20;
    return p;
}

/* Q3: compat rescales every time of a non-1.7 GHz chip by freq/1.7; the
 * default keeps the per-operator model's times. */
START_TEST(fix_q3_no_rescale)
{
    npu_chip_t chip;
    test_chip_tpuv6e(&chip);
    npu_pg_t pg;
    char err[256];
    npu_pg_get("NoPG", &pg, err, sizeof err);
    npu_op_perf_t c = vpu_matmul(), d = vpu_matmul();
    npu_energy_opts_t oc = {.compat = true}, od = {.compat = false};
    npu_energy_op(&c, &chip, &pg, &oc);
    npu_energy_op(&d, &chip, &pg, &od);
    ck_assert(c.memory_time_ns == 1030 && c.vpu_time_ns == 824 && c.vmem_time_ns == 124); /* ceil(t x 1.75/1.7) */
    ck_assert(c.exe_time_ns == 1030 && c.dvfs_freq_GHz[0] == 1.7);
    ck_assert(d.memory_time_ns == 1000 && d.vpu_time_ns == 800 && d.exe_time_ns == 1000);
    ck_assert(d.dvfs_freq_GHz[0] == 1.75);
}
END_TEST

/* Q26: compat charges a VPU-run einsum as an MXU op inline (VU does 1/8 of
 * the FLOPs) but as a VPU op in the pipeline; the default always charges
 * the unit that ran it. */
START_TEST(fix_q26_one_optype_rule)
{
    npu_chip_t chip;
    test_chip_tpuv6e(&chip);
    npu_pg_t pg;
    char err[256];
    npu_pg_get("NoPG", &pg, err, sizeof err);
    npu_op_perf_t inl = vpu_matmul(), pipe = vpu_matmul(), d1 = vpu_matmul(), d2 = vpu_matmul();
    npu_energy_opts_t o1 = {.compat = true, .from_csv = false}, o2 = {.compat = true, .from_csv = true};
    npu_energy_opts_t o3 = {.compat = false, .from_csv = false}, o4 = {.compat = false, .from_csv = true};
    npu_energy_op(&inl, &chip, &pg, &o1);
    npu_energy_op(&pipe, &chip, &pg, &o2);
    npu_energy_op(&d1, &chip, &pg, &o3);
    npu_energy_op(&d2, &chip, &pg, &o4);
    ck_assert(rel_close(pipe.dynamic_energy_vu_J, 8 * inl.dynamic_energy_vu_J, 1e-12));
    ck_assert(inl.op_type == NPU_OP_MXU && pipe.op_type == NPU_OP_VPU);
    /* default: u = 131072 FLOP / 800 ns / (1024 x 1.75 GHz x 4 VUs), 4 VUs x 0.7426048 W, 85 % regulator */
    double u = 131072 / 800e-9 / (1024 * 1.75e9 * 4);
    ck_assert(rel_close(d1.dynamic_energy_vu_J, 0.7426048 * 4 * 800 / 1e9 * u / 0.85, 1e-12));
    ck_assert(d1.dynamic_energy_vu_J == d2.dynamic_energy_vu_J);
    ck_assert(d1.op_type == NPU_OP_MXU); /* the generator's type stays in the CSV */
}
END_TEST

/* Q20: an op without VU work (an all-gather) under hardware idle
 * detection: compat leaks full VU power, the default gates the idle VU. */
START_TEST(fix_q20_idle_vu_gated)
{
    npu_chip_t chip;
    test_chip_tpuv5p(&chip);
    npu_pg_t pg;
    char err[256];
    npu_pg_get("Base", &pg, err, sizeof err);
    npu_op_perf_t p;
    memset(&p, 0, sizeof p);
    p.op_type = NPU_OP_ICI;
    p.bytes = 1 << 20;
    p.memory_time_ns = 3000;
    p.ici_time_ns = 10000;
    p.exe_time_ns = 10000;
    p.bound = NPU_BOUND_ICI;
    npu_op_perf_t c = p, d = p;
    npu_energy_opts_t oc = {.compat = true, .from_csv = true}, od = {.compat = false, .from_csv = true};
    npu_energy_op(&c, &chip, &pg, &oc);
    npu_energy_op(&d, &chip, &pg, &od);
    /* exe grows by the ICI wake-up: ceil(2 x 60 / 1.7) = 71 ns; regulator 67 % (flops_util 0) */
    ck_assert(c.exe_time_ns == 10071 && d.exe_time_ns == 10071);
    ck_assert(rel_close(c.static_energy_vu_J, 6 * 0.475076728 * 6 * 10000 / 1e9 / 0.67, 1e-12));
    ck_assert(rel_close(d.static_energy_vu_J, 0.03 * 6 * 0.475076728 * 10000 / 1e9 / 0.67, 1e-12));
}
END_TEST

/* The einsum size averages: NeuSim divides M, K and N (not B) by the
 * number of einsum records once more; the default weights all four by SA
 * time. */
START_TEST(fix_einsum_size_averages)
{
    npu_chip_t chip;
    test_chip_tpuv5p(&chip);
    npu_energy_op_t *perf, *c[N_PG], *d[N_PG];
    npu_energy_stats_t sc[N_PG], sd[N_PG];
    size_t n = load_phase("decode", &perf);
    phase_energy(&chip, perf, n, true, c, sc);
    phase_energy(&chip, perf, n, false, d, sd);
    ck_assert(rel_close(sc[0].comp.avg_einsum_M, 0.1, 1e-9)); /* NeuSim's 0.09999999999999999 */
    /* 10 einsum records: M = 1 token for every projection, 4608 keys for QK/AV */
    ck_assert(rel_close(sd[0].comp.avg_einsum_M, 10 * sc[0].comp.avg_einsum_M, 1e-9));
    ck_assert(rel_close(sd[0].comp.avg_einsum_K, 10 * sc[0].comp.avg_einsum_K, 1e-9));
    ck_assert(sd[0].comp.avg_einsum_B == sc[0].comp.avg_einsum_B);
    for (int j = 0; j < N_PG; j++)
        free(c[j]), free(d[j]);
    free(perf);
}
END_TEST

/* Q23: an ungated idle chip draws the chip file's idle power (v5p: 90 W,
 * NeuSim: the 114.54 W sum of static powers). */
START_TEST(fix_q23_idle_power)
{
    npu_chip_t chip;
    test_chip_tpuv5p(&chip);
    npu_carbon_in_t in = {.pg_name = "NoPG", .num_chips = 4, .chip_idle_power_W = 90, .compat = true};
    ck_assert(rel_close(chip.static_power_W, 114.536, 1e-5)); /* spec 1.2 */
    ck_assert(npu_carbon_idle_power_W(&chip, &in) == 4 * chip.static_power_W);
    in.compat = false;
    ck_assert(npu_carbon_idle_power_W(&chip, &in) == 360);
    in.chip_idle_power_W = 0; /* not given: the static sum */
    ck_assert(npu_carbon_idle_power_W(&chip, &in) == 4 * chip.static_power_W);
    in.pg_name = "Full"; /* gated idle: HBM refresh + the ungateable rest */
    ck_assert(rel_close(npu_carbon_idle_power_W(&chip, &in), 4 * (25.66010324 * 0.0897 + 44.82811018), 1e-12));
}
END_TEST

/* An op with no HBM traffic under HBM gating (NeuSim divides by zero):
 * HBM is gated for the whole op. */
START_TEST(hbm_without_traffic)
{
    npu_chip_t chip;
    test_chip_tpuv5p(&chip);
    npu_pg_t pg;
    char err[256];
    npu_pg_get("Full", &pg, err, sizeof err);
    npu_op_perf_t p;
    memset(&p, 0, sizeof p);
    p.op_type = NPU_OP_ICI;
    p.ici_time_ns = 5000;
    p.exe_time_ns = 5000;
    p.bound = NPU_BOUND_ICI;
    npu_energy_opts_t o = {.compat = false, .from_csv = true};
    npu_energy_op(&p, &chip, &pg, &o);
    ck_assert(isfinite(p.total_energy_J) && p.exe_time_ns == 5071);
    ck_assert(rel_close(p.static_energy_hbm_J, 0.1 * 25.66010324 * 5000 / 1e9 / 0.67, 1e-12));
}
END_TEST


/* ---- hwsweep npu: the wired command ------------------------------------------------ */

static const char *const CASE_SETS[N_CASES] = {
    "",
    "",
    "--set global_batch_size=8 --set num_chips=4 --set tensor_parallelism_degree=2 "
    "--set pipeline_parallelism_degree=2 --set num_tensor_parallel_axes=1 --set num_pipeline_parallel_axes=1 "
    "--set microbatch_size_dcn=8 --set microbatch_size_ici=4",
    "--set global_batch_size=8 --set num_chips=4 --set tensor_parallelism_degree=2 "
    "--set pipeline_parallelism_degree=2 --set num_tensor_parallel_axes=1 --set num_pipeline_parallel_axes=1 "
    "--set microbatch_size_dcn=8 --set microbatch_size_ici=4",
};

static void make_tmpdir(char *dir, size_t len)
{
    snprintf(dir, len, "/tmp/test_npu_energy_XXXXXX");
    ck_assert(mkdtemp(dir) != NULL);
}

static void remove_dir(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
}

/* Loop index: the reference case.  --compat neusim with every strategy and
 * carbon writes NeuSim's files byte for byte (README-style CSVs with the
 * inline pass, strategy CSVs) and its energy_stats and carbon numbers. */
START_TEST(cli_compat_equals_neusim)
{
    const gcase_t *gc = &CASES[_i];
    char dir[64], cmd[2048], a[512], b[512];
    make_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "bin/hwsweep npu --chip tpuv%s --model llama3-8b --compat neusim %s --power-gating NoPG,Base,HW,Full,Ideal "
             "--carbon 0.5,0.6,1 -q -o %s/run.csv",
             gc->ver, CASE_SETS[_i], dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
    size_t files = 0;
    tally_t t = {0, 0};
    for (int p = 0; p < 2; p++) {
        const char *ph = PHASES[p];
        if (_i < N_README) {
            snprintf(a, sizeof a, "%s/run_%s.csv", dir, ph);
            snprintf(b, sizeof b, "%s/readme_generate/llama3-8b-inference-v%s_%s.csv", gc->dir, gc->ver, ph);
            ck_assert_msg(files_equal(a, b), "%s differs from %s", a, b);
            files++;
        }
        for (int k = 0; k < N_PG; k++) {
            snprintf(a, sizeof a, "%s/run_%s_%s.csv", dir, ph, PGS[k]);
            snprintf(b, sizeof b, "%s/pipeline/raw_None/llama3-8b/%s/inference-v%s_%s_%s.csv", gc->dir, gc->pstr,
                     gc->ver, ph, PGS[k]);
            ck_assert_msg(files_equal(a, b), "%s differs from %s", a, b);
            files++;
        }
        json_error_t je;
        snprintf(a, sizeof a, "%s/run_%s.json", dir, ph);
        json_t *mine = json_load_file(a, 0, &je);
        ck_assert_msg(mine != NULL, "%s: %s", a, je.text);
        snprintf(b, sizeof b, "%s/pipeline/raw_None/llama3-8b/%s/inference-v%s_%s.json", gc->dir, gc->pstr, gc->ver,
                 ph);
        json_t *gold = json_load_file(b, 0, &je);
        ck_assert_msg(gold != NULL, "%s: %s", b, je.text);
        cmp_json(&t, "energy_stats", json_object_get(gold, "energy_stats"), json_object_get(mine, "energy_stats"));
        for (int k = 0; k < N_PG; k += 3) { /* NoPG, Full */
            snprintf(b, sizeof b, "%s/pipeline/carbon_%s/dvfs_None/CI0.5/UTIL0.6/llama3-8b/%s/inference-v%s_%s.json",
                     gc->dir, PGS[k], gc->pstr, gc->ver, ph);
            json_t *cg = json_load_file(b, 0, &je);
            ck_assert_msg(cg != NULL, "%s: %s", b, je.text);
            json_t *cm = json_object_get(json_object_get(mine, "carbon_stats"), PGS[k]);
            for (size_t i = 0; i < sizeof CARBON_KEYS / sizeof CARBON_KEYS[0]; i++)
                cmp_json(&t, CARBON_KEYS[i], json_object_get(cg, CARBON_KEYS[i]), json_object_get(cm, CARBON_KEYS[i]));
            json_decref(cg);
        }
        json_decref(gold);
        json_decref(mine);
    }
    if (_i == 0) { /* prefill then decode in one file */
        snprintf(a, sizeof a, "%s/run.csv", dir);
        snprintf(b, sizeof b, "%s/readme_generate/llama3-8b-inference-v5p.csv", gc->dir);
        ck_assert_msg(files_equal(a, b), "%s differs from %s", a, b);
        files++;
    }
    printf("hwsweep npu --compat neusim v%s %s: %zu files byte-identical, %zu JSON numbers, worst %.3g\n", gc->ver,
           gc->pstr, files, t.cells, t.worst);
    remove_dir(dir);
}
END_TEST

/* Training (one phase, goodput in iterations per second): NeuSim's energy
 * CSVs byte for byte, energy_stats and carbon numbers. */
START_TEST(cli_training_equals_neusim)
{
    const char *gd = "tests/golden/neusim/E_llama3-8b_tpuv5p_training/pipeline";
    const char *ps = "dp1-tp1-pp1-dpdcn1-tpdcn1-ppdcn1-bs1";
    char dir[64], cmd[2048], a[256], b[256];
    make_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "bin/hwsweep npu --chip tpuv5p --model llama3-8b --training --compat neusim --no-energy "
             "--power-gating NoPG,Base,HW,Full,Ideal --carbon 0.5,0.6,1 -q -o %s/run.csv",
             dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
    snprintf(a, sizeof a, "%s/run.csv", dir);
    snprintf(b, sizeof b, "%s/raw/llama3-8b/%s/training-v5p.csv", gd, ps);
    ck_assert_msg(files_equal(a, b), "%s differs from %s", a, b);
    for (int k = 0; k < N_PG; k++) {
        snprintf(a, sizeof a, "%s/run_training_%s.csv", dir, PGS[k]);
        snprintf(b, sizeof b, "%s/raw_None/llama3-8b/%s/training-v5p_%s.csv", gd, ps, PGS[k]);
        ck_assert_msg(files_equal(a, b), "%s differs from %s", a, b);
    }
    json_error_t je;
    snprintf(a, sizeof a, "%s/run_training.json", dir);
    json_t *mine = json_load_file(a, 0, &je);
    ck_assert_msg(mine != NULL, "%s: %s", a, je.text);
    snprintf(b, sizeof b, "%s/raw_None/llama3-8b/%s/training-v5p.json", gd, ps);
    json_t *gold = json_load_file(b, 0, &je);
    ck_assert_msg(gold != NULL, "%s: %s", b, je.text);
    tally_t t = {0, 0};
    cmp_json(&t, "energy_stats", json_object_get(gold, "energy_stats"), json_object_get(mine, "energy_stats"));
    for (int k = 0; k < N_PG; k += 3) {
        snprintf(b, sizeof b, "%s/carbon_%s/dvfs_None/CI0.5/UTIL0.6/llama3-8b/%s/training-v5p.json", gd, PGS[k], ps);
        json_t *cg = json_load_file(b, 0, &je);
        ck_assert_msg(cg != NULL, "%s: %s", b, je.text);
        json_t *cm = json_object_get(json_object_get(mine, "carbon_stats"), PGS[k]);
        for (size_t i = 0; i < sizeof CARBON_KEYS / sizeof CARBON_KEYS[0]; i++)
            cmp_json(&t, CARBON_KEYS[i], json_object_get(cg, CARBON_KEYS[i]), json_object_get(cm, CARBON_KEYS[i]));
        json_decref(cg);
    }
    json_decref(gold);
    json_decref(mine);
    printf("hwsweep npu --training --compat neusim v5p: 6 files byte-identical, %zu JSON numbers, worst %.3g\n",
           t.cells, t.worst);
    remove_dir(dir);
}
END_TEST

/* --no-energy is NeuSim's run_sim: the performance-only CSVs. */
START_TEST(cli_no_energy_is_perf_only)
{
    const gcase_t *gc = &CASES[2];
    char dir[64], cmd[2048], a[512], b[512];
    make_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "bin/hwsweep npu --chip tpuv6e --model llama3-8b --compat neusim %s --no-energy -o %s/run.csv > %s/out.txt",
             CASE_SETS[2], dir, dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
    for (int p = 0; p < 2; p++) {
        snprintf(a, sizeof a, "%s/run_%s.csv", dir, PHASES[p]);
        snprintf(b, sizeof b, "%s/pipeline/raw/llama3-8b/%s/inference-v6e_%s.csv", gc->dir, gc->pstr, PHASES[p]);
        ck_assert_msg(files_equal(a, b), "%s differs from %s", a, b);
    }
    snprintf(cmd, sizeof cmd, "grep -q 'energy per token: not computed (--no-energy)' %s/out.txt", dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
    remove_dir(dir);
}
END_TEST

/* The default mode through the command: the fixed numbers (Q2 on v5p). */
START_TEST(cli_default_mode)
{
    char dir[64], cmd[2048], a[256];
    make_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "bin/hwsweep npu --chip tpuv5p --model llama3-8b --power-gating NoPG,Full --carbon -1,0.6,1 -o %s/run.csv > %s/out.txt",
             dir, dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
    snprintf(cmd, sizeof cmd, "grep -q 'energy per token (NoPG): prefill' %s/out.txt", dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
    snprintf(a, sizeof a, "%s/run_prefill.json", dir);
    json_error_t je;
    json_t *j = json_load_file(a, 0, &je);
    ck_assert_msg(j != NULL, "%s: %s", a, je.text);
    json_t *es = json_object_get(j, "energy_stats");
    double nopg = json_number_value(json_object_get(json_object_get(es, "NoPG"), "total_energy_J"));
    double full = json_number_value(json_object_get(json_object_get(es, "Full"), "total_energy_J"));
    /* with the performance fixes too (RMSNorm costing, flash-attention FLOPs...):
     * compat 341.98 J and 327.95 J */
    ck_assert_msg(fabs(nopg - 59.64) < 0.01 && fabs(full - 50.25) < 0.01, "NoPG %.4f J, Full %.4f J", nopg, full);
    /* Q23: the chip file's idle_power_W (90 W in inputs/npu/chips/tpuv5p.yaml);
     * CI -1 takes the system file's 0.5 kg/kWh */
    json_t *cs = json_object_get(json_object_get(j, "carbon_stats"), "NoPG");
    ck_assert(json_number_value(json_object_get(cs, "idle_power_W")) == 90);
    json_t *life = json_object_get(json_object_get(cs, "carbon_and_energy_stats"), "1");
    double kwh = json_number_value(json_object_get(life, "avg_total_energy_consumption_kWh"));
    double kg = json_number_value(json_object_get(life, "avg_total_carbon_kgCO2e"));
    ck_assert(rel_close(kg, kwh * 0.5 + 585, 1e-12));
    json_decref(j);
    remove_dir(dir);
}
END_TEST

/* --keep-quirk takes the energy quirks: one fix undone at a time. */
START_TEST(cli_keep_energy_quirk)
{
    char dir[64], cmd[2048], a[256];
    make_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "bin/hwsweep npu --chip tpuv5p --model llama3-8b --keep-quirk Q2,Q23 --power-gating NoPG --carbon -1,0.6,1 "
             "-q -o %s/run.csv",
             dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
    snprintf(a, sizeof a, "%s/run_prefill.json", dir);
    json_error_t je;
    json_t *j = json_load_file(a, 0, &je);
    ck_assert_msg(j != NULL, "%s: %s", a, je.text);
    json_t *nopg = json_object_get(json_object_get(j, "energy_stats"), "NoPG");
    double e = json_number_value(json_object_get(nopg, "total_energy_J"));
    ck_assert_msg(fabs(e - 337.71) < 0.01, "prefill NoPG with Q2 kept: %.4f J", e); /* 59.64 J fixed */
    json_t *cs = json_object_get(json_object_get(j, "carbon_stats"), "NoPG");
    ck_assert(rel_close(json_number_value(json_object_get(cs, "idle_power_W")), 114.535834421, 1e-9));
    json_decref(j);
    snprintf(cmd, sizeof cmd, "bin/hwsweep npu --chip tpuv5p --model llama3-8b --keep-quirk Q99 -q -o %s/x.csv 2> %s/err.txt",
             dir, dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 2);
    snprintf(cmd, sizeof cmd, "grep -q 'energy: Q2, Q3, Q20, Q23, Q26, einsum-avg' %s/err.txt", dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
    remove_dir(dir);
}
END_TEST

static double sql_num(const char *db, const char *sql)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sqlite3 %s \"%s\"", db, sql);
    FILE *f = popen(cmd, "r");
    ck_assert(f != NULL);
    double v = NAN;
    if (fscanf(f, "%lf", &v) != 1)
        v = NAN;
    pclose(f);
    return v;
}

/* An NPU sweep with power_gating and carbon: the same numbers as the
 * command, one npu_energy row per point, phase and strategy, -j1 = -j2,
 * and a located error for a bad strategy. */
START_TEST(sweep_energy)
{
    char dir[64], cmd[2048], db1[256], db2[256];
    make_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "bin/hwsweep run -q -j 1 -o %s/j1 tests/sweeps/npu_energy.yaml && "
                              "bin/hwsweep run -q -j 2 -o %s/j2 tests/sweeps/npu_energy.yaml", dir, dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
    snprintf(db1, sizeof db1, "%s/j1/sweeps/npu_energy.db", dir);
    snprintf(db2, sizeof db2, "%s/j2/sweeps/npu_energy.db", dir);
    for (int t = 0; t < 2; t++) {
        const char *q = t ? "SELECT * FROM npu_energy ORDER BY 1, 2, 3" : "SELECT * FROM npu_points ORDER BY 1, 2";
        snprintf(cmd, sizeof cmd, "test \"$(sqlite3 %s '%s')\" = \"$(sqlite3 %s '%s')\"", db1, q, db2, q);
        ck_assert_msg(run_cmd("%s", cmd) == 0, "-j1 and -j2 differ on %s", t ? "npu_energy" : "npu_points");
    }
    /* two shards merged: the same rows */
    snprintf(cmd, sizeof cmd,
             "bin/hwsweep run -q --shard 1/2 -o %s/sh tests/sweeps/npu_energy.yaml && "
             "bin/hwsweep run -q --shard 2/2 -o %s/sh tests/sweeps/npu_energy.yaml && "
             "bin/hwsweep merge -q %s/merged.db %s/sh/sweeps/npu_energy.shard-1-of-2.db "
             "%s/sh/sweeps/npu_energy.shard-2-of-2.db && "
             "test \"$(sqlite3 %s 'SELECT * FROM npu_energy ORDER BY 1, 2, 3')\" = "
             "\"$(sqlite3 %s/merged.db 'SELECT * FROM npu_energy ORDER BY 1, 2, 3')\"",
             dir, dir, dir, dir, dir, db1, dir);
    ck_assert_msg(run_cmd("%s", cmd) == 0, "merged shards differ on npu_energy");
    /* one chip, batch 1: the quick start of the README section */
    const char *pt = "(SELECT point_id FROM npu_points WHERE chip = 'tpuv5p' AND num_chips = 1 AND "
                     "global_batch_size = 1 AND phase = 'decode')";
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT energy_per_token_J FROM npu_points WHERE phase = 'decode' AND point_id = %s", pt);
    ck_assert(fabs(sql_num(db1, sql) - 0.9027) < 1e-4);
    snprintf(sql, sizeof sql,
             "SELECT carbon_kgCO2e FROM npu_energy WHERE phase = 'decode' AND strategy = 'Full' AND point_id = %s", pt);
    ck_assert(fabs(sql_num(db1, sql) - 1048.0) < 0.05);
    ck_assert(sql_num(db1, "SELECT count(*) FROM npu_energy") ==
              2 * sql_num(db1, "SELECT count(*) FROM npu_points WHERE status != 'skipped'"));
    ck_assert(sql_num(db1, "SELECT count(*) FROM npu_best_efficiency") == 2);
    /* a bad strategy: file:line:col, exit 2 */
    snprintf(cmd, sizeof cmd,
             "sed 's/\\[NoPG, Full\\]/[NoPG, full]/' tests/sweeps/npu_energy.yaml > %s/bad.yaml && "
             "bin/hwsweep run -q -o %s/bad %s/bad.yaml 2> %s/err.txt; test $? = 2 && "
             "grep -q 'bad.yaml:8:.*npu.power_gating: unknown power-gating strategy' %s/err.txt",
             dir, dir, dir, dir, dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
    remove_dir(dir);
}
END_TEST

/* Refused options: exit 2, a message naming the valid choices, nothing
 * written and earlier outputs untouched. */
START_TEST(cli_bad_input)
{
    char dir[64], cmd[2048], a[256], b[256];
    make_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "bin/hwsweep npu --chip tpuv5p --model llama3-8b -q -o %s/run.csv", dir);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
    snprintf(a, sizeof a, "%s/run_prefill.csv", dir);
    snprintf(b, sizeof b, "%s/keep.csv", dir);
    snprintf(cmd, sizeof cmd, "cp %s %s", a, b);
    ck_assert_int_eq(run_cmd("%s", cmd), 0);
    const char *bad[][2] = {
        {"--power-gating NoPG,full", "unknown power-gating strategy .full. \\(valid: NoPG, disabled, .*Full"},
        {"--power-gating Full_vary_Vth_x_1", "vary_Vth"},
        {"--power-gating NoPG,NoPG", "given twice"},
        {"--carbon 0.5,0.6", "expected CI,UTIL,YEARS"},
        {"--carbon 0.5,1.5,1", "0 < UTIL <= 1"},
        {"--carbon 0.5,0.6,abc", "expected CI,UTIL,YEARS"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(cmd, sizeof cmd, "bin/hwsweep npu --chip tpuv5p --model llama3-8b %s -q -o %s/run.csv 2> %s/err.txt",
                 bad[i][0], dir, dir);
        ck_assert_msg(run_cmd("%s", cmd) == 2, "%s: not refused", bad[i][0]);
        snprintf(cmd, sizeof cmd, "grep -Eq '%s' %s/err.txt", bad[i][1], dir);
        ck_assert_msg(run_cmd("%s", cmd) == 0, "%s: message lacks '%s'", bad[i][0], bad[i][1]);
        ck_assert_msg(files_equal(a, b), "%s: earlier output changed", bad[i][0]);
        snprintf(cmd, sizeof cmd, "test ! -e %s/run_prefill_NoPG.csv", dir);
        ck_assert_int_eq(run_cmd("%s", cmd), 0);
    }
    remove_dir(dir);
}
END_TEST

static Suite *npu_energy_suite(void)
{
    Suite *s = suite_create("npu_energy");
    TCase *tc = tcase_create("golden");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, pipeline_energy_csv_and_stats, 0, N_CASES * 2 * N_PG);
    tcase_add_loop_test(tc, readme_inline_nopg, 0, N_README * 2);
    tcase_add_loop_test(tc, carbon_json, 0, N_CASES * 4);
    tcase_add_test(tc, spec_q_projection_full);
    suite_add_tcase(s, tc);

    tc = tcase_create("model");
    tcase_add_test(tc, pg_table);
    tcase_add_test(tc, regulator_table);
    tcase_add_test(tc, hbm_without_traffic);
    suite_add_tcase(s, tc);

    tc = tcase_create("cli");
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, cli_compat_equals_neusim, 0, N_CASES);
    tcase_add_test(tc, cli_training_equals_neusim);
    tcase_add_test(tc, cli_no_energy_is_perf_only);
    tcase_add_test(tc, cli_default_mode);
    tcase_add_test(tc, cli_keep_energy_quirk);
    tcase_add_test(tc, cli_bad_input);
    tcase_add_test(tc, sweep_energy);
    suite_add_tcase(s, tc);

    tc = tcase_create("default_fixes");
    tcase_add_test(tc, fix_q2_sa_vu_power_once);
    tcase_add_test(tc, fix_q3_no_rescale);
    tcase_add_test(tc, fix_q26_one_optype_rule);
    tcase_add_test(tc, fix_q20_idle_vu_gated);
    tcase_add_test(tc, fix_einsum_size_averages);
    tcase_add_test(tc, fix_q23_idle_power);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(npu_energy_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
