/*
 * npu_golden.h -- helpers for the NPU tests: read NeuSim's CSVs (quoted
 * cells, header row) and look cells up by column name, fill the TPUv2, TPUv5p and
 * TPUv6e chips from spec neusim.md 1.2 (with the derived values of 1.1),
 * and turn a perf-only CSV row into the energy model's operator record.
 */
#ifndef TESTS_NPU_GOLDEN_H
#define TESTS_NPU_GOLDEN_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu/npu.h"
#include "npu/npu_energy.h"

typedef struct {
    size_t rows, cols;      /* rows excludes the header */
    char **head;
    char ***cell;
} ncsv_t;

/* One CSV record (RFC 4180 quoting) from *p; advances *p past the line. */
static char **ncsv_record(const char **p, size_t *n)
{
    size_t cap = 128, k = 0;
    char **out = malloc(cap * sizeof *out);
    const char *s = *p;
    for (;;) {
        char buf[4096];
        size_t len = 0;
        if (*s == '"') {
            s++;
            while (*s && !(*s == '"' && s[1] != '"')) {
                if (*s == '"')
                    s++;
                if (len + 1 < sizeof buf)
                    buf[len++] = *s;
                s++;
            }
            if (*s == '"')
                s++;
        } else {
            while (*s && *s != ',' && *s != '\r' && *s != '\n')
                if (len + 1 < sizeof buf)
                    buf[len++] = *s++;
                else
                    s++;
        }
        buf[len] = '\0';
        if (k == cap)
            out = realloc(out, (cap *= 2) * sizeof *out);
        out[k++] = strdup(buf);
        if (*s == ',') {
            s++;
            continue;
        }
        while (*s == '\r' || *s == '\n')
            s++;
        break;
    }
    *p = s;
    *n = k;
    return out;
}

static int ncsv_read(const char *path, ncsv_t *t)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)len + 1);
    size_t got = fread(text, 1, (size_t)len, f);
    fclose(f);
    text[got] = '\0';
    memset(t, 0, sizeof *t);
    const char *p = text;
    t->head = ncsv_record(&p, &t->cols);
    size_t cap = 64;
    t->cell = malloc(cap * sizeof *t->cell);
    while (*p) {
        size_t n;
        char **r = ncsv_record(&p, &n);
        if (n != t->cols) {
            free(text);
            return -2;
        }
        if (t->rows == cap)
            t->cell = realloc(t->cell, (cap *= 2) * sizeof *t->cell);
        t->cell[t->rows++] = r;
    }
    free(text);
    return 0;
}

static void ncsv_free(ncsv_t *t)
{
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++)
            free(t->cell[r][c]);
        free(t->cell[r]);
    }
    for (size_t c = 0; c < t->cols; c++)
        free(t->head[c]);
    free(t->head);
    free(t->cell);
}

static long ncsv_col(const ncsv_t *t, const char *name)
{
    for (size_t c = 0; c < t->cols; c++)
        if (strcmp(t->head[c], name) == 0)
            return (long)c;
    return -1;
}

static const char *ncsv_str(const ncsv_t *t, size_t r, const char *name)
{
    long c = ncsv_col(t, name);
    if (c < 0) {
        fprintf(stderr, "no column %s\n", name);
        abort();
    }
    return t->cell[r][c];
}

static double ncsv_num(const ncsv_t *t, size_t r, const char *name)
{
    const char *s = ncsv_str(t, r, name);
    return s[0] ? strtod(s, NULL) : 0;
}

/* A chip of spec 1.2 with the derived values of 1.1. */
static void test_chip_derive(npu_chip_t *c)
{
    c->vmem_bw_GBps = c->num_vu_ports * c->freq_GHz * 8 * 128 * 4;
    c->peak_SA_tflops = c->num_sa * (double)c->sa_dim * c->sa_dim * 2 * c->freq_GHz / 1000;
    c->peak_VU_tflops = c->num_vu * 1024 * c->freq_GHz / 1000;
    c->peak_tflops = c->peak_SA_tflops + c->peak_VU_tflops;
    c->static_power_sa_W = c->static_power_W_per_sa * c->num_sa;
    c->static_power_vu_W = c->static_power_W_per_vu * c->num_vu;
    c->static_power_hbm_W = c->static_power_hbm_mc_W + c->static_power_hbm_phy_W;
    c->static_power_W = c->static_power_sa_W + c->static_power_vu_W + c->static_power_vmem_W +
                        c->static_power_ici_W + c->static_power_hbm_W + c->static_power_other_W;
    c->dynamic_power_sa_W = c->dynamic_power_W_per_SA * c->num_sa;
    c->dynamic_power_vu_W = c->dynamic_power_W_per_VU * c->num_vu;
    c->dynamic_power_hbm_W = c->hbm_bw_GBps * c->dynamic_power_hbm_W_per_GBps;
    c->dynamic_power_ici_W = c->ici_bw_GBps * c->dynamic_power_ici_W_per_GBps;
    c->dynamic_power_peak_W = c->dynamic_power_sa_W + c->dynamic_power_vu_W + c->dynamic_power_vmem_W +
                              c->dynamic_power_ici_W + c->dynamic_power_hbm_W + c->dynamic_power_other_W;
    c->total_power_peak_W = c->static_power_W + c->dynamic_power_peak_W;
}

static void test_chip_common(npu_chip_t *c)
{
    memset(c, 0, sizeof *c);
    c->hbm_latency_ns = 500;
    c->pcie_bw_GBps = 32;
    c->ici_latency_ns = 3330;
    c->dcn_latency_ns = 3700;
    c->pcie_latency_ns = 400;
    c->use_vu_for_small_matmul = true;
    snprintf(c->pg_config, sizeof c->pg_config, "NoPG");
    c->TDP_W = 350;
    c->min_power_W = 1;
    c->avg_power_W = 1;
    c->max_power_W = 331;
    c->HBM_GBps_per_W = 123.5;
    c->ICI_GBps_per_W = 56.583;
    c->dynamic_power_other_W = 0;
}

static void test_chip_tpuv5p(npu_chip_t *c)
{
    test_chip_common(c);
    snprintf(c->name, sizeof c->name, "5p");
    c->num_sa = 8, c->num_vu = 6, c->num_vu_ports = 6, c->sa_dim = 128;
    c->hbm_bw_GBps = 2765, c->vmem_size_MB = 128, c->freq_GHz = 1.7, c->hbm_size_GB = 95;
    c->ici_bw_GBps = 200, c->dcn_bw_GBps = 25;
    snprintf(c->ici_topology, sizeof c->ici_topology, "TORUS_3D");
    c->ici_axes = 3;
    c->embodied_carbon_kgCO2 = 585;
    c->static_power_W_per_sa = 1.35868996, c->static_power_W_per_vu = 0.475076728;
    c->static_power_vmem_W = 24.21353615, c->static_power_ici_W = 6.114104803;
    c->static_power_hbm_mc_W = 10.264041296, c->static_power_hbm_phy_W = 15.396061944;
    c->static_power_other_W = 44.82811018;
    c->dynamic_power_W_per_SA = 28.19413333, c->dynamic_power_W_per_VU = 2.65216;
    c->dynamic_power_vmem_W = 50.18368;
    c->dynamic_power_ici_W_per_GBps = 0.01767315271, c->dynamic_power_hbm_W_per_GBps = 0.01261538462;
    test_chip_derive(c);
}

static void test_chip_tpuv6e(npu_chip_t *c)
{
    test_chip_common(c);
    snprintf(c->name, sizeof c->name, "6e");
    c->num_sa = 4, c->num_vu = 4, c->num_vu_ports = 4, c->sa_dim = 256;
    c->hbm_bw_GBps = 1640, c->vmem_size_MB = 128, c->freq_GHz = 1.75, c->hbm_size_GB = 32;
    c->ici_bw_GBps = 224, c->dcn_bw_GBps = 25;
    snprintf(c->ici_topology, sizeof c->ici_topology, "TORUS_2D");
    c->ici_axes = 2;
    c->embodied_carbon_kgCO2 = 692;
    c->static_power_W_per_sa = 1.777942858, c->static_power_W_per_vu = 0.1554179582;
    c->static_power_vmem_W = 37.07309859, c->static_power_ici_W = 3.000278571;
    c->static_power_hbm_mc_W = 7.10422264, c->static_power_hbm_phy_W = 10.65633396;
    c->static_power_other_W = 41.27610279;
    c->dynamic_power_W_per_SA = 31.57742933, c->dynamic_power_W_per_VU = 0.7426048;
    c->dynamic_power_vmem_W = 28.1028608;
    c->dynamic_power_ici_W_per_GBps = 0.01262060716, c->dynamic_power_hbm_W_per_GBps = 0.008830769231;
    test_chip_derive(c);
}

static void test_chip_tpuv2(npu_chip_t *c)
{
    test_chip_common(c);
    snprintf(c->name, sizeof c->name, "2");
    c->num_sa = 2, c->num_vu = 4, c->num_vu_ports = 2, c->sa_dim = 128;
    c->hbm_bw_GBps = 600, c->vmem_size_MB = 32, c->freq_GHz = 0.7, c->hbm_size_GB = 16;
    c->ici_bw_GBps = 125, c->dcn_bw_GBps = 12.5;
    snprintf(c->ici_topology, sizeof c->ici_topology, "TORUS_2D");
    c->ici_axes = 2;
    c->TDP_W = 280, c->avg_power_W = 229, c->max_power_W = 280, c->HBM_GBps_per_W = 65, c->ICI_GBps_per_W = 28.869;
    c->embodied_carbon_kgCO2 = 296.2083333;
    c->static_power_W_per_sa = 2.12, c->static_power_W_per_vu = 0.74127482825;
    c->static_power_vmem_W = 12.93490069, c->static_power_ici_W = 6.36;
    c->static_power_hbm_mc_W = 1.908, c->static_power_hbm_phy_W = 2.862;
    c->static_power_other_W = 21.73;
    c->dynamic_power_W_per_SA = 22.55530667, c->dynamic_power_W_per_VU = 2.121728;
    c->dynamic_power_vmem_W = 22.2144;
    c->dynamic_power_ici_W_per_GBps = 0.0247047779, c->dynamic_power_hbm_W_per_GBps = 0.01538461538;
    test_chip_derive(c);
}

static npu_op_type_t test_op_type(const char *s)
{
    if (strcmp(s, "MXU") == 0)
        return NPU_OP_MXU;
    if (strcmp(s, "VPU") == 0)
        return NPU_OP_VPU;
    if (strcmp(s, "ICINoCompute") == 0)
        return NPU_OP_ICI;
    return NPU_OP_OTHER;
}

static const char *test_op_type_name(npu_op_type_t t)
{
    static const char *const names[] = {"MXU", "VPU", "ICINoCompute", "Other"};
    return names[t];
}

static const char *test_bound_name(npu_bound_t b)
{
    static const char *const names[] = {"Compute", "Memory", "ICI/NVLink"};
    return names[b];
}

static int test_mxu_class(const char *s)
{
    return !strcmp(s, "Einsum") || !strcmp(s, "MatMul") || !strcmp(s, "BatchMatMulV2") || !strcmp(s, "Conv2D") ||
           !strcmp(s, "FlashAttention");
}

static int test_other_class(const char *s)
{
    const char *known[] = {"Conv2D", "Einsum", "MatMul", "BatchMatMulV2", "FlashAttention", "LayerNorm",
                           "GroupNorm", "RMSNorm", "Softmax", "Add", "Mul", "Abs", "Pointwise Mul.", "Upsample",
                           "AvgPool2d", "ReduceScatter", "AllReduce", "AllGather", "InterChipCommInput",
                           "InterChipCommOutput", "AllToAll", "EmbeddingBag"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcmp(s, known[i]))
            return 0;
    return 1;
}

/* The energy model's record of row r of a perf CSV (what the per-operator
 * model fills). */
static void test_op_from_row(const ncsv_t *t, size_t r, npu_energy_op_t *o)
{
    memset(o, 0, sizeof *o);
    npu_op_perf_t *p = &o->perf;
    p->op_type = test_op_type(ncsv_str(t, r, "OpType"));
    p->flops = ncsv_num(t, r, "FLOP Count");
    p->bytes = ncsv_num(t, r, "Bytes accessed");
    p->ici_out_bytes = ncsv_num(t, r, "ICI/NVLink outbound traffic");
    p->ici_in_bytes = ncsv_num(t, r, "ICI/NVLink inbound traffic");
    p->num_mxu_ops = ncsv_num(t, r, "num_mxu_ops");
    p->max_vmem_demand_bytes = ncsv_num(t, r, "max_vmem_demand_bytes");
    p->mxu_time_ns = ncsv_num(t, r, "MXU time");
    p->vpu_time_ns = ncsv_num(t, r, "VPU time");
    p->compute_time_ns = ncsv_num(t, r, "Compute time");
    p->memory_time_ns = ncsv_num(t, r, "Memory time");
    p->vmem_time_ns = ncsv_num(t, r, "Vmem time");
    p->ici_time_ns = ncsv_num(t, r, "ICI/NVLink time");
    p->pcie_time_ns = ncsv_num(t, r, "PCIe time");
    p->exe_time_ns = ncsv_num(t, r, "Execution time");
    const char *b = ncsv_str(t, r, "Bounded-by");
    p->bound = strcmp(b, "Memory") == 0 ? NPU_BOUND_MEMORY : strcmp(b, "Compute") == 0 ? NPU_BOUND_COMPUTE
                                                                                       : NPU_BOUND_ICI;
    p->tflops_per_sec = ncsv_num(t, r, "tflops_per_sec");
    p->hbm_bw_GBps = ncsv_num(t, r, "hbm_bw_GBps");
    p->flops_util = ncsv_num(t, r, "flops_util");
    p->hbm_bw_util = ncsv_num(t, r, "hbm_bw_util");
    o->count = ncsv_num(t, r, "Count");
    const char *pt = ncsv_str(t, r, "parsed_op_type"), *oc = ncsv_str(t, r, "Op Code");
    /* NeuSim's opcode class: the parsed type unless it is "Other", then the opcode. */
    o->mxu_stats = test_mxu_class(pt) || (test_other_class(pt) && test_mxu_class(oc));
    o->einsum_B = ncsv_num(t, r, "einsum_B_size");
    o->einsum_M = ncsv_num(t, r, "einsum_M_size");
    o->einsum_N = ncsv_num(t, r, "einsum_N_size");
    o->einsum_K = ncsv_num(t, r, "einsum_K_size");
}

static int rel_close(double a, double b, double tol)
{
    if (a == b)
        return 1;
    return fabs(a - b) <= tol * fmax(fabs(a), fabs(b));
}

#endif
