/*
 * test_perf_v2.c -- perf_model v2 (src/perf/v2_*.c, docs/perf-model-v2.md):
 * each correction function with hand-computed numbers, the model table and
 * its config errors, a v2 system point end to end (GQA traffic, layouts,
 * formats), and the validation table reader and summary (src/validate).
 * The reference model's golden tests live in test_perf.c / test_golden_sw.c
 * and must stay exact.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/node.h"
#include "engine/hw_engine.h"
#include "hw/hw_config.h"
#include "perf/perf_model.h"
#include "perf/sw_config.h"
#include "perf/system.h"
#include "perf/v2_model.h"
#include "validate/validate.h"

#define close_to(got, want) close_to_at((got), (want), __LINE__)
static void close_to_at(double got, double want, int line)
{
    ck_assert_msg(fabs(got - want) <= 1e-12 * fabs(want) + 1e-300, "line %d: got %.17g, want %.17g",
                  line, got, want);
}

/* ---- number formats ------------------------------------------------------- */

START_TEST(formats_bytes_and_errors)
{
    char err[256];
    close_to(v2_format_find("bf16", err, sizeof err)->bytes, 2);
    close_to(v2_format_find("fp16", err, sizeof err)->bytes, 2);
    close_to(v2_format_find("fp8", err, sizeof err)->bytes, 1);
    close_to(v2_format_find("int8", err, sizeof err)->bytes, 1);
    close_to(v2_format_find("fp4", err, sizeof err)->bytes, 0.5);
    ck_assert_int_eq(v2_format_find("", err, sizeof err)->id, V2_FMT_BF16);
    ck_assert_ptr_null(v2_format_find("fp7", err, sizeof err));
    ck_assert_str_eq(err, "unknown number format 'fp7' (valid: bf16, fp16, fp8, int8, fp4)");
}
END_TEST

START_TEST(peak_per_format)
{
    chip_t h100 = {.perf = 989.4e12, .perf_fp8 = 1978.9e12};
    chip_t a100 = {.perf = 312e12};
    close_to(v2_peak_flops(&h100, V2_FMT_FP8), 1978.9e12);
    close_to(v2_peak_flops(&h100, V2_FMT_BF16), 989.4e12);
    close_to(v2_peak_flops(&h100, V2_FMT_INT8), 989.4e12);  /* no int8 rate given */
    close_to(v2_peak_flops(&a100, V2_FMT_FP8), 312e12);     /* no FP8: the bf16 rate */
    close_to(v2_peak_flops(&a100, V2_FMT_FP4), 312e12);
    const v2_format_t *fp8 = &v2_formats[2], *int8 = &v2_formats[3], *bf16 = &v2_formats[0];
    ck_assert_int_eq(v2_compute_format(fp8, fp8), V2_FMT_FP8);
    ck_assert_int_eq(v2_compute_format(int8, bf16), V2_FMT_BF16); /* weight-only int8 */
    ck_assert_int_eq(v2_compute_format(bf16, fp8), V2_FMT_BF16);
}
END_TEST

/* ---- sizes: GQA, MLA, MoE --------------------------------------------------- */

static model_cfg_t llama70b(void)
{
    model_cfg_t m = {.name = "llama3-70B", .num_layers = 80, .d = 8192, .num_heads = 64,
                     .d_ff = 28672, .heads_per_kv_cache = 8, .act = "swiglu"};
    return m;
}

/* A small MoE model: 8 experts, top 2, 1 shared, the first of 4 layers dense. */
static model_cfg_t small_moe(void)
{
    model_cfg_t m = {.name = "moe", .num_layers = 4, .d = 1024, .num_heads = 8, .d_ff = 4096,
                     .act = "swiglu", .heads_per_kv_cache = 4, .num_experts = 8,
                     .experts_per_token = 2, .num_shared_experts = 1, .moe_d_ff = 512,
                     .first_dense_layers = 1};
    return m;
}

START_TEST(gqa_kv_heads_and_sizes)
{
    close_to(v2_kv_heads(64, 8), 8);
    close_to(v2_kv_heads(32, 4), 8);
    close_to(v2_kv_heads(48, 48), 1);            /* MQA */
    model_cfg_t m = llama70b();
    v2_t v;
    char err[256];
    ck_assert(v2_sizes(&v, &m, 8192, 64, 128, 28672, 8, true, 80, err, sizeof err));
    close_to(v.kv_heads, 8);
    /* Q 64 heads + K, V 8 heads each of 128, times d; O 64 x 128 x d */
    close_to(v.attn_params, 8192.0 * (64 + 16) * 128 + 64.0 * 128 * 8192);  /* 150994944 */
    close_to(v.o_params, 67108864);
    close_to(v.dense_ffn_params, 3.0 * 8192 * 28672);
    close_to(v.params, 80 * (150994944.0 + 704643072.0));
    close_to(v.weight_bytes, 2 * 68451041280.0);                 /* bf16 */
    close_to(v2_kv_numbers_per_layer(&v, 128), 8 * 2 * 128);     /* 2048, not 64 x 256 */
    close_to(v.kv_bytes_per_token, 80 * 2048 * 2.0);
    /* fp8 weights, fp8 KV cache halve both */
    snprintf(m.weight_format, sizeof m.weight_format, "fp8");
    snprintf(m.kv_format, sizeof m.kv_format, "fp8");
    ck_assert(v2_sizes(&v, &m, 8192, 64, 128, 28672, 8, true, 80, err, sizeof err));
    close_to(v.weight_bytes, 68451041280.0);
    close_to(v.kv_bytes_per_token, 80 * 2048.0);
}
END_TEST

/* DeepSeek-V3 (config.json: hidden 7168, 61 layers, 128 heads, q_lora 1536,
 * kv_lora 512, rope 64, nope 128, v 128, 256 experts top-8, 1 shared,
 * moe_intermediate 2048, intermediate 18432, first 3 layers dense). */
START_TEST(mla_and_moe_sizes)
{
    model_cfg_t m = {.name = "deepseek-v3", .num_layers = 61, .d = 7168, .num_heads = 128,
                     .d_ff = 18432, .act = "swiglu", .num_experts = 256, .experts_per_token = 8,
                     .num_shared_experts = 1, .moe_d_ff = 2048, .first_dense_layers = 3,
                     .kv_lora_rank = 512, .q_lora_rank = 1536, .qk_rope_head_dim = 64,
                     .qk_nope_head_dim = 128, .v_head_dim = 128};
    v2_t v;
    char err[256];
    ck_assert(v2_sizes(&v, &m, 7168, 128, 56, 18432, 1, true, 61, err, sizeof err));
    ck_assert(v.mla && v.moe);
    /* q: 7168x1536 + 1536x128x192; kv_a: 7168x576; kv_b: 512x128x256; o: 128x128x7168 */
    close_to(v.attn_params, 11010048.0 + 37748736 + 4128768 + 16777216 + 117440512);
    close_to(v2_kv_numbers_per_layer(&v, 56), 576);              /* latent + rope, all heads */
    close_to(v.expert_params, 3.0 * 7168 * 2048);
    /* 61 attention + 3 dense FFN + 58 x (257 experts + router) */
    close_to(v.params, 61 * 187105280.0 + 3 * 396361728.0 + 58 * (257 * 44040192.0 + 7168.0 * 256));
    close_to(v.params, 669172039680.0);
    /* one token touches top_k experts; two tokens 256 (1 - (248/256)^2) */
    close_to(v2_experts_touched(256, 8, 1), 8);
    close_to(v2_experts_touched(256, 8, 2), 15.75);
    ck_assert(v2_experts_touched(256, 8, 1e6) <= 256);
    /* inconsistent keys are refused */
    m.experts_per_token = 300;
    ck_assert(!v2_sizes(&v, &m, 7168, 128, 56, 18432, 1, true, 61, err, sizeof err));
    ck_assert_str_eq(err, "model 'deepseek-v3': experts_per_token must be in 1..num_experts");
    m.experts_per_token = 8;
    m.v_head_dim = 0;
    ck_assert(!v2_sizes(&v, &m, 7168, 128, 56, 18432, 1, true, 61, err, sizeof err));
}
END_TEST

/* The v2 keys from DeepSeek-V3's config.json (tests/golden/perf_v2, a copy of
 * ../shared/hf_configs/deepseek-v3.json): the parameter count matches the
 * published 671,026,404,352 less its 1,006,592 norm weights (61 x (2 x 7168 +
 * 512 + 1536) + 7168), which v2 does not count. */
START_TEST(hf_config_v2_keys)
{
    hf_config_t c;
    cfg_err_t err;
    ck_assert_msg(hf_config_load("tests/golden/perf_v2/deepseek-v3.json", &c, &err), "%s", err.msg);
    model_cfg_t m = {.name = "deepseek-v3", .num_layers = 61, .d = 7168, .num_heads = 128,
                     .d_ff = 18432, .act = "swiglu"};
    v2_model_cfg_from_hf(&c, &m);
    close_to(m.num_experts, 256);
    close_to(m.experts_per_token, 8);
    close_to(m.num_shared_experts, 1);
    close_to(m.moe_d_ff, 2048);
    close_to(m.first_dense_layers, 3);
    close_to(m.kv_lora_rank, 512);
    close_to(m.q_lora_rank, 1536);
    close_to(m.vocab_size, 129280);
    ck_assert(!m.tied_embeddings);
    v2_t v;
    char msg[256];
    ck_assert(v2_sizes(&v, &m, 7168, 128, 56, 18432, 1, true, 61, msg, sizeof msg));
    close_to(v.params, 671026404352.0 - 1006592.0);
}
END_TEST

/* ---- operators -------------------------------------------------------------- */

START_TEST(matmul_shape_efficiency_and_memory_time)
{
    close_to(v2_matmul_shape_efficiency(128, 128, 128, 128), 1);
    close_to(v2_matmul_shape_efficiency(64, 128, 128, 128), 0.5);
    close_to(v2_matmul_shape_efficiency(200, 128, 256, 128), 200.0 / 256);
    close_to(v2_matmul_shape_efficiency(1, 8192, 8192, 128), 1.0 / 128);
    close_to(v2_mem_time(1e6, 1e9, 1e-6), 1e-6 + 1e-3);
    close_to(v2_mem_time(0, 1e9, 1e-6), 0);
    /* effective bandwidth grows with the transfer: 1 MB at 1 GB/s + 1 us */
    ck_assert(1e6 / v2_mem_time(1e6, 1e9, 1e-6) > 1e3 / v2_mem_time(1e3, 1e9, 1e-6));

    v2_t v = {.peak_flops = 1e12, .matmul_tile = 128, .op_latency_s = 1e-6};
    matmul_lat_t r = v2_matmul(&v, 1.0, 1, 128, 128, 128, 1e3, 1e9);
    close_to(r.block_comp_time, 2.0 * 128 * 128 * 128 / 1e12);
    close_to(r.block_ldst_time, 1e-6);
    close_to(r.time, 1e-6 + 4.194304e-6);
    /* half-filled rows: half the rate */
    r = v2_matmul(&v, 0.5, 2, 64, 128, 128, 0, 1e9);
    close_to(r.block_comp_time, 2 * 2.0 * 64 * 128 * 128 / (1e12 * 0.5 * 0.5));
}
END_TEST

/* The tile's exact inverse (a power of two) gives the same bits as dividing
 * by the tile: v2_matmul with and without matmul_tile_inv agrees exactly. */
START_TEST(matmul_tile_inverse_is_bit_identical)
{
    ck_assert(v2_exact_inverse(128) == 1.0 / 128);
    ck_assert(v2_exact_inverse(0.25) == 4);
    ck_assert(v2_exact_inverse(96) == 0);
    ck_assert(v2_exact_inverse(0) == 0);
    v2_t slow = {.peak_flops = 312e12, .matmul_tile = 128, .matmul_units = 108,
                 .op_latency_s = 1e-6};
    v2_t fast = slow;
    fast.matmul_tile_inv = v2_exact_inverse(fast.matmul_tile);
    const double shapes[][4] = {{1, 1, 8192, 1024},     {3.5, 77, 12288, 4096},
                                {64, 0.3, 128, 96},     {1, 1e6 / 3, 255, 129},
                                {8, 2048, 12288, 12288}, {1, 1e-300, 7, 1e300}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const double *x = shapes[i];
        matmul_lat_t a = v2_matmul(&slow, 0.9, x[0], x[1], x[2], x[3], 1e6, 2e12);
        matmul_lat_t b = v2_matmul(&fast, 0.9, x[0], x[1], x[2], x[3], 1e6, 2e12);
        ck_assert(memcmp(&a, &b, sizeof a) == 0);
    }
}
END_TEST

/* Wave quantization against LLMCompass' real A100 GEMMs (tests/golden/perf_v2/
 * matmul_A100.csv, see SOURCE.md): M x 12288 x 12288 fp16 GEMMs from M = 512
 * (compute-bound) are within 4 % of the measured times with 108 SMs and
 * 128 x 256 tiles, and M = 512..4096 closer than without waves (which
 * leaves them 4-9 % short). */
START_TEST(wave_quantization_matches_a100_gemms)
{
    close_to(v2_matmul_wave_efficiency(1, 2048, 12288, 128, 108), 768.0 / 108 / 8);
    close_to(v2_matmul_wave_efficiency(1, 64, 12288, 128, 108), 1);     /* 48 tiles: split-K */
    close_to(v2_matmul_wave_efficiency(2, 128, 256, 128, 0), 1);        /* off */
    close_to(v2_matmul_wave_efficiency(3, 128, 256, 128, 2), 0.75);     /* 3 tiles, 2 waves */

    FILE *f = fopen("tests/golden/perf_v2/matmul_A100.csv", "r");
    ck_assert_msg(f != NULL, "tests/golden/perf_v2/matmul_A100.csv");
    v2_t waves = {.peak_flops = 312e12, .matmul_tile = 128, .matmul_units = 108,
                  .op_latency_s = 28e-6};
    v2_t flat = waves;
    flat.matmul_units = 0;
    double m, n, k, ms, tf;
    int checked = 0;
    while (fscanf(f, "%lf, %lf, %lf, %lfms, %lfTflops", &m, &n, &k, &ms, &tf) == 5) {
        if (n != 12288 || m < 512)
            continue;
        double bytes = 2 * (k * n + m * (k + n)), bw = 2.039e12 * 0.76;
        double t = v2_matmul(&waves, 0.93, 1, m, k, n, bytes, bw).time * 1e3;
        double t0 = v2_matmul(&flat, 0.93, 1, m, k, n, bytes, bw).time * 1e3;
        ck_assert_msg(fabs(t / ms - 1) < 0.04, "M %g: %g ms, measured %g", m, t, ms);
        ck_assert_msg(m > 4096 || fabs(t / ms - 1) < fabs(t0 / ms - 1), "M %g: waves %g, flat %g, measured %g",
                      m, t, t0, ms);
        checked++;
    }
    fclose(f);
    ck_assert_int_eq(checked, 7);
}
END_TEST

START_TEST(nonmatmul_bytes_and_time)
{
    v2_t v = {.act_fmt = &v2_formats[0], .op_latency_s = 1e-6, .fused_attention = true};
    v2_nonmatmul_t b = v2_nonmatmul_bytes(&v, 2, 4, 8, true, 6, 10);
    close_to(b.norms, 2 * (2 * 2 * 4 * 2.0));        /* 64: two norms read + write */
    close_to(b.residuals, 2 * (3 * 2 * 4 * 2.0));    /* 96: two adds */
    close_to(b.activation, 3 * 2 * 8 * 2.0);          /* 96: gate, up in, one out */
    close_to(b.rope, 2 * 2 * 6 * 2.0);                /* 48 */
    close_to(b.softmax, 0);                           /* fused */
    v.fused_attention = false;
    b = v2_nonmatmul_bytes(&v, 2, 4, 8, true, 6, 10);
    close_to(b.softmax, 2 * 10 * 2.0);
    /* 7 passes: norms 2, adds 2, activation, rope, softmax; 1 us each + bytes / bw */
    close_to(v2_nonmatmul_time(&v, &b, 1e9), 7e-6 + (64 + 96 + 96 + 48 + 40) / 1e9);
    close_to(b.quant, 0);                             /* bf16 GEMM inputs: no quantize pass */
}
END_TEST

/* FP8 GEMM inputs (TensorRT-LLM 1.0's FP8QDQLinearMethod): the residual
 * stream, norms, adds and RoPE stay bf16, the gated activation reads bf16
 * gate and up and writes FP8, and each norm's output is quantized by its own
 * pass (read 2, write 1 byte) before the QKV and FC1 GEMMs. */
START_TEST(fp8_activation_quantization)
{
    v2_t v = {.act_fmt = &v2_formats[2], .op_latency_s = 1e-6, .fused_attention = true};
    ck_assert_str_eq(v.act_fmt->name, "fp8");
    close_to(v2_elementwise_bytes(&v), 2);
    v2_nonmatmul_t b = v2_nonmatmul_bytes(&v, 2, 4, 8, true, 6, 10);
    close_to(b.norms, 2 * (2 * 2 * 4 * 2.0));          /* 64, as bf16 */
    close_to(b.residuals, 2 * (3 * 2 * 4 * 2.0));      /* 96 */
    close_to(b.activation, 2 * 2 * 8 * 2.0 + 2 * 8 * 1.0);   /* 64 + 16 */
    close_to(b.rope, 2 * 2 * 6 * 2.0);                 /* 48 */
    close_to(b.quant, 2 * 2 * 4 * (2 + 1.0));          /* 48: two passes of 24 */
    close_to(v2_act_quant_bytes(&v, 8192, 4096), 2.0 * 8192 * 4096 * 3);
    /* 8 passes: norms 2, adds 2, activation, rope, quantize 2 (softmax fused: 0 bytes, no time) */
    close_to(v2_nonmatmul_time(&v, &b, 1e9), 8e-6 + (64 + 96 + 80 + 48 + 48) / 1e9);
    /* ablation: every pass in the activation format again, no quantize pass */
    v.off = V2_OFF_ACT_QUANT;
    close_to(v2_elementwise_bytes(&v), 1);
    b = v2_nonmatmul_bytes(&v, 2, 4, 8, true, 6, 10);
    close_to(b.norms, 32);
    close_to(b.activation, 3 * 2 * 8 * 1.0);
    close_to(b.quant, 0);
}
END_TEST

START_TEST(lm_head_and_ablation_names)
{
    /* Llama 3 vocabulary 128256 x d 4096, bf16 head on 2 chips, 8 tokens */
    v2_t v = {.peak_flops = 2e15, .lm_head_peak_flops = 1e15, .matmul_tile = 0,
              .op_latency_s = 0, .vocab = 128256, .act_fmt = &v2_formats[2],
              .lm_head_fmt = &v2_formats[0]};
    matmul_lat_t r = v2_lm_head(&v, 1.0, 8, 4096, 2, 1e12);
    close_to(r.block_comp_time, 2.0 * 8 * 4096 * 64128 / 1e15);
    close_to(r.block_ldst_time, (4096.0 * 64128 * 2 + 8 * (4096 + 64128) * 1.0) / 1e12);
    v.vocab = 0;
    close_to(v2_lm_head(&v, 1.0, 8, 4096, 2, 1e12).time, 0);
    unsigned bits;
    char err[256];
    ck_assert(v2_off_parse("layouts, nonmatmul", &bits, err, sizeof err));
    ck_assert_uint_eq(bits, V2_OFF_LAYOUTS | V2_OFF_NONMATMUL);
    ck_assert(v2_off_parse("", &bits, err, sizeof err) && bits == 0);
    ck_assert(!v2_off_parse("layout", &bits, err, sizeof err));
    ck_assert_str_eq(err, "unknown v2 correction 'layout' (valid: gqa, formats, nonmatmul, "
                          "shape_efficiency, op_latency, layouts, kv_batch_sharding, lm_head, gqa_attention, waves, "
                          "k_overhead, act_quant, sustained_clock, collective_fixed, collective_library, l2_reuse)");
}
END_TEST

/* ---- layouts ------------------------------------------------------------------ */

/* ring all-reduce without start-up: 2 (p-1)/p bytes per chip */
static double ring_bytes(const void *ctx, double p, double bytes)
{
    (void)ctx;
    return p > 1 ? 2 * (p - 1) / p * bytes : 0;
}

START_TEST(layouts_splits_and_communication)
{
    /* the pass builds 1D first and takes 2D's layer from it (v2_2d_from_1d) */
    ck_assert_int_eq(v2_layouts[0].id, V2_LAYOUT_1D_WS);
    ck_assert_int_eq(v2_layouts[1].id, V2_LAYOUT_2D_WS);
    /* PaLM-like FFN: e = 8192, f = 4 e = 32768 on 64 chips */
    v2_split_t s1 = v2_layout_split(V2_LAYOUT_1D_WS, 64, 1, 8192, 32768);
    close_to(s1.weight_share, 1.0 / 64);
    close_to(s1.rows, 1);
    close_to(ring_bytes(NULL, 64, 16384), 32256);
    close_to(v2_layout_comm(V2_LAYOUT_1D_WS, &s1, 1, 8192, 32768, 2, 0, ring_bytes, NULL),
             32256);
    /* 2D: x = sqrt(64 x 8192 / 32768) = 4, yz = 16 */
    v2_split_t s2 = v2_layout_split(V2_LAYOUT_2D_WS, 64, 1, 8192, 32768);
    close_to(s2.x, 4);
    close_to(s2.yz, 16);
    /* over x: n f / yz = 2048 numbers (4096 bytes); over yz: n e / x = 2048 numbers */
    close_to(v2_layout_comm(V2_LAYOUT_2D_WS, &s2, 1, 8192, 32768, 2, 0, ring_bytes, NULL),
             2 * 3 / 4.0 * 4096 + 2 * 15 / 16.0 * 4096);   /* 13824 < 32256 */
    /* 2D beats 1D beyond t = 4 f / e = 16 chips, not below */
    v2_split_t s8 = v2_layout_split(V2_LAYOUT_2D_WS, 8, 1, 8192, 32768);
    ck_assert(v2_layout_comm(V2_LAYOUT_2D_WS, &s8, 1, 8192, 32768, 2, 0, ring_bytes, NULL) >=
              ring_bytes(NULL, 8, 16384));
    /* weight-gathered XYZ: rows split over all 64, full weights gathered */
    v2_split_t sg = v2_layout_split(V2_LAYOUT_WG_XYZ, 64, 256, 8192, 32768);
    close_to(sg.rows, 4);
    close_to(sg.weight_share, 1);
    close_to(v2_layout_comm(V2_LAYOUT_WG_XYZ, &sg, 256, 8192, 32768, 2, 1e6, ring_bytes, NULL),
             63 / 64.0 * 1e6);
    /* weight-gathered XY: z = cbrt(64) = 4 stationary, gathered over 16 */
    v2_split_t sxy = v2_layout_split(V2_LAYOUT_WG_XY, 64, 256, 8192, 32768);
    close_to(sxy.yz, 4);
    close_to(sxy.gather, 16);
    close_to(sxy.rows, 16);
    close_to(sxy.weight_share, 0.25);
    close_to(v2_layout_comm(V2_LAYOUT_WG_XY, &sxy, 256, 8192, 32768, 2, 1e6, ring_bytes, NULL),
             15 / 16.0 * 0.25e6 + 2 * 3 / 4.0 * 16 * 8192 * 2);
}
END_TEST

/* ---- the model table and configuration --------------------------------------- */

START_TEST(perf_model_table)
{
    char err[256];
    ck_assert_str_eq(perf_model_find("", err, sizeof err)->name, "reference");
    ck_assert_str_eq(perf_model_find("v2", err, sizeof err)->name, "v2");
    ck_assert_ptr_null(perf_model_find("v3", err, sizeof err));
    ck_assert_str_eq(err, "unknown perf_model 'v3' (valid: reference, v2)");
}
END_TEST

static int bind_system_text(const char *text, system_cfg_t **out, size_t *n, cfg_err_t *err)
{
    cfg_doc_t *doc = cfg_load_buffer("sys.yaml", text, strlen(text), err);
    if (!doc)
        return -1;
    int rc = sw_system_bind(doc, cfg_doc_root(doc), out, n, err);
    cfg_doc_free(doc);
    return rc;
}

START_TEST(config_keys_and_errors)
{
    system_cfg_t *s;
    size_t n;
    cfg_err_t err;
    ck_assert_int_eq(bind_system_text("num_servers: 1\nperf_model: [reference, v2]\n"
                                      "op_latency_s: 3.0e-6\n", &s, &n, &err), 0);
    ck_assert_uint_eq(n, 2);   /* a sweep dimension like any key */
    ck_assert_str_eq(s[0].perf_model, "reference");
    ck_assert_str_eq(s[1].perf_model, "v2");
    close_to(s[1].op_latency_s, 3e-6);
    close_to(s[1].matmul_tile, 128);
    ck_assert(s[1].fused_attention);
    free(s);
    ck_assert_int_eq(bind_system_text("num_servers: 1\nperf_model: v3\n", &s, &n, &err), -1);
    ck_assert_str_eq(err.msg, "sys.yaml:2:13: perf_model: unknown perf_model 'v3' (valid: reference, v2)");

    const char *model = "Model:\n  name: m\n  num_layers: 2\n  d: 64\n  num_heads: 4\n"
                        "  weight_format: fp7\n";
    cfg_doc_t *doc = cfg_load_buffer("m.yaml", model, strlen(model), &err);
    ck_assert_ptr_nonnull(doc);
    model_cfg_t m;
    ck_assert_int_eq(sw_model_bind(cfg_doc_root(doc), &m, &err), -1);
    ck_assert_str_eq(err.msg, "m.yaml:6:18: Model.weight_format: unknown number format 'fp7' "
                              "(valid: bf16, fp16, fp8, int8, fp4)");
    cfg_doc_free(doc);
    const char *moe = "Model:\n  name: m\n  num_layers: 2\n  d: 64\n  num_heads: 4\n"
                      "  num_experts: 8\n  experts_per_token: 9\n";
    doc = cfg_load_buffer("moe.yaml", moe, strlen(moe), &err);
    ck_assert_int_eq(sw_model_bind(cfg_doc_root(doc), &m, &err), -1);
    ck_assert_str_eq(err.msg, "moe.yaml:7:22: Model.experts_per_token: give 1..num_experts (8) with num_experts");
    cfg_doc_free(doc);
}
END_TEST

/* ---- a v2 system point end to end ------------------------------------------------ */

typedef struct {
    hw_constants_t hc;
    hw_points_t pts;
    const server_t *srv;
} hw_fixture_t;

static void load_tpuv4(hw_fixture_t *f)
{
    cfg_err_t err;
    hw_config_t cfg;
    ck_assert_int_eq(hw_constants_load("inputs/hardware/constant/7nm_default.yaml", &f->hc, &err), 0);
    ck_assert_int_eq(hw_config_load("inputs/hardware/config/tpuv4.yaml", &cfg, &err), 0);
    hw_stats_t st;
    ck_assert_int_eq(hw_engine_eval(&cfg, &f->hc, 1, &f->pts, &st), 0);
    hw_config_free(&cfg);
    ck_assert(f->pts.n_servers == 1 && f->pts.servers[0].valid);
    f->srv = &f->pts.servers[0];
}

static system_cfg_t v2_cfg(void)
{
    system_cfg_t c = {.allreduce_algo = "2d_ring", .num_servers = 16, .max_batch = 64,
                      .prefill_len = 1024, .generate_len = 256, .compute_perf_efficiency = 1,
                      .io_bandwidth_efficiency = 1, .weight_bandwidth_efficiency = 1,
                      .perf_model = "v2", .matmul_tile = 128, .fused_attention = true};
    return c;
}

START_TEST(system_gqa_traffic_and_layouts)
{
    hw_fixture_t f;
    load_tpuv4(&f);
    model_cfg_t gqa = llama70b(), mha = llama70b();
    mha.heads_per_kv_cache = 1;
    system_cfg_t cfg = v2_cfg();
    system_t *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    char msg[256];
    ck_assert_int_eq(system_prepare(a, f.srv, &f.hc, &gqa, &cfg, msg, sizeof msg), SYSTEM_OK);
    ck_assert_int_eq(system_prepare(b, f.srv, &f.hc, &mha, &cfg, msg, sizeof msg), SYSTEM_OK);
    ck_assert_str_eq(a->perf_model->name, "v2");
    /* sizing sees the v2 KV bytes: 80 x 8 x 2 x 128 x 2 */
    close_to(a->model.kv_cache_size_per_token_byte, 327680);
    /* decode on 8 chips (8 K/V heads, one per chip), 16 sequences: the
     * attention matmuls read 1/8 of the K/V bytes of the multi-head model */
    micro_batch_t ga, ma;
    perf_micro_batch(a, STAGE_GENERATE, 8, 8, 16, &ga);
    perf_micro_batch(b, STAGE_GENERATE, 8, 8, 16, &ma);
    double ctx = 1024 + 256 / 2.0;
    double kv_bytes_chip = 16 * ctx * 2048 * 2 / 8;  /* 8 K/V heads over 8 chips */
    double q_bytes = 16 * 8192 / 8.0 * 2;
    close_to(ga.atten_matmul1.block_ldst_time + ga.atten_matmul2.block_ldst_time,
             (kv_bytes_chip + 2 * q_bytes) / a->weight_bw_per_chip);
    close_to(ma.atten_matmul1.block_ldst_time + ma.atten_matmul2.block_ldst_time,
             (8 * kv_bytes_chip + 2 * q_bytes) / b->weight_bw_per_chip);
    ck_assert_int_eq(ga.kv_batch_sharded, 0);
    /* 64 chips, more than the 8 K/V heads: K/V sharded over the batch */
    micro_batch_t gb;
    perf_micro_batch(a, STAGE_GENERATE, 64, 1, 64, &gb);
    ck_assert_int_eq(gb.kv_batch_sharded, 1);
    ck_assert(gb.atten_communication1 > 0);
    /* decode on 64 chips picks a weight-stationary layout; a big prefill
     * batch may gather weights: whatever it picks is the fastest */
    ck_assert(gb.layout == V2_LAYOUT_1D_WS || gb.layout == V2_LAYOUT_2D_WS);
    ck_assert(gb.nonmatmul > 0);
    ck_assert(isfinite(gb.total) && gb.total > 0);
    /* the search runs end to end and is deterministic */
    system_result_t r1, r2;
    char err[256];
    ck_assert(perf_system_eval(f.srv, &f.hc, &gqa, &cfg, &r1, err, sizeof err));
    ck_assert(perf_system_eval(f.srv, &f.hc, &gqa, &cfg, &r2, err, sizeof err));
    ck_assert(r1.valid);
    for (int i = 0; i < r1.n_batch; i++) {
        const perf_t *p1 = perf_system_best(&r1, i, OBJ_GENERATE_LATENCY);
        const perf_t *p2 = perf_system_best(&r2, i, OBJ_GENERATE_LATENCY);
        ck_assert(p1 && p2 && p1->generate_latency == p2->generate_latency);
    }
    perf_system_result_free(&r1);
    perf_system_result_free(&r2);
    free(a);
    free(b);
    hw_points_free(&f.pts);
}
END_TEST

START_TEST(system_fp8_on_chip_without_fp8)
{
    hw_fixture_t f;
    load_tpuv4(&f);   /* TPUv4: no perf_fp8 */
    model_cfg_t m = llama70b();
    snprintf(m.weight_format, sizeof m.weight_format, "fp8");
    snprintf(m.act_format, sizeof m.act_format, "fp8");
    system_cfg_t cfg = v2_cfg();
    system_t *s = malloc(sizeof *s);
    char msg[256];
    ck_assert_int_eq(system_prepare(s, f.srv, &f.hc, &m, &cfg, msg, sizeof msg), SYSTEM_OK);
    close_to(s->v2.peak_flops, 275e12);           /* fp8 at the bf16 rate */
    close_to(s->model.model_size_byte, 68451041280.0);
    free(s);
    hw_points_free(&f.pts);
}
END_TEST

/* A small MoE model (8 experts, top 2, 1 shared, first layer dense) and an
 * MLA model run through the v2 pass; decode reads only the experts its
 * tokens touch. */
START_TEST(system_moe_and_mla_passes)
{
    hw_fixture_t f;
    load_tpuv4(&f);
    model_cfg_t m = small_moe();
    system_cfg_t cfg = v2_cfg();
    system_t *s = malloc(sizeof *s);
    char msg[256];
    ck_assert_int_eq(system_prepare(s, f.srv, &f.hc, &m, &cfg, msg, sizeof msg), SYSTEM_OK);
    micro_batch_t g;
    perf_micro_batch(s, STAGE_GENERATE, 8, 1, 1, &g);
    ck_assert(isfinite(g.total) && g.total > 0);
    /* one token, top 2: 2 of the 8 experts (2/8 of them per chip) on 3 of 4 layers */
    double expert_bytes = 3.0 * 1024 * 512 * 2;
    double routed = 2.0 / 8 * (expert_bytes + 1 * (1024 + 3 * 512) * 2.0);
    ck_assert(g.fc1.block_ldst_time < 8.0 / 8 * expert_bytes / s->weight_bw_per_chip);
    ck_assert(g.fc1.block_ldst_time > 0.75 * routed / s->weight_bw_per_chip);
    model_cfg_t mla = {.name = "mla", .num_layers = 4, .d = 1024, .num_heads = 8, .d_ff = 4096,
                       .act = "swiglu", .kv_lora_rank = 128, .qk_rope_head_dim = 32,
                       .qk_nope_head_dim = 64, .v_head_dim = 64};
    ck_assert_int_eq(system_prepare(s, f.srv, &f.hc, &mla, &cfg, msg, sizeof msg), SYSTEM_OK);
    close_to(s->model.kv_cache_size_per_token_byte, 4 * (128 + 32) * 2.0);
    perf_micro_batch(s, STAGE_GENERATE, 8, 1, 16, &g);
    ck_assert(isfinite(g.total) && g.total > 0);
    ck_assert_int_eq(g.kv_batch_sharded, 1);   /* one latent "head", 8 chips, 16 sequences */
    free(s);
    hw_points_free(&f.pts);
}
END_TEST

/* The search builds each stage size's parts once in its memo and hands them
 * to every pass of that size (perf_model_t.stage_init, micro_batch_at): the
 * passes of the winners it keeps are the bits perf_micro_batch gives for
 * the same mapping alone (parts built for that pass), for dense and MoE
 * models, with and without an LM head, dispatch costs and wave
 * quantization. */
static void same_pass(const micro_batch_t *a, const micro_batch_t *b)
{
    const double x[] = {a->total, a->pipeline_stage, a->compute, a->communication, a->stage2stage,
                        a->atten_qkv.time, a->atten_matmul1.time, a->atten_matmul2.time,
                        a->atten_fc.time, a->fc1.time, a->fc2.time, a->nonmatmul, a->lm_head,
                        a->atten_communication1, a->atten_communication2, a->fc_communication};
    const double y[] = {b->total, b->pipeline_stage, b->compute, b->communication, b->stage2stage,
                        b->atten_qkv.time, b->atten_matmul1.time, b->atten_matmul2.time,
                        b->atten_fc.time, b->fc1.time, b->fc2.time, b->nonmatmul, b->lm_head,
                        b->atten_communication1, b->atten_communication2, b->fc_communication};
    ck_assert(memcmp(x, y, sizeof x) == 0);
    ck_assert_int_eq(a->layout, b->layout);
    ck_assert_int_eq(a->kv_batch_sharded, b->kv_batch_sharded);
}

START_TEST(search_stage_parts_match_single_passes)
{
    hw_fixture_t f;
    load_tpuv4(&f);
    model_cfg_t models[3] = {llama70b(), llama70b(), small_moe()};
    models[1].vocab_size = 128256;
    int checked = 0;
    for (int variant = 0; variant < 2; variant++)
        for (int i = 0; i < 3; i++) {
            system_cfg_t cfg = v2_cfg();
            if (variant) {
                cfg.collective_fixed_s = 5e-6;
                cfg.matmul_units = 132;
            }
            system_result_t r;
            char err[256];
            ck_assert_msg(perf_system_eval(f.srv, &f.hc, &models[i], &cfg, &r, err, sizeof err), "%s", err);
            ck_assert(r.valid);
            for (int b = 0; b < r.n_batch; b++)
                for (int o = 0; o < OBJ_COUNT; o++) {
                    const perf_t *best = perf_system_best(&r, b, (perf_objective_t)o);
                    if (!best)
                        continue;
                    micro_batch_t pre, gen;
                    perf_micro_batch(&r.sys, STAGE_PREFILL, best->map.t, best->map.p,
                                     best->map.prefill_micro_batch, &pre);
                    perf_micro_batch(&r.sys, STAGE_GENERATE, best->map.t, best->map.p,
                                     best->map.micro_batch, &gen);
                    same_pass(&best->prefill_mb, &pre);
                    same_pass(&best->generate_mb, &gen);
                    checked++;
                }
            perf_system_result_free(&r);
        }
    ck_assert_int_gt(checked, 100);
    hw_points_free(&f.pts);
}
END_TEST

/* ---- validation table --------------------------------------------------------------- */

START_TEST(validation_summary)
{
    double e[] = {0.10, -0.30, 0.05, -0.02};
    val_summary_t s = val_summarize(e, 4);
    close_to(s.median, 7.5);
    close_to(s.mean, 11.75);
    close_to(s.max, 30);
    close_to(s.within_25, 3);
}
END_TEST

/* PaLM 540B (Chowdhery et al. 2022, Table 1: 540.35B parameters; 118 layers,
 * d 18432, 48 heads of 256, multi-query, d_ff 73728 SwiGLU, 256k tied
 * vocabulary): v2 counts 540,354,281,472 (norms aside); int8 weights are a
 * byte each, the multi-query bf16 KV cache 118 x 512 numbers per token.
 * The validation rows from Pope et al. Table 2 predict, and decode_s is
 * output_len decode steps. */
START_TEST(palm540b_sizes_and_pope_rows)
{
    model_cfg_t m = {.name = "palm540b", .num_layers = 118, .d = 18432, .num_heads = 48,
                     .d_ff = 73728, .heads_per_kv_cache = 48, .act = "swiglu",
                     .vocab_size = 256000, .tied_embeddings = true, .weight_format = "int8"};
    v2_t v;
    char err[256];
    ck_assert(v2_sizes(&v, &m, 18432, 48, 256, 73728, 48, true, 118, err, sizeof err));
    close_to(v.params, 540354281472.0);
    ck_assert(fabs(v.params / 540.35e9 - 1) < 1e-5);
    close_to(v.weight_bytes, 540354281472.0);
    close_to(v.kv_bytes_per_token, 118 * 512 * 2.0);

    val_row_t *rows;
    size_t n;
    cfg_err_t cerr;
    ck_assert_int_eq(val_table_load("validation/measurements.csv", &rows, &n, &cerr), 0);
    hw_constants_t hc;
    ck_assert_int_eq(hw_constants_load("inputs/hardware/constant/7nm_default.yaml", &hc, &cerr), 0);
    int pope = 0;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(rows[i].id, "pope-540b-", 10) != 0)
            continue;
        pope++;
        ck_assert_str_eq(rows[i].hardware, "TPU v4");
        ck_assert(rows[i].tp == 64);
        if (strcmp(rows[i].metric, "decode_s") != 0)
            continue;
        double total, step;
        char why[512];
        ck_assert_msg(val_predict(&rows[i], "v2", 0, &hc, &total, why, sizeof why), "%s", why);
        val_row_t r = rows[i];
        snprintf(r.metric, sizeof r.metric, "decode_s_per_token");
        ck_assert_msg(val_predict(&r, "v2", 0, &hc, &step, why, sizeof why), "%s", why);
        close_to(total, 64 * step);
    }
    ck_assert_int_eq(pope, 4);
    free(rows);
}
END_TEST

START_TEST(validation_table_loads_and_predicts)
{
    val_row_t *rows;
    size_t n;
    cfg_err_t err;
    ck_assert_int_eq(val_table_load("validation/measurements.csv", &rows, &n, &err), 0);
    ck_assert_uint_ge(n, 15);
    hw_constants_t hc;
    ck_assert_int_eq(hw_constants_load("inputs/hardware/constant/7nm_default.yaml", &hc, &err), 0);
    for (size_t i = 0; i < n; i++) {
        double ref, v2;
        char why[512];
        ck_assert_msg(val_predict(&rows[i], "reference", 0, &hc, &ref, why, sizeof why), "%s", why);
        ck_assert_msg(val_predict(&rows[i], "v2", 0, &hc, &v2, why, sizeof why), "%s", why);
    }
    free(rows);
    FILE *f = fopen("/tmp/hwsweep_bad_table.csv", "w");
    ck_assert_ptr_nonnull(f);
    fputs("id,source,hardware,model,precision,parallelism,batch,input_len,output_len,metric,value,"
          "hw_file,model_file,system_file\n"
          "x,s,H,M,fp8,TP1,1,128,128,throughput,5,h.yaml,m.yaml,s.yaml\n", f);
    fclose(f);
    ck_assert_int_eq(val_table_load("/tmp/hwsweep_bad_table.csv", &rows, &n, &err), -1);
    ck_assert_str_eq(err.msg, "/tmp/hwsweep_bad_table.csv:2:1: metric: unknown metric 'throughput' (valid: "
                              "layer_prefill_s, decode_step_s, prefill_s, decode_s_per_token, "
                              "decode_s, throughput_tok_s, static_throughput_tok_s_per_gpu)");
    remove("/tmp/hwsweep_bad_table.csv");
}
END_TEST

/* FP8 GEMM inputs do not shrink the tensor-parallel all-reduces: what is
 * reduced is GEMM outputs, which stay in the 16-bit stream (act_quant);
 * with the correction off they travel at 1 byte. */
START_TEST(fp8_activations_reduce_in_16_bits)
{
    hw_fixture_t f;
    load_tpuv4(&f);
    model_cfg_t fp8 = llama70b(), bf16 = llama70b();
    snprintf(fp8.weight_format, sizeof fp8.weight_format, "fp8");
    snprintf(fp8.act_format, sizeof fp8.act_format, "fp8");
    snprintf(bf16.weight_format, sizeof bf16.weight_format, "fp8");
    system_cfg_t cfg = v2_cfg();
    cfg.v2_off = V2_OFF_LAYOUTS;
    system_t *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    char msg[256];
    ck_assert_int_eq(system_prepare(a, f.srv, &f.hc, &fp8, &cfg, msg, sizeof msg), SYSTEM_OK);
    ck_assert_int_eq(system_prepare(b, f.srv, &f.hc, &bf16, &cfg, msg, sizeof msg), SYSTEM_OK);
    micro_batch_t oa, ob;
    perf_micro_batch(a, STAGE_PREFILL, 8, 1, 4, &oa);
    perf_micro_batch(b, STAGE_PREFILL, 8, 1, 4, &ob);
    ck_assert(oa.atten_communication2 > 0);
    close_to(oa.atten_communication2, ob.atten_communication2);
    close_to(oa.fc_communication, ob.fc_communication);
    cfg.v2_off = V2_OFF_LAYOUTS | V2_OFF_ACT_QUANT;
    ck_assert_int_eq(system_prepare(a, f.srv, &f.hc, &fp8, &cfg, msg, sizeof msg), SYSTEM_OK);
    perf_micro_batch(a, STAGE_PREFILL, 8, 1, 4, &oa);
    ck_assert(oa.atten_communication2 < ob.atten_communication2);
    free(a);
    free(b);
    hw_points_free(&f.pts);
}
END_TEST

static Suite *v2_suite(void)
{
    Suite *s = suite_create("perf_v2");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, formats_bytes_and_errors);
    tcase_add_test(tc, peak_per_format);
    tcase_add_test(tc, gqa_kv_heads_and_sizes);
    tcase_add_test(tc, mla_and_moe_sizes);
    tcase_add_test(tc, hf_config_v2_keys);
    tcase_add_test(tc, matmul_shape_efficiency_and_memory_time);
    tcase_add_test(tc, wave_quantization_matches_a100_gemms);
    tcase_add_test(tc, nonmatmul_bytes_and_time);
    tcase_add_test(tc, fp8_activation_quantization);
    tcase_add_test(tc, fp8_activations_reduce_in_16_bits);
    tcase_add_test(tc, lm_head_and_ablation_names);
    tcase_add_test(tc, layouts_splits_and_communication);
    tcase_add_test(tc, matmul_tile_inverse_is_bit_identical);
    tcase_add_test(tc, perf_model_table);
    tcase_add_test(tc, config_keys_and_errors);
    tcase_add_test(tc, system_gqa_traffic_and_layouts);
    tcase_add_test(tc, system_fp8_on_chip_without_fp8);
    tcase_add_test(tc, system_moe_and_mla_passes);
    tcase_add_test(tc, search_stage_parts_match_single_passes);
    tcase_add_test(tc, validation_summary);
    tcase_add_test(tc, validation_table_loads_and_predicts);
    tcase_add_test(tc, palm540b_sizes_and_pope_rows);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(v2_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
