/*
 * test_perf.c -- unit tests of the software evaluation (src/perf) with real
 * numbers from the reference model ReaLLM v1: model sizes, all-reduce
 * algorithms, roofline and WS matmuls, the micro-batch pass, the pipeline
 * schedules, energy, TCO per token, the mapping search (golden tpuv4 rows),
 * llama3-70B (swiglu, GQA, d = 8192), dynamic sub-system prefill, and the
 * model CSV selection.
 *
 * The tpuv4 server is built by hand from the reference's objects
 * (inputs/hardware/config/tpuv4.yaml with 7nm_default.yaml).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/tco.h"
#include "perf/allreduce.h"
#include "perf/matmul.h"
#include "perf/model.h"
#include "perf/perf.h"
#include "perf/report.h"
#include "perf/system.h"

#define REL_TOL 1e-9

#define close_to(got, want) close_to_at((got), (want), __LINE__)
static void close_to_at(double got, double want, int line)
{
    ck_assert_msg(fabs(got - want) <= REL_TOL * fabs(want), "line %d: got %.17g, want %.17g",
                  line, got, want);
}

/* ---- fixtures ------------------------------------------------------------ */

typedef struct {
    chip_t chip;
    package_t pkg;
    server_t srv;
    hw_constants_t hc;
} tpuv4_t;

static io_link_t link_of(const char *type, double num, double bw_per_io, double tdp_per_io)
{
    io_link_t l;
    memset(&l, 0, sizeof l);
    l.present = true;
    snprintf(l.io_type, sizeof l.io_type, "%s", type);
    l.num = num;
    l.bandwidth_per_io = bw_per_io;
    l.tdp_per_io = tdp_per_io;
    l.pj_per_byte = 9.36;
    l.init_time_s = 1e-10;
    l.bandwidth = num * bw_per_io;
    l.tdp = num * tdp_per_io;
    l.joules_per_byte = 9.36e-12;
    return l;
}

static void constants_7nm(hw_constants_t *hc)
{
    memset(hc, 0, sizeof *hc);
    hc->server.SrvLife = 1.5;
    hc->server.SrvMaxPower = 2000.0;
    hc->tco = (tco_constants_t){.ElectricityCost = 0.067, .InterestRate = 0.08,
                                .DCCapex = 10.0, .DCAmortPeriod = 12.0, .DCOpex = 0.04,
                                .PUE = 1.5, .SrvOpexRate = 0.05, .SrvAvgPwr = 1.0};
    hc->energy = (energy_constants_t){.sram_wgt = 1.25, .sram_act = 0.94, .dram = 80.0,
                                      .hbm2 = 31.2, .stacked_dram = 18.72, .fma_fp16 = 1.3};
}

/* The golden tpuv4 server: 4 packages of one 275 TFLOP/s chip with 4 HBM
 * stacks each. */
static void tpuv4_build(tpuv4_t *h, const char *dataflow)
{
    memset(h, 0, sizeof *h);
    constants_7nm(&h->hc);
    chip_t *c = &h->chip;
    snprintf(c->chip_id, sizeof c->chip_id, "tpuv4");
    snprintf(c->dataflow, sizeof c->dataflow, "%s", dataflow);
    c->perf = 275.0e12;
    c->sram = 300.0e6;
    c->sram_bw = 2.0e12;
    c->freq = 1.05e9;
    c->num_sa = 1;
    c->acc_depth = 1000000000;
    c->sa_width = 361;
    c->hbm_channels = 32;
    c->tdp = 358.0;
    c->pkg2pkg_io = link_of("p2p", 2, 135.0e9, 0.25);

    package_t *p = &h->pkg;
    p->chip = c;
    p->num_chips = 1;
    p->io = link_of("p2p", 2, 135.0e9, 0.25);
    p->num_hbm_stacks = 4;
    p->hbm.present = true;
    p->hbm.pj_per_byte = 31.2;
    p->hbm.cap = 8589934592.0;
    p->hbm.bandwidth = 300.0e9;
    p->total_mem = 34659738368.0;
    p->dram_bw_per_chip = 1.2e12;
    p->tdp = 395.44;
    p->perf = 275.0e12;

    server_t *s = &h->srv;
    s->package = p;
    s->io = link_of("s2s", 2, 135.0e9, 0.25);
    s->num_packages = 4;
    s->num_chips = 4;
    s->total_mem = 138638953472.0;
    s->perf = 1.1e15;
    s->tdp = 1824.443213296399;
    s->core_tdp = 1752.6426592797786;
    s->cost = 3239.2138069747807;
    s->tco = hw_tco_eval(&h->hc.tco, s->tdp, s->cost, h->hc.server.SrvLife);
    s->valid = true;
}

static model_cfg_t gpt3_cfg(void)
{
    model_cfg_t m = {.name = "gpt3", .num_layers = 96, .d = 12288, .num_heads = 96,
                     .act = "gelu"};
    return m;
}

static model_cfg_t llama3_70b_cfg(void)
{
    model_cfg_t m = {.name = "llama3-70B", .num_layers = 80, .d = 8192, .d_ff = 28672,
                     .num_heads = 64, .heads_per_kv_cache = 8, .act = "swiglu"};
    return m;
}

/* inputs/software/system/tpuv4.yaml with one eval_len. */
static system_cfg_t tpuv4_sys_cfg(double prefill_len, double generate_len)
{
    system_cfg_t c = {.allreduce_algo = "2d_ring", .num_servers = 16, .max_batch = 1024,
                      .prefill_len = prefill_len, .generate_len = generate_len,
                      .energy_model = true, .compute_perf_efficiency = 0.7,
                      .io_bandwidth_efficiency = 0.7, .weight_bandwidth_efficiency = 0.6};
    return c;
}

static void sized_system(system_t *sys, const tpuv4_t *h, const model_cfg_t *m,
                         const system_cfg_t *cfg)
{
    char msg[256];
    ck_assert_int_eq(system_prepare(sys, &h->srv, &h->hc, m, cfg, msg, sizeof msg), SYSTEM_OK);
}

/* ---- model --------------------------------------------------------------- */

START_TEST(model_sizes_gpt3_and_llama)
{
    char err[128];
    model_t m;
    model_cfg_t c = gpt3_cfg();
    ck_assert(model_derive(&c, &m, err, sizeof err));
    close_to(m.d_head, 128);
    close_to(m.d_ff, 49152);
    close_to(m.atten_size, 603979776.0);
    close_to(m.ffn_size, 1207959552);
    close_to(m.model_size, 173946175488.0);
    close_to(m.model_size_byte, 347892350976.0);
    close_to(m.kv_cache_size_per_token, 2359296.0);
    close_to(m.kv_cache_size_per_token_byte, 4718592.0);
    close_to(model_prefill_flops(&m, 2048), 732274744098816.0);
    close_to(model_generate_flops(&m, 1056.0), 352875184128.0);
    ck_assert_int_eq(m.attn_comm, ATTN_COMM_ALLREDUCE);

    c = llama3_70b_cfg();
    ck_assert(model_derive(&c, &m, err, sizeof err));
    ck_assert(m.gated);
    close_to(m.atten_size, 150994944.0);
    close_to(m.ffn_size, 469762048);
    close_to(m.model_size, 68451041280.0);
    close_to(m.model_size_byte, 136902082560.0);
    close_to(m.kv_cache_size_per_token, 163840.0);
    close_to(m.kv_cache_size_per_token_byte, 327680.0);
    close_to(model_prefill_flops(&m, 2048), 214404767416320.0);
    close_to(model_generate_flops(&m, 1056.0), 102089359360.0);
    ck_assert_int_eq(m.attn_comm, ATTN_COMM_LLAMA);
}
END_TEST

START_TEST(model_attn_comm_rule)
{
    ck_assert_int_eq(model_default_attn_comm(18432), ATTN_COMM_PALM);
    ck_assert_int_eq(model_default_attn_comm(8192), ATTN_COMM_LLAMA);
    ck_assert_int_eq(model_default_attn_comm(12288), ATTN_COMM_ALLREDUCE);
    char err[128];
    model_t m;
    model_cfg_t c = gpt3_cfg();
    c.attn_comm = ATTN_COMM_PALM; /* an explicit choice beats the rule */
    ck_assert(model_derive(&c, &m, err, sizeof err));
    ck_assert_int_eq(m.attn_comm, ATTN_COMM_PALM);
    c.num_heads = 0;
    ck_assert(!model_derive(&c, &m, err, sizeof err));
}
END_TEST

/* ---- all-reduce ---------------------------------------------------------- */

START_TEST(allreduce_every_algorithm)
{
    static const double pn[6][2] = {{1, 1e6},   {8, 24576},   {16, 1e6},
                                    {27, 3e5},  {64, 7.5e6},  {200, 123456}};
    static const struct {
        const char *name;
        double want[6];
    } cases[] = {
        {"ring", {0, 2.289555555555556e-07, 9.92363492063492e-06, 3.0622252792475013e-06,
                  7.81376e-05, 1.339680634920635e-06}},
        {"2d_ring", {0, 1.741756613756614e-07, 7.937707936507937e-06, 2.6475026455026457e-06,
                     6.944724444444444e-05, 1.2249185185185184e-06}},
        {"3d_ring", {0, 1.3063174603174603e-07, 7.055873721340388e-06, 2.1176021164021165e-06,
                     5.952560952380953e-05, 1.0916772486772485e-06}},
        {"local_4d_16", {0, 2.6967547503717544e-07, 5.291805291005291e-06, 4.79010239343871e-06,
                         0.00011917660720528879, 2.1971187337943214e-06}},
        {"local_2d_16", {0, 3.3509134805304844e-07, 7.937707936507937e-06, 5.584153187089505e-06,
                         0.00013901827704655863, 2.524121908397496e-06}},
        {"local_ring_16", {0, 3.8565325281495317e-07, 9.92363492063492e-06, 6.1811912823276e-06,
                           0.000153901029427511, 2.770874289349877e-06}},
        {"local_ring_8", {0, 2.2895555555555555e-07, 1.9890874211892666e-05,
                          5.981178583914901e-06, 0.00014893911196719355, 2.6876234956990835e-06}},
    };
    tpuv4_t h;
    tpuv4_build(&h, "roofline");
    const io_link_t *links[2] = {&h.srv.io, &h.pkg.io};
    char err[256];
    ck_assert_uint_eq(allreduce_algo_count, 7);
    for (size_t a = 0; a < sizeof cases / sizeof cases[0]; a++) {
        const allreduce_algo_t *algo = allreduce_find(cases[a].name, err, sizeof err);
        ck_assert_ptr_nonnull(algo);
        for (int i = 0; i < 6; i++)
            close_to(allreduce_latency(algo, pn[i][0], pn[i][1], links, 2, 0.7),
                     cases[a].want[i]);
    }
}
END_TEST

/* 2d_ring's shortcut for p = 4^k gives the bits of its formula, and every
 * other p (whole, fractional, huge, infinite) takes the formula itself. */
START_TEST(allreduce_2d_ring_shortcut_bit_exact)
{
    const allreduce_algo_t *ar = allreduce_find("2d_ring", NULL, 0);
    ck_assert_ptr_nonnull(ar);
    const double ns[] = {1, 3, 196608, 402653184.5, 1e-300, 7e300};
    int checked = 0;
    for (double p = 1; p <= 70000; p += p < 300 ? 1 : 97.5)
        for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
            double alpha = 1e-6, beta = 1 / 3e11;
            double s = ceil(sqrt(p));
            double want = 2 * (s - 1) * (2 * alpha + beta * ns[i] / s);
            double got = ar->latency(p, ns[i], alpha, beta);
            ck_assert_msg(memcmp(&got, &want, sizeof got) == 0, "p %.17g n %.17g: %.17g vs %.17g", p, ns[i],
                          got, want);
            checked++;
        }
    const double odd[] = {1024, 4096, 16384, 1048576, 4.0 * (1 << 20) * (1 << 20), ldexp(1, 1000), ldexp(1, 1001),
                          INFINITY, 0.25};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        double s = ceil(sqrt(odd[i]));
        double want = 2 * (s - 1) * (2 * 1e-6 + 1e-12 * 5e8 / s);
        double got = ar->latency(odd[i], 5e8, 1e-6, 1e-12);
        ck_assert_msg(memcmp(&got, &want, sizeof got) == 0 || (isnan(got) && isnan(want)), "p %.17g", odd[i]);
    }
    ck_assert_int_gt(checked, 2000);
}
END_TEST

/* 2d_ring from its parts (allreduce_2d_ring_parts, allreduce_2d_ring_div)
 * gives allreduce_time's bits for every chip count (4^k, other whole,
 * fractional) and byte count; the other algorithms are not 2d_ring. */
START_TEST(allreduce_2d_ring_parts_bit_exact)
{
    const double ps[] = {2, 3, 4, 8, 12, 16, 32, 64, 96, 128, 256, 1024, 4096, 65536, 2.5, 1e6, 1048576};
    const double ns[] = {0, 1, 3, 196608, 402653184.5, 1e-300, 7e300};
    const allreduce_link_t link = {1e-6, 1 / 3e11, 3e11};
    const allreduce_algo_t *ring2d = allreduce_find("2d_ring", NULL, 0);
    int rings = 0;
    for (size_t a = 0; a < allreduce_algo_count; a++)
        rings += allreduce_is_2d_ring(&allreduce_algos[a]);
    ck_assert_int_eq(rings, 1);
    ck_assert(allreduce_is_2d_ring(ring2d));
    int checked = 0;
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        double scale, fixed, side;
        allreduce_2d_ring_parts(ps[i], link.alpha_s, &scale, &fixed, &side);
        for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++) {
            double want = allreduce_time(ring2d, ps[i], ns[j], &link);
            double got = allreduce_2d_ring_div(scale, fixed, link.beta_s_per_byte, ns[j], side);
            ck_assert_msg(memcmp(&got, &want, sizeof got) == 0, "p %.17g n %.17g: %.17g vs %.17g",
                          ps[i], ns[j], got, want);
            checked++;
        }
    }
    ck_assert_int_eq(checked, 17 * 7);
}
END_TEST

START_TEST(allreduce_unknown_name_lists_valid)
{
    char err[256];
    ck_assert_ptr_null(allreduce_find("foo", err, sizeof err));
    ck_assert_str_eq(err, "unknown allreduce_algo 'foo' (valid: ring, 2d_ring, 3d_ring, "
                          "local_4d_16, local_2d_16, local_ring_16, local_ring_8)");
    tpuv4_t h;
    tpuv4_build(&h, "roofline");
    model_cfg_t m = gpt3_cfg();
    system_cfg_t cfg = tpuv4_sys_cfg(20, 8);
    snprintf(cfg.allreduce_algo, sizeof cfg.allreduce_algo, "torus");
    system_result_t r;
    ck_assert(!perf_system_eval(&h.srv, &h.hc, &m, &cfg, &r, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "unknown allreduce_algo 'torus' (valid: ring,"));
}
END_TEST

/* ---- matmul -------------------------------------------------------------- */

START_TEST(matmul_roofline)
{
    tpuv4_t h;
    tpuv4_build(&h, "roofline");
    char err[128];
    const matmul_dataflow_t *df = matmul_find("roofline", err, sizeof err);
    ck_assert_ptr_nonnull(df);
    matmul_chip_t c = {&h.chip, 0.7};
    matmul_lat_t r = df->latency(&c, 1, 2048, 12288, 2304, 720e9);
    close_to(r.block_comp_time, 0.000602410997361039);
    close_to(r.block_ldst_time, 7.86432e-05);
    close_to(r.time, 0.000602410997361039);
    r = df->latency(&c, 4, 1, 768, 132.0, 720e9);
    close_to(r.block_comp_time, 4.2130285714285714e-09);
    close_to(r.block_ldst_time, 1.1264e-06);
    close_to(r.time, 1.1264e-06);
    ck_assert_ptr_null(matmul_find("llmcompass", err, sizeof err));
    ck_assert_str_eq(err, "unknown dataflow 'llmcompass' (valid: roofline, WS)");
}
END_TEST

START_TEST(matmul_weight_stationary)
{
    tpuv4_t h;
    tpuv4_build(&h, "WS");
    char err[128];
    const matmul_dataflow_t *df = matmul_find("WS", err, sizeof err);
    ck_assert_ptr_nonnull(df);
    matmul_chip_t c = {&h.chip, 0.7};
    /* one array, unbounded accumulators */
    matmul_lat_t r = df->latency(&c, 1, 2048, 12288, 2304, 720e9);
    close_to(r.block_comp_time, 1.9504761904761905e-06);
    close_to(r.block_ldst_time, 1.6133333333333332e-07);
    close_to(r.time, 0.000478028);
    r = df->latency(&c, 4, 1, 768, 132.0, 720e9);
    close_to(r.time, 4.32487619047619e-06);
    r = df->latency(&c, 8, 128, 768, 128, 720e9);
    close_to(r.time, 1.0078374603174603e-05);
    /* four arrays, 512 accumulators */
    h.chip.num_sa = 4;
    h.chip.acc_depth = 512;
    r = df->latency(&c, 1, 2048, 12288, 2304, 720e9);
    close_to(r.block_comp_time, 9.752380952380953e-07);
    close_to(r.block_ldst_time, 5.632e-07);
    close_to(r.time, 0.00013709653333333335);
    r = df->latency(&c, 4, 1, 768, 132.0, 720e9);
    close_to(r.time, 1.2220190476190477e-06);
    r = df->latency(&c, 8, 128, 768, 128, 720e9);
    close_to(r.block_ldst_time, 1.8204444444444444e-07);
    close_to(r.time, 2.7926603174603174e-06);
}
END_TEST

/* ---- sizing -------------------------------------------------------------- */

START_TEST(system_sizing_tpuv4)
{
    tpuv4_t h;
    tpuv4_build(&h, "roofline");
    model_cfg_t m = gpt3_cfg();
    system_cfg_t cfg = tpuv4_sys_cfg(128, 8);
    system_t sys;
    sized_system(&sys, &h, &m, &cfg);
    close_to(sys.num_chips, 64);
    close_to(sys.num_packages, 64);
    close_to(sys.kv_cache_ratio, 0.8431662141737722);
    close_to(sys.max_ctx_len_batch_1, 396374);
    close_to(sys.weight_bw_per_chip, 720000000000.0);
    close_to(sys.kv_bw_per_chip, 720000000000.0);
    close_to(sys.other_tdp, 1148.8088642659277);
    close_to(sys.max_tco, 173677.72442657762);
    close_to(sys.perf, 1.76e16);
}
END_TEST

START_TEST(system_undersized_reason)
{
    tpuv4_t h;
    tpuv4_build(&h, "roofline");
    model_cfg_t m = gpt3_cfg();
    system_cfg_t cfg = tpuv4_sys_cfg(128, 8);
    cfg.num_servers = 2;
    system_result_t r;
    char err[256];
    ck_assert(perf_system_eval(&h.srv, &h.hc, &m, &cfg, &r, err, sizeof err));
    ck_assert(!r.valid);
    ck_assert_str_eq(r.invalid_reason, "Total memory is 258.23517417907715 GB, which is less "
                                       "than the model size 324.0 GB.");
    perf_system_result_free(&r);
}
END_TEST

START_TEST(system_kv_ratio_divides_layers)
{
    tpuv4_t h;
    tpuv4_build(&h, "roofline");
    model_cfg_t m = gpt3_cfg();
    system_cfg_t cfg = tpuv4_sys_cfg(128, 8);
    cfg.num_servers = 0;
    cfg.kv_cache_ratio = 0.1; /* 2.8 servers -> 3, which divides 96 */
    system_t sys;
    sized_system(&sys, &h, &m, &cfg);
    close_to(sys.num_servers, 3);
    cfg.kv_cache_ratio = 0.3; /* 3.6 -> 4 */
    sized_system(&sys, &h, &m, &cfg);
    close_to(sys.num_servers, 4);
    cfg.kv_cache_ratio = 0.6; /* 6.3 -> 7 -> 8 */
    sized_system(&sys, &h, &m, &cfg);
    close_to(sys.num_servers, 8);
    close_to(sys.kv_cache_ratio, 1 - 347892350976.0 / (8 * 138638953472.0));
}
END_TEST

START_TEST(system_pipeline_sizes)
{
    double p[64];
    int n = system_all_p(96, p, 64);
    static const double want[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 20, 24, 32, 48, 96};
    ck_assert_int_eq(n, 19);
    for (int i = 0; i < n; i++)
        ck_assert_double_eq(p[i], want[i]);
}
END_TEST

/* ---- one mapping: pass, schedule, energy, TCO ---------------------------- */

START_TEST(perf_micro_batch_and_schedule)
{
    tpuv4_t h;
    tpuv4_build(&h, "roofline");
    model_cfg_t m = gpt3_cfg();
    system_cfg_t cfg = tpuv4_sys_cfg(128, 8);
    system_t sys;
    sized_system(&sys, &h, &m, &cfg);

    micro_batch_t pre, gen;
    perf_micro_batch(&sys, STAGE_PREFILL, 16, 4, 2, &pre);
    close_to(pre.stage2stage, 3.328822698412699e-05);
    ck_assert_double_eq(pre.atten_communication1, 0.0);
    close_to(pre.atten_communication2, 4.993339047619048e-05);
    close_to(pre.fc_communication, 4.993339047619048e-05);
    close_to(pre.pipeline_stage, 0.010006052569841271);
    close_to(pre.total, 0.040024210279365084);
    close_to(pre.compute, 0.0303038464);
    close_to(pre.communication, 0.009720363879365083);
    close_to(pre.atten_qkv.time, 7.86432e-05);
    close_to(pre.fc1.time, 0.0001048576);

    perf_micro_batch(&sys, STAGE_GENERATE, 16, 4, 4, &gen);
    close_to(gen.stage2stage, 5.202269841269842e-07);
    close_to(gen.atten_communication2, 7.813904761904761e-07);
    close_to(gen.pipeline_stage, 0.0076418413698412695);
    close_to(gen.total, 0.030567365479365078);
    close_to(gen.compute, 0.030415257600000002);
    close_to(gen.communication, 0.00015210787936507583);

    perf_mapping_t map = {16, 4, 4, 2};
    perf_t p;
    perf_eval(&sys, &map, 8, &pre, &gen, &p);
    /* prefill: total + (8 / 2 - 1) stages */
    close_to(p.prefill_latency, 0.0700423679888889);
    close_to(p.prefill_throughput, 14619.72273927748);
    close_to(p.prefill_utilization, 0.28948407563919204);
    close_to(p.prefill_power, 5092.072956020289);
    /* generate: 8 tokens at max(total, stage x 2 micro-batches) */
    close_to(p.generate_latency, 0.24453892383492062);
    close_to(p.generate_throughput, 261.7170264608021);
    close_to(p.generate_utilization, 0.005182520634112666);
    close_to(p.generate_power, 1919.7435007453723);
    /* energy (J) of each stage */
    close_to(p.prefill_energy.fma, 231.9591577485312);
    close_to(p.prefill_energy.mem, 43.512780753469436);
    close_to(p.prefill_energy.comm, 0.72361609003008);
    close_to(p.prefill_energy.total, 276.1955545920307);
    close_to(p.generate_energy.fma, 14.498232532992);
    close_to(p.generate_energy.mem, 173.98006781313026);
    close_to(p.generate_energy.comm, 0.04522600562688);
    close_to(p.generate_energy.total, 188.52352635174915);
    /* TCO at the stage-weighted power */
    close_to(p.srv_tco.total, 4261.926726205035);
    close_to(p.prefill_tco_per_token, 5.535680845518478e-08);
    close_to(p.generate_tco_per_token, 8.857089352829565e-07);
    close_to(p.tco_per_Mtoken, 0.8857089352829565);
    close_to(p.capex, 57762.97570437174);
    close_to(p.opex, 10427.85191490882);
    ck_assert_str_eq(p.prefill_bottleneck, "Memory");
    ck_assert_str_eq(p.generate_bottleneck, "Memory");
    /* latency breakdown */
    close_to(p.prefill_io_sec, 0.017010636788888894);
    ck_assert_double_eq(p.prefill_compute_sec, 0.0);
    close_to(p.prefill_mem_sec, 0.0530317312);
    close_to(p.generate_io_sec, 0.0012168630349206067);
    ck_assert_double_eq(p.generate_compute_sec, 0.0);
    close_to(p.generate_mem_sec, 0.24332206080000002);

    perf_t q;
    perf_eval_mapping(&sys, &map, 8, &q);
    ck_assert_double_eq(q.generate_tco_per_token, p.generate_tco_per_token);
    ck_assert_double_eq(q.prefill_latency, p.prefill_latency);
}
END_TEST

/* The search's TCO estimate (perf_tco_cannot_win) against
 * perf_tco_per_token's exact TCO per inference, over every mapping of gpt3
 * on 128 tpuv4 servers at batch 64, with and without the energy model: it
 * discards a mapping at 2e-9 below its exact value (the estimate is that
 * close) and never at its exact value or the next double above, i.e. a
 * discarded mapping is one whose exact TCO is at or above not_below; and
 * it discards nothing with a negative term or when a TCO part per watt is
 * negative (PUE < 1). */
START_TEST(search_tco_estimate_brackets_exact)
{
    tpuv4_t h;
    tpuv4_build(&h, "roofline");
    model_cfg_t m = gpt3_cfg();
    system_cfg_t cfg = tpuv4_sys_cfg(128, 8);
    int checked = 0;
    for (int energy = 0; energy < 2; energy++) {
        system_t sys;
        sized_system(&sys, &h, &m, &cfg);
        sys.energy_model = energy;
        double batch = 64;
        perf_tco_estimate_t e;
        perf_tco_estimate_init(&sys, batch, &e);
        ck_assert(e.usable);
        for (double t = 1; t <= sys.num_chips; t *= 2)
            for (double pmb = 1; pmb <= batch; pmb *= 4)
                for (double mb = 1; mb <= batch; mb *= 4) {
                    double p = sys.num_chips / t;
                    if (p > sys.model.num_layers)
                        continue;
                    perf_mapping_t map = {t, p, mb, pmb};
                    micro_batch_t pre_mb, gen_mb;
                    perf_micro_batch(&sys, STAGE_PREFILL, t, p, pmb, &pre_mb);
                    perf_micro_batch(&sys, STAGE_GENERATE, t, p, mb, &gen_mb);
                    perf_t pre, gen;
                    perf_eval_prefill(&sys, &map, batch, &pre_mb, &pre);
                    perf_eval_generate(&sys, &map, batch, &gen_mb, &gen);
                    double pt, gt;
                    double tpi = perf_tco_per_token(&sys, batch, &pre, &gen, INFINITY, &pt, &gt);
                    ck_assert(tpi > 0 && isfinite(tpi));
                    double ps, pws, gs, gws;
                    perf_tco_prefill_terms(&e, &pre, &ps, &pws);
                    perf_tco_generate_terms(&e, &gen, &gs, &gws);
                    ck_assert(perf_tco_cannot_win(&e, ps, pws, gs, gws, tpi * (1 - 2e-9)));
                    ck_assert(!perf_tco_cannot_win(&e, ps, pws, gs, gws, tpi));
                    ck_assert(!perf_tco_cannot_win(&e, ps, pws, gs, gws, nextafter(tpi, INFINITY)));
                    /* smaller terms answer for larger ones, never the reverse */
                    ck_assert(!perf_tco_cannot_win(&e, ps / 2, pws, gs, gws, tpi * (1 - 2e-9)) ||
                              perf_tco_cannot_win(&e, ps, pws, gs, gws, tpi * (1 - 2e-9)));
                    ck_assert(!perf_tco_cannot_win(&e, -ps, pws, gs, gws, 0));
                    checked++;
                }
    }
    ck_assert_int_gt(checked, 40);
    h.hc.tco.PUE = 0.9;
    system_t sys;
    sized_system(&sys, &h, &m, &cfg);
    perf_tco_estimate_t e;
    perf_tco_estimate_init(&sys, 64, &e);
    ck_assert(!e.usable);
}
END_TEST

/* gpt3 on 64 servers, t = 256 > 96 heads: a Q*K^T all-reduce over 2 chips. */
START_TEST(perf_tensor_wider_than_heads)
{
    static const struct {
        const char *dataflow;
        double prefill_latency, generate_latency, generate_tco_per_token;
    } cases[] = {
        {"roofline", 0.08052132299007067, 0.09275229053523523, 9.748380779094495e-07},
        {"WS", 0.08893245334291014, 0.33506191375809236, 2.2652048473669603e-06},
    };
    for (int i = 0; i < 2; i++) {
        tpuv4_t h;
        tpuv4_build(&h, cases[i].dataflow);
        model_cfg_t m = gpt3_cfg();
        system_cfg_t cfg = {.allreduce_algo = "local_ring_16", .num_servers = 64,
                            .max_batch = 64, .prefill_len = 256, .generate_len = 64,
                            .energy_model = true};
        system_t sys;
        sized_system(&sys, &h, &m, &cfg);
        perf_mapping_t map = {256, 1, 4, 4};
        perf_t p;
        perf_eval_mapping(&sys, &map, 4, &p);
        close_to(p.generate_mb.atten_communication1, 1.1657093764036735e-08);
        close_to(p.prefill_latency, cases[i].prefill_latency);
        close_to(p.generate_latency, cases[i].generate_latency);
        close_to(p.generate_tco_per_token, cases[i].generate_tco_per_token);
    }
}
END_TEST

/* llama3-70B (swiglu, GQA, d = 8192) on 8 tpuv4 servers, t = 32, p = 1. */
START_TEST(perf_llama3_70b)
{
    static const struct {
        const char *dataflow;
        double want[10];
        const char *bottleneck[2];
    } cases[] = {
        {"roofline",
         {0.3008711570781306, 27227.601607131422, 0.3114568318123575, 3008.2063045568784,
          8.567155105515433e-09, 1.1553886601666667, 1765.6396244236348, 0.020230832876847307,
          1627.182426001127, 3.426862042206173e-08},
         {"Interconnect", "Memory"}},
        {"WS",
         {0.3447243435470899, 23763.91500439817, 0.2718356829780198, 2698.596701006125,
          1.5119779854150835e-08, 2.415279611452381, 844.622705514947, 0.009677751089688777,
          1078.0180717383796, 6.047911941660334e-08},
         {"Interconnect", "Compute"}},
    };
    for (int i = 0; i < 2; i++) {
        tpuv4_t h;
        tpuv4_build(&h, cases[i].dataflow);
        model_cfg_t m = llama3_70b_cfg();
        system_cfg_t cfg = {.allreduce_algo = "ring", .num_servers = 8, .max_batch = 64,
                            .prefill_len = 512, .generate_len = 128, .energy_model = true};
        system_t sys;
        sized_system(&sys, &h, &m, &cfg);
        perf_mapping_t map = {32, 1, 8, 2};
        perf_t p;
        perf_eval_mapping(&sys, &map, 16, &p);
        const double got[10] = {p.prefill_latency,  p.prefill_throughput,
                                p.prefill_utilization, p.prefill_power,
                                p.prefill_tco_per_token, p.generate_latency,
                                p.generate_throughput, p.generate_utilization,
                                p.generate_power,     p.generate_tco_per_token};
        for (int k = 0; k < 10; k++)
            close_to(got[k], cases[i].want[k]);
        ck_assert_str_eq(p.prefill_bottleneck, cases[i].bottleneck[0]);
        ck_assert_str_eq(p.generate_bottleneck, cases[i].bottleneck[1]);
    }
}
END_TEST

/* ---- the search: golden rows -------------------------------------------- */

typedef struct {
    double batch;
    perf_objective_t obj;
    double t, p, micro_batch, prefill_micro_batch;
    double m[10];
} golden_row_t;

static int batch_index_of(double batch)
{
    int b = 0;
    while (perf_system_batch(b) < batch)
        b++;
    return b;
}

static void check_row(const system_result_t *r, const golden_row_t *g)
{
    const perf_t *p = perf_system_best(r, batch_index_of(g->batch), g->obj);
    ck_assert_ptr_nonnull(p);
    ck_assert_double_eq(p->map.t, g->t);
    ck_assert_double_eq(p->map.p, g->p);
    ck_assert_double_eq(p->map.micro_batch, g->micro_batch);
    ck_assert_double_eq(p->map.prefill_micro_batch, g->prefill_micro_batch);
    const double got[10] = {p->prefill_latency,  p->prefill_throughput,  p->prefill_utilization,
                            p->prefill_power,    p->prefill_tco_per_token, p->generate_latency,
                            p->generate_throughput, p->generate_utilization, p->generate_power,
                            p->generate_tco_per_token};
    for (int k = 0; k < 10; k++)
        close_to(got[k], g->m[k]);
}

/* golden/expected/tpuv4/gpt3__tpuv4_points.csv, eval_len [20, 8] */
static const golden_row_t tpuv4_20_8[] = {
    {1, OBJ_PREFILL_LATENCY, 64, 1, 1, 1,
     {0.00842874686825397, 2372.831965725296, 0.0469155692923746, 2980.3913153334133,
      4.995826808873955e-06, 0.06077250558730159, 131.63847570029432, 0.002602893542526841,
      2608.261588574577, 1.2489567022184888e-05}},
    {8, OBJ_PREFILL_LATENCY, 64, 1, 8, 8,
     {0.014577980646031748, 10975.457018702613, 0.21700643859921523, 4407.371190385382,
      9.000103178723881e-08, 0.0633640902984127, 1010.0358057472694, 0.019971483736153473,
      2751.000434626999, 2.25002579468097e-07}},
    {1024, OBJ_PREFILL_LATENCY, 8, 8, 16, 16,
     {0.7413882123942683, 27623.854355413987, 0.5461780993572161, 8344.63958759174,
      3.169947173619008e-10, 3.4919316570285712, 2089.3879710717097, 0.04131356298987934,
      3272.3609602472434, 7.924867934047519e-10}},
    {1024, OBJ_PREFILL_TCO, 16, 4, 256, 16,
     {0.8111376605970504, 25248.488628829513, 0.4992124326138309, 7734.79358309456,
      1.0250341164864623e-10, 0.3394874806349207, 24130.492189812278, 0.4771333150488335,
      7648.198550484905, 2.562585291216156e-10}},
    {8, OBJ_GENERATE_LATENCY, 64, 1, 8, 1,
     {0.06742997494603176, 2372.831965725296, 0.0469155692923746, 2980.3913153334133,
      1.4938716030118857e-07, 0.0633640902984127, 1010.0358057472694, 0.019971483736153473,
      2751.000434626999, 3.7346790075297145e-07}},
    {1024, OBJ_GENERATE_LATENCY, 16, 4, 256, 1,
     {7.950725128934921, 2575.865681165046, 0.05092994640925159, 3131.6517249718036,
      5.927689141227732e-10, 0.3394874806349207, 24130.492189812278, 0.4771333150488335,
      7648.198550484905, 1.4819222853069332e-09}},
    {1, OBJ_GENERATE_TCO, 64, 1, 1, 1,
     {0.00842874686825397, 2372.831965725296, 0.0469155692923746, 2980.3913153334133,
      4.995826808873955e-06, 0.06077250558730159, 131.63847570029432, 0.002602893542526841,
      2608.261588574577, 1.2489567022184888e-05}},
    {1024, OBJ_GENERATE_TCO, 16, 4, 256, 16,
     {0.8111376605970504, 25248.488628829513, 0.4992124326138309, 7734.79358309456,
      1.0250341164864623e-10, 0.3394874806349207, 24130.492189812278, 0.4771333150488335,
      7648.198550484905, 2.562585291216156e-10}},
};

/* the same file, eval_len [128, 8] */
static const golden_row_t tpuv4_128_8[] = {
    {1, OBJ_PREFILL_LATENCY, 64, 1, 1, 1,
     {0.013172441496825397, 9717.257049943888, 0.19241070607269598, 4203.090268908525,
      8.466823597044552e-07, 0.060860979187301587, 131.44711285994507, 0.0026029157670917923,
      2608.273502046117, 1.3546917755271283e-05}},
    {8, OBJ_PREFILL_LATENCY, 32, 2, 2, 2,
     {0.06467771072222223, 15832.347628967176, 0.3134951736298402, 5430.332863644523,
      5.371558023264248e-08, 0.22856529366666667, 262.5070457437967, 0.005198164596184348,
      2734.996937429867, 8.594492837222796e-07}},
    {1024, OBJ_PREFILL_LATENCY, 4, 16, 4, 4,
     {4.166838802266357, 31455.98047342497, 0.6228576008633615, 8948.49958723745,
      2.1139283637542643e-10, 13.759930359034922, 525.58405539105, 0.010407615617750754,
      2902.209430035643, 3.382285382006823e-09}},
    {8, OBJ_PREFILL_TCO, 64, 1, 8, 8,
     {0.07389351834793303, 13857.778366681921, 0.2743968700660848, 4474.501723369149,
      2.574928638256876e-08, 0.0640718790984127, 998.8781490503454, 0.019779785398077673,
      2735.617470495747, 4.1198858212110016e-07}},
    {1024, OBJ_PREFILL_TCO, 8, 8, 128, 4,
     {4.394027373833355, 29829.582032315066, 0.5906534026208857, 8550.494584002885,
      7.124768767317135e-11, 0.6290669436952381, 13022.46141226068, 0.2578707846739384,
      5209.9774333290015, 1.1399630027707415e-09}},
    {8, OBJ_GENERATE_LATENCY, 64, 1, 8, 1,
     {0.10537953197460317, 9717.257049943888, 0.19241070607269598, 4203.090268908525,
      3.159317252361681e-08, 0.0640718790984127, 998.8781490503454, 0.019779785398077673,
      2735.617470495747, 5.054907603778689e-07}},
    {1024, OBJ_GENERATE_LATENCY, 16, 4, 256, 1,
     {9.014932810763494, 14539.431713068889, 0.28789423881953263, 5687.949824350251,
      1.1969096974871401e-10, 0.43008444703492066, 19047.42209693263, 0.37717705790452816,
      6286.599357211999, 1.9150555159794242e-09}},
    {1024, OBJ_GENERATE_TCO, 8, 8, 128, 4,
     {4.394027373833355, 29829.582032315066, 0.5906534026208857, 8550.494584002885,
      7.124768767317135e-11, 0.6290669436952381, 13022.46141226068, 0.2578707846739384,
      5209.9774333290015, 1.1399630027707415e-09}},
};

static void check_golden(const char *dataflow, double pl, double gl, const golden_row_t *rows,
                         size_t n)
{
    tpuv4_t h;
    tpuv4_build(&h, dataflow);
    model_cfg_t m = gpt3_cfg();
    system_cfg_t cfg = tpuv4_sys_cfg(pl, gl);
    system_result_t r;
    char err[256];
    ck_assert_msg(perf_system_eval(&h.srv, &h.hc, &m, &cfg, &r, err, sizeof err), "%s", err);
    ck_assert(r.valid);
    ck_assert_int_eq(r.n_batch, 11);
    close_to(r.sys.kv_cache_ratio, 0.8431662141737722);
    close_to(r.sys.max_ctx_len_batch_1, 396374);
    for (size_t i = 0; i < n; i++)
        check_row(&r, &rows[i]);
    perf_system_result_free(&r);
}

START_TEST(search_golden_tpuv4)
{
    check_golden("roofline", 20, 8, tpuv4_20_8, sizeof tpuv4_20_8 / sizeof tpuv4_20_8[0]);
    check_golden("roofline", 128, 8, tpuv4_128_8, sizeof tpuv4_128_8 / sizeof tpuv4_128_8[0]);
}
END_TEST

/* tpuv4 with dataflow WS, reference run of the tpuv4 system, eval_len [60, 20] */
static const golden_row_t tpuv4_ws_60_20[] = {
    {8, OBJ_PREFILL_LATENCY, 64, 1, 8, 8,
     {0.038986383947619045, 12311.990787473746, 0.24356438272290484, 4248.8701846955055,
      1.0026495949900027e-07, 0.2293577487936508, 697.6001501651868, 0.013802282648654617,
      2256.081436890745, 3.007948784970008e-07}},
    {1024, OBJ_PREFILL_LATENCY, 4, 16, 16, 16,
     {1.772432701119048, 34664.22164362521, 0.6857517921301107, 9392.87519984279,
      2.976238461274546e-10, 10.326985807111111, 1908.7854256976334, 0.03776604112667237,
      2944.704297475384, 8.928715383823638e-10}},
    {8, OBJ_GENERATE_LATENCY, 64, 1, 8, 1,
     {0.11209365291428573, 4282.133622383061, 0.08471215179383118, 2905.390951324157,
      1.270109960946694e-07, 0.2293577487936508, 697.6001501651868, 0.013802282648654617,
      2256.081436890745, 3.810329882840082e-07}},
    {1024, OBJ_GENERATE_LATENCY, 20, 3, 256, 1,
     {10.313602563857142, 5957.181268096326, 0.11784911176253812, 3580.9387767724684,
      3.010369796204132e-10, 2.1113313562174603, 9578.790150794783, 0.18951998370716,
      3764.7899365360468, 9.031109388612396e-10}},
    {1024, OBJ_GENERATE_TCO, 16, 4, 256, 16,
     {2.1108975451380956, 29106.10235040118, 0.5757972024847303, 8086.433819656365,
      1.153618212023592e-10, 2.11309838615873, 9691.929223053981, 0.19175848301590906,
      3760.8901667077116, 3.460854636070776e-10}},
};

START_TEST(search_ws_dataflow)
{
    check_golden("WS", 60, 20, tpuv4_ws_60_20,
                 sizeof tpuv4_ws_60_20 / sizeof tpuv4_ws_60_20[0]);
}
END_TEST

/* Memoized passes give exactly what evaluating each kept mapping afresh gives. */
START_TEST(search_memo_bit_identical)
{
    tpuv4_t h;
    tpuv4_build(&h, "roofline");
    model_cfg_t m = llama3_70b_cfg();
    system_cfg_t cfg = tpuv4_sys_cfg(1024, 256);
    cfg.max_batch = 64;
    system_result_t r;
    char err[256];
    ck_assert(perf_system_eval(&h.srv, &h.hc, &m, &cfg, &r, err, sizeof err));
    for (int b = 0; b < r.n_batch; b++)
        for (int o = 0; o < OBJ_COUNT; o++) {
            const perf_t *p = perf_system_best(&r, b, (perf_objective_t)o);
            ck_assert_ptr_nonnull(p);
            perf_t q;
            perf_eval_mapping(&r.sys, &p->map, perf_system_batch(b), &q);
            ck_assert(q.prefill_latency == p->prefill_latency);
            ck_assert(q.prefill_tco_per_token == p->prefill_tco_per_token);
            ck_assert(q.generate_latency == p->generate_latency);
            ck_assert(q.generate_tco_per_token == p->generate_tco_per_token);
            ck_assert(q.opex == p->opex && q.generate_mem_sec == p->generate_mem_sec);
            ck_assert(memcmp(&q.generate_mb, &p->generate_mb, sizeof q.generate_mb) == 0);
        }
    perf_system_result_free(&r);
}
END_TEST

START_TEST(search_default_mapping_takes_all_chips)
{
    tpuv4_t h;
    tpuv4_build(&h, "roofline");
    model_cfg_t m = gpt3_cfg();
    system_cfg_t cfg = tpuv4_sys_cfg(20, 8);
    cfg.max_batch = 16;
    cfg.has_default_mapping = true;
    cfg.default_mapping = (mapping_cfg_t){.t = 8, .p = 1};
    system_result_t r;
    char err[256];
    ck_assert(perf_system_eval(&h.srv, &h.hc, &m, &cfg, &r, err, sizeof err));
    ck_assert_int_eq(r.n_batch, 5);
    for (int b = 0; b < r.n_batch; b++) {
        const perf_t *p = perf_system_best(&r, b, OBJ_GENERATE_TCO);
        ck_assert_ptr_nonnull(p);
        ck_assert_double_eq(p->map.t, 64); /* p = 1: every chip */
        ck_assert_double_eq(p->map.micro_batch, perf_system_batch(b));
        ck_assert_double_eq(p->map.prefill_micro_batch, perf_system_batch(b));
    }
    /* the t = 64, p = 1 mapping is also the golden best at batch 8 */
    check_row(&r, &tpuv4_20_8[1]);
    perf_system_result_free(&r);
}
END_TEST

/* Prefill on 4 sub-systems of 4 servers (reference's dynamic mapping). */
START_TEST(search_sub_system_prefill)
{
    static const struct {
        int b;
        double t, p, micro_batch, prefill_micro_batch;
        double prefill_latency, prefill_throughput, prefill_power, generate_tco_per_token;
    } want[] = {
        {0, 64, 1, 1, 1, 0.05193334896565494, 19717.580714411495, 5937.506743611614,
         7.3963548529252236e-06},
        {2, 64, 1, 4, 1, 0.10902552142928647, 37569.185144018316, 13639.806546740343,
         5.321721307077696e-07},
        {4, 64, 1, 16, 1, 0.4361013942171458, 37569.24471523702, 13337.001548038992,
         5.208083209868256e-08},
    };
    tpuv4_t h;
    tpuv4_build(&h, "roofline");
    model_cfg_t m = gpt3_cfg();
    system_cfg_t cfg = {.allreduce_algo = "2d_ring", .num_servers = 16,
                        .sub_sys_num_servers = 4, .max_batch = 16, .prefill_len = 1024,
                        .generate_len = 256, .energy_model = true};
    system_result_t r;
    char err[256];
    ck_assert(perf_system_eval(&h.srv, &h.hc, &m, &cfg, &r, err, sizeof err));
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const perf_t *p = perf_system_best(&r, want[i].b, OBJ_GENERATE_TCO);
        ck_assert_ptr_nonnull(p);
        ck_assert_double_eq(p->map.t, want[i].t);
        ck_assert_double_eq(p->map.micro_batch, want[i].micro_batch);
        ck_assert_double_eq(p->map.prefill_micro_batch, want[i].prefill_micro_batch);
        close_to(p->prefill_latency, want[i].prefill_latency);
        close_to(p->prefill_throughput, want[i].prefill_throughput);
        close_to(p->prefill_power, want[i].prefill_power);
        close_to(p->generate_tco_per_token, want[i].generate_tco_per_token);
    }
    perf_system_result_free(&r);
    cfg.sub_sys_num_servers = 5;
    ck_assert(!perf_system_eval(&h.srv, &h.hc, &m, &cfg, &r, err, sizeof err));
    ck_assert_str_eq(err, "sub_sys_num_servers should be a divisor of num_servers.");
}
END_TEST

/* ---- the model CSV ------------------------------------------------------- */

typedef struct {
    const char *goal;
    double input_len, batch, prefill_sec, decoding_sec, tco_per_Mtoken;
    double prefill_io, prefill_compute, prefill_mem, decoding_io, decoding_compute,
        decoding_mem, capex, opex;
} csv_row_t;

/* golden/expected/tpuv4/gpt3__tpuv4.csv */
static const csv_row_t tpuv4_csv[] = {
    {"prefill_lat", 20, 1024, 0.7413882123942683, 3.4919316570285712, 0.0007924867934047519,
     0.09749397220476191, 0.6415677121895064, 0.0023265279999999996, 0.031316284228571405, 0.0,
     3.4606153728, 57762.97570437174, 16521.611581240883},
    {"prefill_lat", 60, 8, 0.03463787237871862, 0.15916388974603177, 0.2240664891727383,
     0.02103447293809524, 0.01355424744062338, 4.9152000000000006e-05, 0.007022065746031744,
     0.0, 0.152141824, 57762.97570437174, 12241.696039354307},
    {"decoding_lat", 128, 8, 0.10537953197460317, 0.0640718790984127, 0.5054907603778689,
     0.044876696774603174, 0.0, 0.06050283520000001, 0.0028088262984127046, 0.0,
     0.0612630528, 57762.97570437174, 14486.692835295737},
    {"decoding_lat", 128, 1024, 9.014932810763494, 0.43008444703492066, 0.0019150555159794243,
     1.2478813419634929, 0.0, 7.767051468800001, 0.07776291103492061, 0.0,
     0.35232153600000005, 57762.97570437174, 22694.495562107113},
    {"tco", 20, 8, 0.014577980646031748, 0.0633640902984127, 0.225002579468097,
     0.007011849446031747, 0.0, 0.007566131200000001, 0.0028088262984126977, 0.0,
     0.060555264, 57762.97570437174, 12154.12051563531},
};

START_TEST(report_tpuv4_rows)
{
    tpuv4_t h;
    tpuv4_build(&h, "roofline");
    model_cfg_t m = gpt3_cfg();
    static const double lens[3][2] = {{20, 8}, {60, 20}, {128, 8}};
    system_result_t r[3];
    char err[256];
    for (int i = 0; i < 3; i++) {
        system_cfg_t cfg = tpuv4_sys_cfg(lens[i][0], lens[i][1]);
        ck_assert(perf_system_eval(&h.srv, &h.hc, &m, &cfg, &r[i], err, sizeof err));
    }
    report_t rep;
    ck_assert(report_model_rows(r, 3, &rep, err, sizeof err));
    ck_assert_uint_eq(rep.n_rows, 99); /* 3 goals x 3 lengths x 11 batches */
    ck_assert_ptr_null(rep.warnings);
    ck_assert_str_eq(rep.rows[0].opt_goal, "prefill_lat");
    ck_assert_str_eq(rep.rows[98].opt_goal, "tco");
    for (size_t k = 0; k < sizeof tpuv4_csv / sizeof tpuv4_csv[0]; k++) {
        const csv_row_t *w = &tpuv4_csv[k];
        const report_row_t *g = NULL;
        for (size_t i = 0; i < rep.n_rows && !g; i++)
            if (!strcmp(rep.rows[i].opt_goal, w->goal) && rep.rows[i].input_len == w->input_len &&
                rep.rows[i].batch == w->batch)
                g = &rep.rows[i];
        ck_assert_ptr_nonnull(g);
        const double got[11] = {g->prefill_sec,  g->decoding_sec,         g->tco_per_Mtoken,
                                g->prefill_io_sec, g->prefill_compute_sec, g->prefill_mem_sec,
                                g->decoding_io_sec, g->decoding_compute_sec,
                                g->decoding_mem_sec, g->capex,             g->opex};
        const double want[11] = {w->prefill_sec,  w->decoding_sec,   w->tco_per_Mtoken,
                                 w->prefill_io,   w->prefill_compute, w->prefill_mem,
                                 w->decoding_io,  w->decoding_compute, w->decoding_mem,
                                 w->capex,        w->opex};
        for (int c = 0; c < 11; c++)
            if (want[c] == 0)
                ck_assert_double_eq(got[c], 0);
            else
                close_to(got[c], want[c]);
    }
    report_free(&rep);
    for (int i = 0; i < 3; i++)
        perf_system_result_free(&r[i]);
}
END_TEST

START_TEST(report_warns_below_batch_8)
{
    tpuv4_t h;
    tpuv4_build(&h, "roofline");
    model_cfg_t m = gpt3_cfg();
    system_cfg_t cfg = tpuv4_sys_cfg(20, 8);
    cfg.max_batch = 4;
    system_result_t r[2];
    char err[256];
    ck_assert(perf_system_eval(&h.srv, &h.hc, &m, &cfg, &r[0], err, sizeof err));
    cfg.num_servers = 2; /* undersized: ignored by the report */
    ck_assert(perf_system_eval(&h.srv, &h.hc, &m, &cfg, &r[1], err, sizeof err));
    ck_assert(!r[1].valid);
    report_t rep;
    ck_assert(report_model_rows(r, 2, &rep, err, sizeof err));
    ck_assert_uint_eq(rep.n_rows, 0);
    ck_assert_uint_eq(rep.n_warnings, 3);
    ck_assert_ptr_nonnull(strstr(rep.warnings, "opt_goal prefill_lat, eval_len [20, 8]: no "
                                               "system reaches batch 8; skipped\n"));
    report_free(&rep);
    perf_system_result_free(&r[0]);
    perf_system_result_free(&r[1]);
}
END_TEST

static Suite *perf_suite(void)
{
    Suite *s = suite_create("perf");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, model_sizes_gpt3_and_llama);
    tcase_add_test(tc, model_attn_comm_rule);
    tcase_add_test(tc, allreduce_every_algorithm);
    tcase_add_test(tc, allreduce_unknown_name_lists_valid);
    tcase_add_test(tc, allreduce_2d_ring_shortcut_bit_exact);
    tcase_add_test(tc, allreduce_2d_ring_parts_bit_exact);
    tcase_add_test(tc, matmul_roofline);
    tcase_add_test(tc, matmul_weight_stationary);
    tcase_add_test(tc, system_sizing_tpuv4);
    tcase_add_test(tc, system_undersized_reason);
    tcase_add_test(tc, system_kv_ratio_divides_layers);
    tcase_add_test(tc, system_pipeline_sizes);
    tcase_add_test(tc, perf_micro_batch_and_schedule);
    tcase_add_test(tc, perf_tensor_wider_than_heads);
    tcase_add_test(tc, perf_llama3_70b);
    tcase_add_test(tc, search_golden_tpuv4);
    tcase_add_test(tc, search_ws_dataflow);
    tcase_add_test(tc, search_memo_bit_identical);
    tcase_add_test(tc, search_tco_estimate_brackets_exact);
    tcase_add_test(tc, search_default_mapping_takes_all_chips);
    tcase_add_test(tc, search_sub_system_prefill);
    tcase_add_test(tc, report_tpuv4_rows);
    tcase_add_test(tc, report_warns_below_batch_8);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(perf_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
