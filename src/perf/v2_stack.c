/*
 * v2_stack.c -- software stacks and the fixed cost each kernel pays under
 * them, for perf_model v2 (system key `launch_stack`, which names the
 * op_latency_s v2 charges every operator).  A system file states the stack
 * its measurements ran on (a fact about the setup, not a fitted constant).
 *
 * Sources (docs/perf-model-v2.md, "Where the constants come from"):
 *   eager_pytorch  28 us: LLMCompass' real-A100 GEMMs (ae/figure5/ab/
 *                  real_hardware/matmul_A100.csv): an 8192 x 64 x 64 GEMM,
 *                  no work to speak of, takes 0.0296 ms through PyTorch.
 *   no_cuda_graphs 3.25 us: kernels launched one by one from the host;
 *                  CUDA.jl's "Graphs" documentation measures 80 broadcast
 *                  kernels (one RK4 integration of 10 steps, cuda.juliagpu.org/
 *                  dev/usage/graphs) at 260 us
 *                  launched normally: 260 / 80 per kernel.
 *   cuda_graphs    0.875 us: the same 80 kernels replayed as one CUDA graph
 *                  take 70 us: 70 / 80 per kernel (GPU-side launch and the
 *                  kernels' own short run, an upper bound of the floor).
 */
#include "config/named.h"
#include "perf/v2_model.h"

static double eager_pytorch_s(void) { return 28.0e-6; }
static double no_cuda_graphs_s(void) { return 260.0e-6 / 80; }
static double cuda_graphs_s(void) { return 70.0e-6 / 80; }

const v2_launch_stack_t v2_launch_stacks[] = {
    {"eager_pytorch", eager_pytorch_s},
    {"no_cuda_graphs", no_cuda_graphs_s},
    {"cuda_graphs", cuda_graphs_s},
};
const size_t v2_launch_stack_count = sizeof v2_launch_stacks / sizeof v2_launch_stacks[0];

const v2_launch_stack_t *v2_launch_stack_find(const char *name, char *err, size_t errlen)
{
    long i = named_find(v2_launch_stacks, v2_launch_stack_count, sizeof v2_launch_stacks[0], name,
                        "launch_stack", err, errlen);
    return i < 0 ? NULL : &v2_launch_stacks[i];
}
