/*
 * v2_ops.c -- one chip's operators in perf_model v2: matmul efficiency by
 * shape (tile quantization), memory time by transfer size (fixed start-up
 * latency plus streaming), and the memory-bound non-matmul operators
 * (norms, residual adds, activation, RoPE, unfused softmax).  Replaces
 * matmul.c's matmul_roofline for v2 passes.  The formulas a pass repeats
 * many times (v2_mem_time, the GEMM K efficiency, the element-wise and
 * non-matmul bytes and time) are static inline in v2_model.h; their
 * sources are the ones below.
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



double v2_matmul_wave_efficiency(double stacks, double m, double n, double tile, double units)
{
    v2_t v = {0};
    v.matmul_tile = tile;
    v.matmul_units = units;
    v2_dim_t dm = v2_dim(&v, m), dn = v2_dim(&v, n);
    return v2_wave_efficiency_dims(stacks, &dm, &dn, tile, units);
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




