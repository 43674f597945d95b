/*
 * v2_ops.c -- one chip's operators in perf_model v2: matmul efficiency by
 * shape (tile quantization), memory time by transfer size (fixed start-up
 * latency plus streaming), and the memory-bound non-matmul operators
 * (norms, residual adds, activation, RoPE, unfused softmax).  Replaces
 * matmul.c's matmul_roofline for v2 passes.
 *
 * Sources: tile and wave quantization are the two shape effects NVIDIA's
 * "Matrix Multiplication Background User's Guide" (Deep Learning
 * Performance docs) describes; the default tile edge 128 is the TPU v4
 * MXU's 128 x 128 systolic array (Jouppi et al., ISCA 2023) and the row
 * tile of cuBLAS/CUTLASS's large Ampere/Hopper kernels (128 x 256).  The
 * wave model reproduces LLMCompass' real A100 GEMMs (tests/golden/perf_v2/
 * matmul_A100.csv, tests/test_perf_v2.c).  The per-output-tile fixed cost
 * (v2_matmul_k_efficiency) is fitted on published Hopper FP8 GEMM tables
 * whose K varies at fixed M and N: DeepGEMM's README (H800, M = 4096) and
 * TileLang's FP8 matmul benchmark (H800 SXM, M = N = 8192), vendored in
 * tests/golden/perf_v2/hopper_fp8_gemm_k.csv.  The non-matmul byte counts are
 * the operators' definitions: a norm reads and writes the activation, a
 * residual add reads two and writes one, a gated activation reads gate and
 * up and writes one, RoPE rewrites Q and K, an unfused softmax reads and
 * writes the scores.
 */
#include <math.h>
#include <stdint.h>

#include "perf/v2_model.h"

double v2_matmul_shape_efficiency(double m, double n, double k, double tile)
{
    v2_t v = {0};
    v.matmul_tile = tile;
    v2_dim_t dm = v2_dim(&v, m), dn = v2_dim(&v, n), dk = v2_dim(&v, k);
    return dm.fill * dn.fill * dk.fill;
}

double v2_exact_inverse(double x)
{
    int e;
    return x > 0 && frexp(x, &e) == 0.5 ? 1 / x : 0;
}

double v2_matmul_k_efficiency(double k, double k_overhead)
{
    if (!(k_overhead > 0) || !(k > 0))
        return 1;
    return k / (k + k_overhead);
}

double v2_gemm_efficiency(const v2_t *v, double compute_efficiency, double k)
{
    return compute_efficiency * v2_matmul_k_efficiency(k, v->matmul_k_overhead);
}

double v2_matmul_wave_efficiency(double stacks, double m, double n, double tile, double units)
{
    v2_t v = {0};
    v.matmul_tile = tile;
    v2_dim_t dm = v2_dim(&v, m), dn = v2_dim(&v, n);
    return v2_wave_efficiency_dims(stacks, &dm, &dn, tile, units);
}

double v2_mem_time(double bytes, double bw, double latency_s)
{
    if (!(bytes > 0))
        return 0;
    return latency_s + bytes / bw;
}

double v2_kv_reread_factor(double group, double dram_bytes_per_s, double l2_bytes_per_s)
{
    if (!(group > 1) || !(l2_bytes_per_s > 0) || !(dram_bytes_per_s > 0))
        return group > 1 ? group : 1;
    double f = group * dram_bytes_per_s / l2_bytes_per_s;
    return f < 1 ? 1 : f > group ? group : f;
}

matmul_lat_t v2_matmul(const v2_t *v, double compute_efficiency, double stacks, double m,
                       double k, double n, double bytes, double bw)
{
    return v2_matmul_at(v, v->peak_flops, compute_efficiency, stacks, m, k, n, bytes, bw);
}

matmul_lat_t v2_matmul_at(const v2_t *v, double peak_flops, double compute_efficiency,
                          double stacks, double m, double k, double n, double bytes, double bw)
{
    v2_dim_t dm = v2_dim(v, m), dk = v2_dim(v, k), dn = v2_dim(v, n);
    return v2_matmul_dims(v, peak_flops, compute_efficiency, stacks, &dm, &dk, &dn, bytes, bw);
}

double v2_elementwise_bytes(const v2_t *v)
{
    double a = v->act_fmt->bytes;
    return a < 2 && !(v->off & V2_OFF_ACT_QUANT) ? 2 : a;
}

double v2_act_quant_bytes(const v2_t *v, double tokens, double d)
{
    double e = v2_elementwise_bytes(v), a = v->act_fmt->bytes;
    return e > a ? 2 * tokens * d * (e + a) : 0;
}

v2_nonmatmul_t v2_nonmatmul_bytes(const v2_t *v, double tokens, double d, double d_ff_chip,
                                  bool gated, double qk_cols_chip, double scores)
{
    double a = v->act_fmt->bytes, e = v2_elementwise_bytes(v);
    v2_nonmatmul_t b;
    b.norms = 2 * (2 * tokens * d * e);                 /* two norms: read + write */
    b.residuals = 2 * (3 * tokens * d * e);             /* two adds: 2 reads + 1 write */
    /* gate and up as the GEMM wrote them, the product in the next GEMM's format */
    b.activation = (gated ? 2 : 1) * tokens * d_ff_chip * e + tokens * d_ff_chip * a;
    b.rope = 2 * tokens * qk_cols_chip * e;             /* Q and K rotated in place */
    b.softmax = v->fused_attention ? 0 : 2 * scores * e;
    b.quant = v2_act_quant_bytes(v, tokens, d);
    return b;
}

double v2_nonmatmul_time(const v2_t *v, const v2_nonmatmul_t *b, double bw)
{
    double lat = v->op_latency_s;
    return v2_mem_time(b->norms / 2, bw, lat) * 2 + v2_mem_time(b->residuals / 2, bw, lat) * 2 +
           v2_mem_time(b->activation, bw, lat) + v2_mem_time(b->rope, bw, lat) +
           v2_mem_time(b->softmax, bw, lat) + v2_mem_time(b->quant / 2, bw, lat) * 2;
}
