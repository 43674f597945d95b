/*
 * matmul.c -- matmul latency models.  roofline: max of compute time at the
 * chip's derated peak and the time to stream B.  WS: B is tiled onto num_sa
 * systolic arrays of sa_width x sa_width with acc_depth accumulators; each
 * block loads its weights and computes, overlapped across blocks.
 */
#include <math.h>
#include <stdio.h>

#include "config/named.h"
#include "config/numfmt.h"
#include "perf/matmul.h"

static matmul_lat_t matmul_roofline(const matmul_chip_t *c, double stacks, double I,
                                    double J, double K, double weight_bw)
{
    matmul_lat_t r;
    double num_ops = stacks * I * J * K * 2;
    r.block_comp_time = num_ops / (c->chip->perf * c->compute_perf_efficiency);
    r.block_ldst_time = stacks * (J * K) * MATMUL_DATA_BYTES / weight_bw;
    r.time = py_max(r.block_comp_time, r.block_ldst_time);
    return r;
}

static matmul_lat_t matmul_ws(const matmul_chip_t *c, double stacks, double I, double J,
                              double K, double weight_bw)
{
    const chip_t *chip = c->chip;
    double stacks_per_core, k_per_core;
    if (stacks > chip->num_sa) {
        stacks_per_core = ceil(stacks / chip->num_sa);
        k_per_core = K;
    } else {
        stacks_per_core = 1;
        double cores_per_stack = floor(chip->num_sa / stacks);
        k_per_core = ceil(K / cores_per_stack);
    }
    double i_hat = ceil(I / chip->acc_depth / 2);
    double j_hat = ceil(J / chip->sa_width);
    double k_hat = ceil(k_per_core / chip->sa_width);
    double i_bar = ceil(I / i_hat);
    double j_bar = ceil(J / j_hat);
    double k_bar = ceil(k_per_core / k_hat);

    matmul_lat_t r;
    r.block_ldst_time = (j_bar * k_bar) / (weight_bw / chip->num_sa);
    r.block_comp_time = ceil(py_max(2 * chip->sa_width + i_bar, 2 * i_bar) / 2) / chip->freq;
    double max_block_time = py_max(r.block_ldst_time, r.block_comp_time);
    r.time = stacks_per_core * (r.block_ldst_time + r.block_comp_time +
                                (i_hat * j_hat * k_hat - 1) * max_block_time);
    return r;
}

const matmul_dataflow_t matmul_dataflows[] = {
    {"roofline", matmul_roofline},
    {"WS", matmul_ws},
};
const size_t matmul_dataflow_count = sizeof matmul_dataflows / sizeof matmul_dataflows[0];

const matmul_dataflow_t *matmul_find(const char *name, char *err, size_t errlen)
{
    long i = named_find(matmul_dataflows, matmul_dataflow_count, sizeof matmul_dataflows[0], name, "dataflow", err, errlen);
    return i < 0 ? NULL : &matmul_dataflows[i];
}
