/*
 * v2_nccl.c -- collective libraries and the latency of their all-reduce,
 * for perf_model v2 (system key `collective_library`).  A system file
 * names the library its measurements ran on (a fact about the setup, like
 * launch_stack); without one, v2's all-reduce is the system's
 * allreduce_algo with the hardware file's per-hop latency (init_time).
 *
 * nccl: NCCL's own cost model of a ring all-reduce inside one node
 * (src/graph/tuning.cc, ncclTopoTuneModel, github.com/NVIDIA/nccl at tag
 * v2.18.3-1, the release of TensorRT-LLM 0.5/0.6's containers; the same
 * ring constants at v2.19.3-1 and today's master): a base latency per
 * collective plus a per-step latency over NVLink for each of the 2 (p - 1)
 * steps of the ring, then the bytes at the ring's bus bandwidth:
 *
 *     t = baseLat + 2 (p - 1) hwLat + 2 (p - 1) / p x bytes / busbw
 *
 * with the LL128 protocol's baseLat 14.0 us and NVLink hwLat 1.9 us
 * (LL: 6.6 / 0.6 us, Simple: 8.4 / 3.4 us).  LL128's latency is the one a
 * measured small all-reduce supports: LLMCompass' real-A100 breakdown of
 * one GPT-3 layer on 4 A100s (github.com/PrincetonUniversity/LLMCompass at
 * b95c6c95, ae/figure5/ijkl/real_hardware/transformerAR_A100.csv,
 * AllReduce_MHA and AllReduce_FFN) lists 26.04 us for each 196,608-byte
 * all-reduce of the decode step, of which 1.41 us is bandwidth at the
 * 208.9 GB/s bus bandwidth the same breakdown's 402,653,184-byte prefill
 * all-reduce reaches (2.8909 ms, transformer_A100.csv): 24.6 us of latency
 * against LL128's 25.4 us at p = 4 (LL's 10.2 us and Simple's 28.8 us
 * bracket it).  The bandwidth stays v2's (slowest link x
 * io_bandwidth_efficiency: 300 GB/s x 0.7 = 210 GB/s on A100, within 0.6 %
 * of that measured 208.9).  Replaces the ring's 2 (p - 1) x init_time
 * (the hardware files' NVLink init_time, 2 us, is assumed).
 */
#include "config/named.h"
#include "perf/v2_model.h"

/* NCCL v2.18.3 tuning.cc: baseLat[RING][LL128] and hwLat[NVLINK][RING][LL128] */
#define NCCL_RING_LL128_BASE_S 14.0e-6
#define NCCL_RING_LL128_NVLINK_STEP_S 1.9e-6

double v2_nccl_ring_latency_s(double p)
{
    if (!(p > 1))
        return 0;
    return NCCL_RING_LL128_BASE_S + 2 * (p - 1) * NCCL_RING_LL128_NVLINK_STEP_S;
}

const v2_collective_lib_t v2_collective_libs[] = {
    {"nccl", v2_nccl_ring_latency_s},
};
const size_t v2_collective_lib_count = sizeof v2_collective_libs / sizeof v2_collective_libs[0];

const v2_collective_lib_t *v2_collective_lib_find(const char *name, char *err, size_t errlen)
{
    long i = named_find(v2_collective_libs, v2_collective_lib_count, sizeof v2_collective_libs[0],
                        name, "collective_library", err, errlen);
    return i < 0 ? NULL : &v2_collective_libs[i];
}

double v2_lib_allreduce_s(double latency_s, double p, double bytes, double bus_bw)
{
    if (!(p > 1))
        return 0;
    return latency_s + 2 * (p - 1) / p * bytes / bus_bw;
}
