/*
 * test_npu2.c -- NPU simulator part 2 (DeepSeek MLA + MoE, DiT): op counts
 * and op-type histograms against the spec, NeuSim reference runs made on
 * this machine (tests/golden/neusim/npu2, cell by cell within 1e-9 in
 * compat), one test per default-mode fix with the number it changes, and
 * bad input.
 */
#include <check.h>
#include <jansson.h>
#include <sqlite3.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/npu_out.h"
#include "engine/npu_family.h"
#include "engine/npu_hwchip_map.h"
#include "engine/npu_run.h"
#include "engine/npu_sweep.h"
#include "npu/npu_config.h"
#pragma GCC diagnostic ignored "-Wunused-function" /* npu_golden.h: only its CSV reader is used */
#include "npu_golden.h"

#define G2 "tests/golden/neusim/npu2/"

static void load(npu_config_t *c, const char *chip, const char *model)
{
    npu_config_defaults(c);
    cfg_err_t err;
    char p[512];
    const char *k[3] = {"systems", "chips", "models"}, *n[3] = {"system_config", chip, model};
    for (int i = 0; i < 3; i++) {
        ck_assert_msg(npu_config_resolve(k[i], n[i], p, sizeof p, &err), "%s", err.msg);
        ck_assert_msg(npu_config_merge_file(c, p, &err), "%s", err.msg);
    }
}

static void set(npu_config_t *c, const char *kv)
{
    cfg_err_t e;
    ck_assert_msg(npu_config_set(c, kv, &e), "%s", e.msg);
}

/* tp 8 on 3 axes and ep 8 on 3 axes, 8 chips (the tp8/ep8 reference) */
static void tp8ep8(npu_config_t *c)
{
    set(c, "num_chips=8");
    set(c, "tensor_parallelism_degree=8");
    set(c, "num_tensor_parallel_axes=3");
    set(c, "num_data_parallel_axes=0");
    set(c, "expert_parallelism_degree=8");
    set(c, "num_expert_parallel_axes=3");
}

/* every cell of got against want: numbers within 1e-9 relative, strings equal */
static size_t compare_csv(const char *got, const char *want, double *worst)
{
    ncsv_t a, b;
    ck_assert_msg(ncsv_read(got, &a) == 0, "%s", got);
    ck_assert_msg(ncsv_read(want, &b) == 0, "%s", want);
    ck_assert_uint_eq(a.rows, b.rows);
    ck_assert_uint_eq(a.cols, b.cols);
    size_t cells = 0;
    for (size_t j = 0; j < b.cols; j++)
        ck_assert_str_eq(a.head[j], b.head[j]);
    for (size_t i = 0; i < b.rows; i++)
        for (size_t j = 0; j < b.cols; j++, cells++) {
            const char *x = a.cell[i][j], *y = b.cell[i][j];
            char *ex, *ey;
            double dx = strtod(x, &ex), dy = strtod(y, &ey);
            if (*x && *y && !*ex && !*ey) {
                double rel = dy == 0 ? fabs(dx) : fabs(dx - dy) / fabs(dy);
                if (rel > *worst)
                    *worst = rel;
                ck_assert_msg(rel <= 1e-9, "%s row %zu col %s: %s vs %s", got, i, b.head[j], x, y);
            } else {
                ck_assert_msg(strcmp(x, y) == 0, "%s row %zu col %s: '%s' vs '%s'", got, i, b.head[j], x, y);
            }
        }
    ncsv_free(&a);
    ncsv_free(&b);
    return cells;
}

static void write_phases(const npu_run_t *r, const char *stem, bool split)
{
    char path[512];
    const npu_phase_t *all[2] = {&r->phase[0], &r->phase[1]};
    snprintf(path, sizeof path, "%s.csv", stem);
    FILE *f = fopen(path, "wb");
    ck_assert(f && npu_csv_write(f, all, r->nphase));
    fclose(f);
    for (int i = 0; split && i < r->nphase; i++) {
        const npu_phase_t *one[1] = {&r->phase[i]};
        snprintf(path, sizeof path, "%s_%s.csv", stem, npu_phase_name(r->phase[i].kind));
        f = fopen(path, "wb");
        ck_assert(f && npu_csv_write(f, one, 1));
        fclose(f);
    }
}

/* run NeuSim's merged JSON in compat and compare every CSV of the case */
static size_t golden_case(const char *name, bool split, double *worst)
{
    char p[512], stem[128], w[512];
    snprintf(p, sizeof p, G2 "%s_config.json", name);
    npu_config_t c;
    cfg_err_t e;
    npu_config_defaults(&c);
    ck_assert_msg(npu_config_merge_file(&c, p, &e), "%s", e.msg);
    npu_run_t r;
    char err[256];
    ck_assert_msg(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err) == 0, "%s: %s", name, err);
    snprintf(stem, sizeof stem, "/tmp/test_npu2_%d", (int)getpid());
    write_phases(&r, stem, split);
    size_t cells = 0;
    const char *suf[3] = {"", "_prefill", "_decode"};
    for (int i = 0; i < (split ? 3 : 1); i++) {
        snprintf(p, sizeof p, "%s%s.csv", stem, suf[i]);
        snprintf(w, sizeof w, G2 "%s%s.csv", name, suf[i]);
        cells += compare_csv(p, w, worst);
        unlink(p);
    }
    npu_run_free(&r);
    return cells;
}

/* One value of a run_sim statistics JSON against NeuSim's: numbers within 1e-9
 * relative and integers stay integers, except inside sim_config, where pydantic 2
 * (these references) writes a float field's integer default as 32.0 and pydantic
 * 1 (the A_ references) as 32; strings and booleans equal; the scratch path
 * output_file_path is not compared.  Returns the number of numbers compared. */
static size_t compare_value(json_t *g, json_t *w, const char *where, bool in_cfg, double *worst)
{
    ck_assert_msg(g != NULL, "%s: missing", where);
    size_t n = 0;
    if (json_is_object(w)) {
        ck_assert_msg(json_is_object(g) && json_object_size(g) == json_object_size(w), "%s: %zu keys, want %zu",
                      where, json_object_size(g), json_object_size(w));
        const char *k;
        json_t *v;
        json_object_foreach(w, k, v)
        {
            char sub[256];
            snprintf(sub, sizeof sub, "%s.%s", where, k);
            if (strcmp(k, "output_file_path") != 0)
                n += compare_value(json_object_get(g, k), v, sub, in_cfg || strcmp(k, "sim_config") == 0, worst);
        }
    } else if (json_is_array(w)) {
        ck_assert_msg(json_is_array(g) && json_array_size(g) == json_array_size(w), "%s: list length", where);
        for (size_t i = 0; i < json_array_size(w); i++)
            n += compare_value(json_array_get(g, i), json_array_get(w, i), where, in_cfg, worst);
    } else if (json_is_number(w)) {
        ck_assert_msg(json_is_number(g), "%s: not a number", where);
        ck_assert_msg(in_cfg || json_is_integer(g) == json_is_integer(w), "%s: integer vs real", where);
        double a = json_number_value(g), b = json_number_value(w);
        double rel = b == 0 ? fabs(a) : fabs(a - b) / fabs(b);
        if (rel > *worst)
            *worst = rel;
        ck_assert_msg(rel <= 1e-9, "%s: %.17g vs %.17g", where, a, b);
        n = 1;
    } else {
        ck_assert_msg(json_equal(g, w), "%s differs", where);
    }
    return n;
}

static size_t compare_json_file(const char *got, const char *want, double *worst)
{
    json_error_t je;
    json_t *a = json_load_file(got, 0, &je);
    ck_assert_msg(a, "%s: %s", got, je.text);
    json_t *b = json_load_file(want, 0, &je);
    ck_assert_msg(b, "%s: %s", want, je.text);
    size_t n = compare_value(a, b, want, false, worst);
    json_decref(a);
    json_decref(b);
    return n;
}

/* NeuSim's run_sim statistics of a case (OUT_<phase>.json, OUT.json and, for
 * DLRM, OUT_chip<i>.json) against ours in compat; returns the numbers compared */
static size_t golden_stats(const char *name, double *worst)
{
    char p[512], w[512];
    snprintf(p, sizeof p, G2 "%s_config.json", name);
    npu_config_t c;
    cfg_err_t e;
    npu_config_defaults(&c);
    ck_assert_msg(npu_config_merge_file(&c, p, &e), "%s", e.msg);
    npu_run_t r;
    char err[256];
    ck_assert_msg(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err) == 0, "%s: %s", name, err);
    char *cfg = npu_json_config_text(&r);
    ck_assert(cfg);
    snprintf(p, sizeof p, "/tmp/test_npu2_%d.json", (int)getpid());
    size_t n = 0;
    bool one = r.family == NPU_FAM_DIT || r.family == NPU_FAM_GLIGEN || r.family == NPU_FAM_DLRM;
    for (int i = 0; i < r.nphase; i++) {
        FILE *f = fopen(p, "wb");
        ck_assert(f && npu_json_write_with(f, &r, &r.phase[i], cfg));
        fclose(f);
        if (one)
            snprintf(w, sizeof w, G2 "%s.json", name);
        else
            snprintf(w, sizeof w, G2 "%s_%s.json", name, npu_phase_name(r.phase[i].kind));
        n += compare_json_file(p, w, worst);
    }
    for (int64_t k = 0; r.family == NPU_FAM_DLRM && k < r.nchip_phase; k++) {
        FILE *f = fopen(p, "wb");
        ck_assert(f && npu_json_write_chip(f, &r, k, cfg));
        fclose(f);
        snprintf(w, sizeof w, G2 "%s_chip%lld.json", name, (long long)k);
        n += compare_json_file(p, w, worst);
    }
    unlink(p);
    free(cfg);
    npu_run_free(&r);
    return n;
}

START_TEST(test_golden_stats_json)
{
    const char *cases[] = {"I_dsv3_v5p",     "J_dsv3_v5p_tp8ep8", "O_dsv2_v6e_tp4ep2", "K_dlrms_v5p",
                           "L_dlrms_v5p_4",  "P_dlrmm_v5p_4",     "Q_dlrml_v6e_8",     "M_ditxl_v5p",
                           "N_gligen_v5p",   "R_gligen_v6e_b8s2", "T_gligen_v5p_vmem16", "U_gligen_v5p_tp2",
                           "V_gligen_v6e_dp2tp4"};
    double worst = 0;
    size_t n = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        n += golden_stats(cases[i], &worst);
    /* 13 cases, 34 JSONs: statistics and sim_config, every number */
    ck_assert_uint_eq(n, 3801);
    ck_assert(worst <= 1e-9);
    /* default-mode fix: GLIGEN's latency_step_sec is one UNet step (4.1047 ms on v5p in compat);
     * NeuSim divides it by total_num_diffusion_steps once more (0.10262 ms, kept in compat) */
    npu_config_t c;
    npu_run_t r;
    char err[256];
    load(&c, "tpuv5p", "gligen");
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err), 0);
    ck_assert(fabs(r.latency_step_sec - 0.00010261685) < 1e-15);
    npu_run_free(&r);
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 0);
    ck_assert(fabs(r.latency_step_sec - (double)r.phase[0].stats.total_execution_time_chip_ns / 1e9) < 1e-15);
    npu_run_free(&r);
}
END_TEST

START_TEST(test_golden_deepseek_dit)
{
    double worst = 0;
    size_t cells = golden_case("I_dsv3_v5p", true, &worst);
    cells += golden_case("J_dsv3_v5p_tp8ep8", true, &worst);
    cells += golden_case("M_ditxl_v5p", false, &worst);
    /* 56 + 56 + 112 + 63 + 63 + 126 + 10 rows x 101 columns */
    ck_assert_uint_eq(cells, 49086);
    /* deepseekv2-236b on 4 TPUv6e: tp 4 on 2 axes, ep 2 on 1 axis (etp 2), batch 4, 2048/256 tokens */
    cells += golden_case("O_dsv2_v6e_tp4ep2", true, &worst);
    ck_assert_uint_eq(cells, 49086 + (57 + 57 + 114) * 101);
    /* GLIGEN on one TPUv5p: 634 ops (Conv2D, GroupNorm, Upsample, flash cross-attention) */
    cells += golden_case("N_gligen_v5p", false, &worst);
    ck_assert_uint_eq(cells, 49086 + (57 + 57 + 114) * 101 + 634 * 101);
    /* GLIGEN on TPUv6e, batch 8, two UNet passes */
    cells += golden_case("R_gligen_v6e_b8s2", false, &worst);
    ck_assert_uint_eq(cells, 49086 + (57 + 57 + 114) * 101 + 634 * 101 + 1266 * 101);
    /* GLIGEN with 16 MiB of VMEM, batch 4: 14 convolutions go through the Conv2D tile search */
    cells += golden_case("T_gligen_v5p_vmem16", false, &worst);
    ck_assert_uint_eq(cells, 49086 + (57 + 57 + 114) * 101 + (634 + 1266 + 634) * 101);
    /* GLIGEN with tensor parallelism: tp 2 on two TPUv5p; dp 2 x tp 4 on eight TPUv6e, batch 8
     * (842 ops: 128 all-gathers and 80 reduce-scatters around attention and FFN) */
    cells += golden_case("U_gligen_v5p_tp2", false, &worst);
    cells += golden_case("V_gligen_v6e_dp2tp4", false, &worst);
    ck_assert_uint_eq(cells, 49086 + (57 + 57 + 114) * 101 + (634 + 1266 + 634 + 842 + 842) * 101);
    ck_assert(worst <= 1e-9);
}
END_TEST

/* our YAML model files give NeuSim's run (the same merged configuration) */
START_TEST(test_yaml_equals_json)
{
    npu_config_t c;
    load(&c, "tpuv5p", "deepseekv3-671b");
    npu_run_t r;
    char err[256];
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err), 0);
    char stem[128], p[256];
    double worst = 0;
    snprintf(stem, sizeof stem, "/tmp/test_npu2_y%d", (int)getpid());
    write_phases(&r, stem, false);
    snprintf(p, sizeof p, "%s.csv", stem);
    compare_csv(p, G2 "I_dsv3_v5p.csv", &worst);
    unlink(p);
    ck_assert(fabs(r.phase[0].stats.TTFT_sec - 1.392466764) < 1e-9);
    ck_assert(fabs(r.phase[1].stats.TPOT_ms_request - 38.981196) < 1e-6);
    /* spec §5.4 footprint: 692.41 GiB prefill on one chip -> out of memory on 95 GiB */
    ck_assert(fabs(r.phase[0].stats.mem_footprint_GB - 692.411) < 1e-3);
    ck_assert(r.phase[0].stats.out_of_memory);
    npu_run_free(&r);
}
END_TEST

static int count_type(const npu_phase_t *ph, const char *type)
{
    int n = 0;
    for (size_t i = 0; i < ns_oplist_len(&ph->ops); i++)
        n += strcmp(ph->ops.lab[i].parsed_type, type) == 0;
    return n;
}

START_TEST(test_op_histograms)
{
    npu_config_t c;
    npu_run_t r;
    char err[256];
    /* DiT-XL (spec §5.6): 10 ops, each Count 28 layers x 20 steps = 560 */
    load(&c, "tpuv5p", "dit-xl");
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err), 0);
    ck_assert_int_eq(r.nphase, 1);
    ck_assert_uint_eq(ns_oplist_len(&r.phase[0].ops), 10);
    for (size_t i = 0; i < 10; i++)
        ck_assert_int_eq(op_graph_get(r.phase[0].ops.g, i)->count, 560);
    ck_assert_int_eq(count_type(&r.phase[0], "Einsum"), 6);
    ck_assert_int_eq(count_type(&r.phase[0], "FlashAttention"), 1);
    ck_assert_int_eq(count_type(&r.phase[0], "LayerNorm"), 2);
    ck_assert_int_eq(count_type(&r.phase[0], "Add"), 1);
    ck_assert(fabs(r.latency_sec - 47.0) < 0.01); /* spec: 47.0 s per image */
    npu_run_free(&r);
    /* GLIGEN (spec §5.7): 634 ops, Einsum 342, LayerNorm 96, GroupNorm 61, Conv2D 52,
     * FlashAttention 48, Add 32, Upsample 3; 4.10 ms per UNet pass on v5p */
    load(&c, "tpuv5p", "gligen");
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err), 0);
    ck_assert_uint_eq(ns_oplist_len(&r.phase[0].ops), 634);
    ck_assert_int_eq(count_type(&r.phase[0], "Einsum"), 342);
    ck_assert_int_eq(count_type(&r.phase[0], "LayerNorm"), 96);
    ck_assert_int_eq(count_type(&r.phase[0], "GroupNorm"), 61);
    ck_assert_int_eq(count_type(&r.phase[0], "Conv2D"), 52);
    ck_assert_int_eq(count_type(&r.phase[0], "FlashAttention"), 48);
    ck_assert_int_eq(count_type(&r.phase[0], "Add"), 32);
    ck_assert_int_eq(count_type(&r.phase[0], "Upsample"), 3);
    ck_assert(fabs((double)r.phase[0].stats.total_execution_time_chip_ns / 1e6 - 4.10) < 0.005);
    ck_assert(fabs(r.latency_sec - 40 * (double)r.phase[0].stats.total_execution_time_chip_ns / 1e9) < 1e-12);
    npu_run_free(&r);
    /* DeepSeek-V3 one chip (spec §5.4): RMSNorm + 15 MLA ops + MoE (gate, softmax,
     * 8 routed + 1 shared expert x 4, combine x 2) + residual = 56 per phase */
    load(&c, "tpuv5p", "deepseekv3-671b");
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err), 0);
    for (int p = 0; p < 2; p++) {
        ck_assert_uint_eq(ns_oplist_len(&r.phase[p].ops), 56);
        ck_assert_int_eq(count_type(&r.phase[p], "Einsum"), 9 + 1 + 27 + 1);
        ck_assert_int_eq(count_type(&r.phase[p], "RMSNorm"), 4);
        ck_assert_int_eq(count_type(&r.phase[p], "Mul"), 2 + 9);
        ck_assert_int_eq(count_type(&r.phase[p], "Softmax"), 1);
        ck_assert_int_eq(count_type(&r.phase[p], "Add"), 2);
        ck_assert_int_eq(count_type(&r.phase[p], "AllToAll"), 0);
    }
    npu_run_free(&r);
    /* with tp8/ep8: + 2 MHA all-gathers, KV and K_PE all-gathers, 1 reduce-scatter,
     * 2 all-to-alls (dispatch, combine) = 63 */
    load(&c, "tpuv5p", "deepseekv3-671b");
    tp8ep8(&c);
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err), 0);
    ck_assert_uint_eq(ns_oplist_len(&r.phase[0].ops), 63);
    ck_assert_int_eq(count_type(&r.phase[0], "AllGather"), 4);
    ck_assert_int_eq(count_type(&r.phase[0], "ReduceScatter"), 1);
    ck_assert_int_eq(count_type(&r.phase[0], "AllToAll"), 2);
    npu_run_free(&r);
}
END_TEST

/* GLIGEN with tensor parallelism 2 (NeuSim's GLIGENOpsGenerator): 842 ops, the 634 of one chip plus
 * per transformer block 3 attentions x (gather, reduce-scatter, gather) and 2 FFNs x (gather,
 * reduce-scatter); heads, FFN width and time-embedding MLP split; the default mode fixes Q8 there */
START_TEST(test_gligen_tp)
{
    npu_config_t c;
    npu_run_t r;
    char err[256];
    load(&c, "tpuv5p", "gligen");
    set(&c, "num_chips=2");
    set(&c, "tensor_parallelism_degree=2");
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err), 0);
    ck_assert_uint_eq(ns_oplist_len(&r.phase[0].ops), 842);
    ck_assert_int_eq(count_type(&r.phase[0], "AllGather"), 128);
    ck_assert_int_eq(count_type(&r.phase[0], "ReduceScatter"), 80);
    ck_assert_int_eq(count_type(&r.phase[0], "Einsum"), 342);
    ck_assert_int_eq(count_type(&r.phase[0], "Conv2D"), 52);
    /* replicated convolutions plus the collectives: 4.160036 ms per pass against 4.104674 on one chip */
    ck_assert_int_eq(r.phase[0].stats.total_execution_time_chip_ns, 4160036);
    /* Q8: NeuSim gathers the FFN input as [B, D] = [1, 320] (latency floor, 3,330 ns) */
    const npu_phase_t *ph = &r.phase[0];
    size_t i = 0;
    while (i < ns_oplist_len(&ph->ops) && strcmp(ph->ops.lab[i].description, "All gather input of MLP before ffn"))
        i++;
    ck_assert(i < ns_oplist_len(&ph->ops));
    ck_assert_int_eq((int64_t)ph->perf[i].ici_time_ns, 3330);
    npu_run_free(&r);
    /* fixed: the [B, N, D/t] = [1, 4096, 160] shard (13,108 ns, as the attention's gather);
     * the pass with every default fix: 3.993049 ms */
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 0);
    ph = &r.phase[0];
    i = 0;
    while (i < ns_oplist_len(&ph->ops) && strcmp(ph->ops.lab[i].description, "All gather input of MLP before ffn"))
        i++;
    ck_assert(i < ns_oplist_len(&ph->ops));
    ck_assert_int_eq((int64_t)ph->perf[i].ici_time_ns, 13108);
    ck_assert_int_eq(r.phase[0].stats.total_execution_time_chip_ns, 3993049);
    npu_run_free(&r);
    /* pipeline parallelism stays refused, with the reason */
    set(&c, "pipeline_parallelism_degree=2");
    set(&c, "tensor_parallelism_degree=1");
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err), 2);
    ck_assert_msg(strstr(err, "GLIGEN supports no pipeline parallelism"), "%s", err);
    npu_run_free(&r);
}
END_TEST

/* default-mode fixes of GLIGEN's statistics: with num_diffusion_steps 2 the simulated time holds two
 * UNet passes; NeuSim still multiplies it by all 40 steps (latency per image twice too long) and
 * divides the step time by the 40 steps once more */
START_TEST(test_fix_gligen_steps)
{
    npu_config_t c;
    npu_run_t r;
    char err[256];
    load(&c, "tpuv6e", "gligen");
    set(&c, "global_batch_size=8");
    set(&c, "num_diffusion_steps=2");
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err), 0);
    double pass2 = (double)r.phase[0].stats.total_execution_time_chip_ns / 1e9;
    ck_assert(fabs(r.latency_sec - pass2 * 40) < 1e-12);
    ck_assert(fabs(r.latency_step_sec - pass2 / 2 / 40) < 1e-15);
    ck_assert(fabs(r.throughput_requests_per_sec - 8 / (pass2 * 40)) < 1e-9);
    npu_run_free(&r);
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 0);
    pass2 = (double)r.phase[0].stats.total_execution_time_chip_ns / 1e9;
    ck_assert(fabs(r.latency_sec - pass2 / 2 * 40) < 1e-12);
    ck_assert(fabs(r.latency_step_sec - pass2 / 2) < 1e-15);
    ck_assert(fabs(r.throughput_requests_per_sec - 8 / (pass2 / 2 * 40)) < 1e-9);
    npu_run_free(&r);
}
END_TEST

/* the op of phase p whose description is desc */
static long find(const npu_run_t *r, int p, const char *desc)
{
    for (size_t i = 0; i < ns_oplist_len(&r->phase[p].ops); i++)
        if (strcmp(r->phase[p].ops.lab[i].description, desc) == 0)
            return (long)i;
    return -1;
}

#define KEEP_LLM NSL_QALL /* every Llama-frontend quirk */

static void run_keep(npu_config_t *c, unsigned keep, npu_run_t *r)
{
    char err[256];
    ck_assert_msg(npu_run(c, false, keep, false, NULL, r, err, sizeof err) == 0, "%s", err);
}

START_TEST(test_fix_q1_name_lookup)
{
    /* NeuSim times the decode gate einsum with the prefill shapes (4096 tokens):
     * MXU 33,751 ns, 64,487,424 bytes; its own 1-token shape takes 1,073 ns */
    npu_config_t c;
    npu_run_t r;
    load(&c, "tpuv5p", "deepseekv3-671b");
    unsigned all = KEEP_LLM | (NSD_QALL << NSL_MOE_SHIFT);
    run_keep(&c, all, &r);
    long i = find(&r, 1, "FFN_MoE_gate-scores");
    ck_assert(i >= 0);
    ck_assert_int_eq((int64_t)r.phase[1].perf[i].mxu_time_ns, 33751);
    ck_assert_int_eq((int64_t)r.phase[1].perf[i].bytes, 64487424);
    ck_assert(fabs(r.phase[1].stats.TPOT_ms_request - 38.981196) < 1e-6);
    npu_run_free(&r);
    run_keep(&c, all & ~(NSD_Q1 << NSL_MOE_SHIFT), &r);
    i = find(&r, 1, "FFN_MoE_gate-scores");
    ck_assert_int_eq((int64_t)r.phase[1].perf[i].mxu_time_ns, 1073);
    ck_assert_int_eq((int64_t)r.phase[1].perf[i].bytes, 3684864);
    ck_assert(fabs(r.phase[1].stats.TPOT_ms_request - 24.936768) < 1e-3);
    npu_run_free(&r);
}
END_TEST

START_TEST(test_fix_q9_mla_collectives)
{
    /* tp8: NeuSim gathers [1,4096,7168] -> 57344 wide (1,370,140 ns) and normalises
     * 57344 columns; the fix gathers the 896-wide shard into 7168 (171,268 ns) */
    npu_config_t c;
    npu_run_t r;
    load(&c, "tpuv5p", "deepseekv3-671b");
    tp8ep8(&c);
    unsigned all = KEEP_LLM | (NSD_QALL << NSL_MOE_SHIFT);
    run_keep(&c, all, &r);
    long i = find(&r, 0, "AllGatherMHA-3");
    ck_assert_int_eq((int64_t)r.phase[0].perf[i].ici_time_ns, 1370140);
    ck_assert(fabs(r.phase[0].stats.TTFT_sec - 0.873362681) < 1e-9);
    npu_run_free(&r);
    run_keep(&c, all & ~(NSD_Q9 << NSL_MOE_SHIFT), &r);
    i = find(&r, 0, "AllGatherMHA-3");
    ck_assert_int_eq((int64_t)r.phase[0].perf[i].ici_time_ns, 171268);
    long n = find(&r, 0, "Fwd-Attention-encoder-Attention-serving-prefill-Attention_RMSNorm");
    ck_assert_int_eq(op_graph_get(r.phase[0].ops.g, n)->in[0].dim[2], 896);
    ck_assert(fabs(r.phase[0].stats.TTFT_sec - 0.699073) < 1e-6);
    npu_run_free(&r);
}
END_TEST

START_TEST(test_fix_q18_routing)
{
    /* NeuSim: each of the 8 routed experts takes all 4096 tokens, 61 MoE layers;
     * fixed: 3 dense layers (d_ff 18432) and 58 MoE layers whose 256 local experts
     * take 4096 x 8 / 256 = 128 tokens each */
    npu_config_t c;
    npu_run_t r;
    load(&c, "tpuv5p", "deepseekv3-671b");
    unsigned all = KEEP_LLM | (NSD_QALL << NSL_MOE_SHIFT);
    run_keep(&c, all & ~(NSD_Q18 << NSL_MOE_SHIFT), &r);
    long d = find(&r, 0, "FFN_dense-Fwd-FFN-encoder-FFgate");
    ck_assert(d >= 0);
    ck_assert_int_eq(op_graph_get(r.phase[0].ops.g, d)->count, 3);
    ck_assert_int_eq(op_graph_get(r.phase[0].ops.g, d)->in[1].dim[1], 18432);
    long e = find(&r, 0, "FFN_routed_experts_x256-Fwd-FFN-encoder-FFgate");
    ck_assert(e >= 0);
    ck_assert_int_eq(op_graph_get(r.phase[0].ops.g, e)->count, 58 * 256);
    ck_assert_int_eq(op_graph_get(r.phase[0].ops.g, e)->in[0].dim[1], 128);
    /* routed FLOPs of a layer are those of 8 experts x 4096 tokens either way */
    double f = op_graph_get(r.phase[0].ops.g, e)->flops * 256;
    ck_assert(fabs(f - 8 * 2.0 * 4096 * 7168 * 2048) < 1);
    ck_assert(fabs(r.phase[0].stats.TTFT_sec - 1.49413) < 1e-5);
    ck_assert(fabs(r.phase[1].stats.TPOT_ms_request - 38.2699) < 1e-4);
    npu_run_free(&r);
    /* expert parallelism divides the work: 8 chips hold 32 experts each */
    load(&c, "tpuv5p", "deepseekv3-671b");
    tp8ep8(&c);
    run_keep(&c, all & ~(NSD_Q18 << NSL_MOE_SHIFT), &r);
    e = find(&r, 0, "FFN_routed_experts_x32-Fwd-FFN-encoder-FFgate");
    ck_assert(e >= 0);
    ck_assert_int_eq(op_graph_get(r.phase[0].ops.g, e)->in[0].dim[1], 128);
    ck_assert(fabs(r.phase[0].stats.TTFT_sec - 0.528224) < 1e-6);
    npu_run_free(&r);
}
END_TEST

START_TEST(test_fix_q13_dit_latent)
{
    /* DiT-XL/2 at 512 px: NeuSim 65,536 tokens (pixels), 47.0069 s per image;
     * the latent (64 x 64, patch 2) has 1,024 tokens */
    npu_config_t c;
    npu_run_t r;
    load(&c, "tpuv5p", "dit-xl");
    run_keep(&c, KEEP_LLM | NSL_DIT_Q13, &r);
    ck_assert_int_eq(r.model.input_seqlen, 65536);
    ck_assert(fabs(r.latency_sec - 47.00688) < 1e-4);
    npu_run_free(&r);
    run_keep(&c, KEEP_LLM, &r);
    ck_assert_int_eq(r.model.input_seqlen, 1024);
    ck_assert(r.latency_sec < 0.1);
    npu_run_free(&r);
}
END_TEST

/* DLRM: the straggler's CSV, each chip's CSV and the placement JSON */
static size_t golden_dlrm(const char *name, int64_t chips, double *worst)
{
    char p[512], w[512];
    snprintf(p, sizeof p, G2 "%s_config.json", name);
    npu_config_t c;
    cfg_err_t e;
    npu_config_defaults(&c);
    ck_assert_msg(npu_config_merge_file(&c, p, &e), "%s", e.msg);
    npu_run_t r;
    char err[256];
    ck_assert_msg(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err) == 0, "%s: %s", name, err);
    ck_assert_int_eq(r.nchip_phase, chips);
    size_t cells = 0;
    snprintf(p, sizeof p, "/tmp/test_npu2_d%d.csv", (int)getpid());
    for (int64_t k = -1; k < chips; k++) {
        const npu_phase_t *one[1] = {k < 0 ? &r.phase[0] : npu_run_chip_phase(&r, k)};
        FILE *f = fopen(p, "wb");
        ck_assert(f && npu_csv_write(f, one, 1));
        fclose(f);
        if (k < 0)
            snprintf(w, sizeof w, G2 "%s.csv", name);
        else
            snprintf(w, sizeof w, G2 "%s_chip%lld.csv", name, (long long)k);
        cells += compare_csv(p, w, worst);
    }
    /* OUT_config_stats.json byte for byte */
    FILE *f = fopen(p, "wb");
    ck_assert(f && nsr_config_stats_write(f, r.dlrm));
    fclose(f);
    snprintf(w, sizeof w, G2 "%s_config_stats.json", name);
    FILE *a = fopen(p, "rb"), *b = fopen(w, "rb");
    ck_assert(a && b);
    int x, y;
    do {
        x = fgetc(a);
        y = fgetc(b);
        ck_assert_int_eq(x, y);
    } while (x != EOF);
    fclose(a);
    fclose(b);
    unlink(p);
    npu_run_free(&r);
    return cells;
}

START_TEST(test_golden_dlrm)
{
    double worst = 0;
    size_t cells = golden_dlrm("K_dlrms_v5p", 1, &worst);
    cells += golden_dlrm("L_dlrms_v5p_4", 4, &worst);
    ck_assert_uint_eq(cells, 2 * 17 * 101 + 5 * 11 * 101);
    /* row-sharded and replicated tables: dlrm-m on 4 v5p (batch 64), dlrm-l on 8 v6e (batch 256) */
    cells += golden_dlrm("P_dlrmm_v5p_4", 4, &worst);
    cells += golden_dlrm("Q_dlrml_v6e_8", 8, &worst);
    ck_assert_uint_eq(cells, 2 * 17 * 101 + 5 * 11 * 101 + (5 + 9) * 36 * 101);
    ck_assert(worst <= 1e-9);
}
END_TEST

START_TEST(test_dlrm_histogram)
{
    /* dlrm-m: 26 tables; 5 of them >= 6 GiB are row-sharded (on every chip), the
     * rest <= 2 GiB replicated: every chip has 2 + 1 + 26 + 1 + 1 + 5 = 36 ops */
    npu_config_t c;
    npu_run_t r;
    char err[256];
    load(&c, "tpuv5p", "dlrm-m");
    set(&c, "num_chips=8");
    set(&c, "data_parallelism_degree=8");
    set(&c, "tensor_parallelism_degree=8");
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err), 0);
    ck_assert_uint_eq(ns_oplist_len(&r.phase[0].ops), 36);
    ck_assert_int_eq(count_type(&r.phase[0], "EmbeddingBag"), 26);
    ck_assert_int_eq(count_type(&r.phase[0], "AllToAll"), 2);
    ck_assert_int_eq(count_type(&r.phase[0], "Einsum"), 2 + 1 + 5);
    int shards = 0;
    for (int64_t i = 0; i < r.dlrm->ntables; i++)
        shards += r.dlrm->table[i].row_shards == 8;
    ck_assert_int_eq(shards, 5);
    npu_run_free(&r);
}
END_TEST

START_TEST(test_fix_q11_q12_dlrm)
{
    /* dlrm-s on one chip: NeuSim's two all-to-alls cost 7 x 3,330 ns each (latency
     * only, negative bisection bandwidth, Q12) -> 54,536 ns per batch; without them
     * 7,916 ns.  The dot interaction: NeuSim 2*B*N*E = 1,152 FLOPs, fixed 2*B*N*N*E = 10,368 */
    npu_config_t c;
    npu_run_t r;
    char err[256];
    load(&c, "tpuv5p", "dlrm-s");
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err), 0);
    ck_assert_int_eq(r.phase[0].stats.total_execution_time_chip_ns, 54536);
    long a = find(&r, 0, "EmbeddingIndicesAllToAll-6");
    ck_assert_int_eq((int64_t)r.phase[0].perf[a].ici_time_ns, 7 * 3330);
    ck_assert(r.phase[0].stats.out_of_memory); /* NeuSim's placeholder: 8 x 95 GiB on one chip */
    npu_run_free(&r);
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 0);
    ck_assert_int_eq(r.phase[0].stats.total_execution_time_chip_ns, 7916);
    ck_assert_int_eq(find(&r, 0, "EmbeddingIndicesAllToAll-6"), -1);
    long d = find(&r, 0, "DotInteraction_einsum");
    ck_assert(op_graph_get(r.phase[0].ops.g, d)->flops == 10368);
    ck_assert(!r.phase[0].stats.out_of_memory); /* 8 x 2.38 GiB tables + MLPs = 19.08 GiB */
    ck_assert(fabs(r.phase[0].stats.mem_footprint_GB - 19.0777) < 1e-3);
    npu_run_free(&r);
    /* 4 chips: the all-to-all latency term counts the 4 chips, not the 8 tables: 3 x 3,330 */
    set(&c, "num_chips=4");
    set(&c, "data_parallelism_degree=4");
    set(&c, "tensor_parallelism_degree=4");
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 0);
    a = find(&r, 0, "EmbeddingIndicesAllToAll-6");
    ck_assert_int_eq((int64_t)r.phase[0].perf[a].ici_time_ns, 3 * 3330);
    ck_assert_int_eq(r.phase[0].stats.total_execution_time_chip_ns, 24896);
    npu_run_free(&r);
}
END_TEST

START_TEST(test_bad_input)
{
    npu_config_t c;
    npu_run_t r;
    char err[256];
    /* ep 6 divides dp x tp = 6 but not the 256 experts */
    load(&c, "tpuv5p", "deepseekv3-671b");
    set(&c, "num_chips=6");
    set(&c, "tensor_parallelism_degree=6");
    set(&c, "expert_parallelism_degree=6");
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 2);
    ck_assert_msg(strstr(err, "does not divide num_routed_experts 256"), "%s", err);
    npu_run_free(&r);
    /* ep above dp x tp */
    load(&c, "tpuv5p", "deepseekv3-671b");
    set(&c, "expert_parallelism_degree=8");
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 2);
    ck_assert_msg(strstr(err, "exceeds"), "%s", err);
    npu_run_free(&r);
    /* MLA has no flash path */
    load(&c, "tpuv5p", "deepseekv3-671b");
    set(&c, "use_flash_attention=true");
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 2);
    ck_assert_msg(strstr(err, "flash"), "%s", err);
    npu_run_free(&r);
    /* DLRM: dp = tp = chips, and a table larger than all HBM */
    load(&c, "tpuv5p", "dlrm-s");
    set(&c, "num_chips=4");
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 2);
    ck_assert_msg(strstr(err, "must both equal num_chips"), "%s", err);
    npu_run_free(&r);
    load(&c, "tpuv5p", "dlrm-s");
    set(&c, "embedding_table_sizes=[10000000, 10000000, 10000000, 10000000, 10000000, 10000000, 10000000, 900000000]");
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 2);
    ck_assert_msg(strstr(err, "embedding table 7") && strstr(err, "more than the HBM of all 1 chips"), "%s", err);
    npu_run_free(&r);
    load(&c, "tpuv5p", "dlrm-s");
    set(&c, "num_indices_per_lookup=[100, 100]");
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 2);
    ck_assert_msg(strstr(err, "one per table"), "%s", err);
    npu_run_free(&r);
    {
        cfg_err_t e;
        ck_assert(!npu_config_set(&c, "embedding_table_sizes=many", &e));
        ck_assert_msg(strstr(e.msg, "expected a list"), "%s", e.msg);
    }
    /* GLIGEN: no pipeline parallelism */
    load(&c, "tpuv5p", "gligen");
    set(&c, "num_chips=2");
    set(&c, "pipeline_parallelism_degree=2");
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 2);
    ck_assert_msg(strstr(err, "GLIGEN supports no pipeline parallelism"), "%s", err);
    npu_run_free(&r);
    /* GLIGEN: dp x tp must fit the chips */
    load(&c, "tpuv5p", "gligen");
    set(&c, "num_chips=2");
    set(&c, "data_parallelism_degree=2");
    set(&c, "tensor_parallelism_degree=2");
    ck_assert_int_eq(npu_run(&c, false, 0, false, NULL, &r, err, sizeof err), 2);
    ck_assert_msg(strstr(err, "data_parallelism_degree 2 x tensor_parallelism_degree 2 does not fit num_chips 2"), "%s",
                  err);
    npu_run_free(&r);
    /* DiT / DeepSeek training */
    load(&c, "tpuv5p", "dit-xl");
    ck_assert_int_eq(npu_run(&c, false, 0, true, NULL, &r, err, sizeof err), 2);
    npu_run_free(&r);
}
END_TEST

static char *dump_table(const char *db, const char *sql)
{
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(h));
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    out[0] = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *t = (const char *)sqlite3_column_text(st, i);
            size_t need = strlen(t ? t : "") + 2;
            while (n + need + 1 > cap)
                out = realloc(out, cap *= 2);
            n += (size_t)sprintf(out + n, "%s%c", t ? t : "", i + 1 == sqlite3_column_count(st) ? '\n' : '|');
        }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return out;
}

START_TEST(test_sweep_families)
{
    char out1[128], out2[128], db1[256], db2[256];
    snprintf(out1, sizeof out1, "/tmp/test_npu2_sw1_%d", (int)getpid());
    snprintf(out2, sizeof out2, "/tmp/test_npu2_sw2_%d", (int)getpid());
    sweep_opts_t o = {.sweep_path = "tests/sweeps/npu2_small.yaml", .outdir = out1, .command = "test", .threads = 1,
                      .shard_i = 1, .shard_n = 1, .quiet = true};
    ck_assert_int_eq(npu_sweep_run(&o), 0);
    o.outdir = out2;
    o.threads = 2;
    ck_assert_int_eq(npu_sweep_run(&o), 0);
    snprintf(db1, sizeof db1, "%s/sweeps/npu2_small.db", out1);
    snprintf(db2, sizeof db2, "%s/sweeps/npu2_small.db", out2);
    const char *q[2] = {"SELECT * FROM npu_points ORDER BY point_id, phase",
                        "SELECT * FROM npu_ops ORDER BY point_id, phase, op_index"};
    for (int i = 0; i < 2; i++) {
        char *a = dump_table(db1, q[i]), *b = dump_table(db2, q[i]);
        ck_assert_msg(strcmp(a, b) == 0, "-j1 and -j2 differ: %s", q[i]);
        free(a);
        free(b);
    }
    /* DLRM: dp = tp = chips, one inference row; 1 chip batch 1 = the single run (7,916 ns) */
    char *t = dump_table(db1, "SELECT dp, tp, pp, latency_sec, throughput_requests_per_sec FROM npu_points WHERE "
                              "model = 'dlrm-s' AND num_chips = 1 AND global_batch_size = 1");
    ck_assert_str_eq(t, "1|1|1|7.916e-06|126326.427488631\n");
    free(t);
    t = dump_table(db1, "SELECT count(*), sum(dp = 8 AND tp = 8) FROM npu_points WHERE model = 'dlrm-s' AND "
                        "num_chips = 8 AND phase = 'inference'");
    ck_assert_str_eq(t, "2|2\n");
    free(t);
    /* DeepSeek on 8 chips: tp 8 with ep 1, 2, 4, 8 (etp 8, 4, 2, 1), and pp splits skipped with their reason */
    t = dump_table(db1, "SELECT group_concat(ep || ':' || etp, ' ') FROM (SELECT DISTINCT ep, etp FROM npu_points "
                        "WHERE model = 'deepseekv3-671b' AND num_chips = 8 AND tp = 8 ORDER BY ep)");
    ck_assert_str_eq(t, "1:8 2:4 4:2 8:1\n");
    free(t);
    t = dump_table(db1, "SELECT count(*) FROM npu_points WHERE model = 'deepseekv3-671b' AND status = 'out_of_memory' "
                        "AND reason LIKE 'prefill memory footprint%'");
    ck_assert(atoi(t) > 0);
    free(t);
    /* DiT: latency per image, every dp x tp x pp split of the chips */
    t = dump_table(db1, "SELECT count(DISTINCT dp || tp || pp), min(latency_sec) > 0 FROM npu_points WHERE "
                        "model = 'dit-xl' AND num_chips = 8 AND status = 'ok'");
    ck_assert_msg(atoi(t) >= 3, "%s", t);
    free(t);
    /* GLIGEN: pp = 1 only, data parallelism over the chips; one inference row with its latency per image */
    t = dump_table(db1, "SELECT count(*), max(pp), min(latency_sec) > 0 FROM npu_points WHERE model = 'gligen' AND "
                        "status = 'ok'");
    ck_assert_msg(strncmp(t, "0|", 2) != 0 && strstr(t, "|1|1"), "%s", t);
    free(t);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", out1, out2);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* --chip DB.db:CHIP_ID: a hardware-exploration chip mapped onto TPUv5p's fields (reading the
 * database and the YAML form: tests/test_npu_hwchip.c) */
START_TEST(test_hwchip)
{
    char err[512];
    chip_t chip = {.chip_id = "big", .valid = true, .perf = 917.5e12, .freq = 1.75e9, .sram = 128.0 * 1048576,
                   .sram_bw = 2e12, .tdp = 300};
    chip.pkg2pkg_io.bandwidth_per_io = 200e9;
    package_t pkg = {.chip = &chip, .num_chips = 1, .valid = true};
    pkg.hbm.bandwidth = 2765.0 * 1073741824;
    pkg.hbm.cap = 95.0 * 1073741824;
    npu_hwchip_t hc;
    npu_hwchip_of(&chip, &pkg, &hc);
    npu_config_t c;
    load(&c, NPU_HWCHIP_BASE, "llama3-8b");
    ck_assert_msg(npu_hwchip_apply(&c, &hc, err, sizeof err), "%s", err);
    /* 917.5 TFLOP/s at 1.75 GHz on 128 x 128 arrays = 16 MXUs (TPUv5p has 8: twice its peak) */
    ck_assert_int_eq(npu_config_int(&c, "num_sa"), 16);
    ck_assert_int_eq(npu_config_int(&c, "vmem_size_MB"), 128);
    ck_assert(fabs(npu_config_num(&c, "hbm_bw_GBps") - 2765) < 1e-9);
    ck_assert_int_eq(npu_config_int(&c, "hbm_size_GB"), 95);
    ck_assert(fabs(npu_config_num(&c, "ici_bw_GBps") - 200) < 1e-9);
    /* the prefill Q projection is compute bound: twice the MXUs, about half the time of TPUv5p */
    npu_run_t r, r5;
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &r, err, sizeof err), 0);
    load(&c, "tpuv5p", "llama3-8b");
    ck_assert_int_eq(npu_run(&c, true, 0, false, NULL, &r5, err, sizeof err), 0);
    ck_assert_str_eq(r.phase[0].ops.lab[1].parsed_type, "Einsum"); /* op 1: the Q projection */
    double ratio = r.phase[0].perf[1].mxu_time_ns / r5.phase[0].perf[1].mxu_time_ns;
    ck_assert_msg(ratio > 0.45 && ratio < 0.55, "MXU time ratio %g", ratio);
    npu_run_free(&r);
    npu_run_free(&r5);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("npu2");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_golden_deepseek_dit);
    tcase_add_test(t, test_golden_stats_json);
    tcase_add_test(t, test_gligen_tp);
    tcase_add_test(t, test_fix_gligen_steps);
    tcase_add_test(t, test_yaml_equals_json);
    tcase_add_test(t, test_op_histograms);
    tcase_add_test(t, test_fix_q1_name_lookup);
    tcase_add_test(t, test_fix_q9_mla_collectives);
    tcase_add_test(t, test_fix_q18_routing);
    tcase_add_test(t, test_fix_q13_dit_latent);
    tcase_add_test(t, test_golden_dlrm);
    tcase_add_test(t, test_dlrm_histogram);
    tcase_add_test(t, test_fix_q11_q12_dlrm);
    tcase_add_test(t, test_sweep_families);
    tcase_add_test(t, test_hwchip);
    tcase_add_test(t, test_bad_input);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
