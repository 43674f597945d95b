/*
 * v2_model.h -- perf_model v2: the corrections to the reference model, each
 * a small named function (docs/perf-model-v2.md lists them with their
 * sources).  Every function says which reference formula it replaces.
 *
 *   v2_format.c  number formats per tensor class, peak FLOP/s per format
 *   v2_sizes.c   GQA/MQA/MLA/MoE parameter counts and KV-cache width
 *   v2_ops.c     matmul efficiency by shape, memory time by transfer size,
 *                non-matmul (memory-bound) operators
 *   v2_layout.c  partitioning layouts (Pope et al. 2022) and their
 *                communication, MoE expert traffic
 *   v2_pass.c    the micro-batch pass built from the above
 *   (this file)  inline: the small operator formulas every pass repeats
 *                (memory time, GEMM K efficiency, element-wise and
 *                non-matmul bytes and time; v2_ops.c's part of the list
 *                above) and, at its end, a matmul's tile counts and time from
 *                its dimensions (v2_dim, v2_matmul_dims)
 *
 * Units: bytes, FLOPs, seconds; "numbers" are tensor elements.
 */
#ifndef PERF_V2_MODEL_H
#define PERF_V2_MODEL_H

#include <stdbool.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/hw.h"
#include "ops/hf_config.h"
#include "perf/allreduce.h"
#include "perf/matmul.h"
#include "perf/perf.h"
#include "perf/perf_types.h"

struct system_s;

/* ---- corrections that can be turned off (system key v2_off) --------------- */

enum {
    V2_OFF_GQA = 1u << 0,          /* K/V sized per query head, as the reference */
    V2_OFF_FORMATS = 1u << 1,      /* every tensor bf16 at the chip's perf */
    V2_OFF_NONMATMUL = 1u << 2,    /* norms, adds, activation, RoPE, softmax take no time */
    V2_OFF_SHAPE = 1u << 3,        /* no tile quantization */
    V2_OFF_OP_LATENCY = 1u << 4,   /* no operator start-up time */
    V2_OFF_LAYOUTS = 1u << 5,      /* 1D weight-stationary only */
    V2_OFF_KV_BATCH = 1u << 6,     /* K/V never sharded over the batch */
    V2_OFF_LM_HEAD = 1u << 7,      /* no embedding / LM head */
    V2_OFF_GQA_ATTENTION = 1u << 8, /* the attention kernel reads K/V once per query head */
    V2_OFF_WAVES = 1u << 9,         /* no wave quantization over the matmul units */
    V2_OFF_K_OVERHEAD = 1u << 10,   /* no per-output-tile fixed cost (matmul_k_overhead) */
    V2_OFF_ACT_QUANT = 1u << 11,    /* 1-byte activations everywhere, no quantize passes */
    V2_OFF_CLOCK = 1u << 12,        /* matmuls at the unthrottled clock (no sustained_clock_mhz) */
    V2_OFF_COLLECTIVE_FIXED = 1u << 13, /* no per-collective dispatch cost (collective_fixed_s) */
    V2_OFF_COLLECTIVE_LIB = 1u << 14,   /* all-reduces at the hardware's per-hop latency, not the
                                           collective_library's (v2_nccl.c) */
    V2_OFF_L2_REUSE = 1u << 15          /* a non-GQA kernel's K/V re-reads all from DRAM, none
                                           served by the L2 (chip key l2_read_bytes_per_s) */
};

typedef struct {
    const char *name;
    unsigned bit;
} v2_correction_t;

extern const v2_correction_t v2_corrections[];
extern const size_t v2_correction_count;

/* Bits of a comma-separated list of correction names ("" = 0); false with
 * the valid names in err for an unknown one. */
bool v2_off_parse(const char *list, unsigned *bits, char *err, size_t errlen);

/* ---- number formats (v2_format.c) ---------------------------------------- */

typedef enum { V2_FMT_BF16, V2_FMT_FP16, V2_FMT_FP8, V2_FMT_INT8, V2_FMT_FP4 } v2_format_id_t;

typedef struct {
    const char *name;
    v2_format_id_t id;
    double bytes;            /* bytes per number */
} v2_format_t;

extern const v2_format_t v2_formats[];
extern const size_t v2_format_count;

/* The format called name ("" = bf16); NULL with the valid names in err. */
const v2_format_t *v2_format_find(const char *name, char *err, size_t errlen);

/* Peak FLOP/s of chip for a matmul in format f.  Replaces chip->perf in
 * matmul_roofline.  A chip without a rate for f (perf_fp8, perf_int8,
 * perf_fp4 = 0) runs it at its bf16/fp16 rate. */
double v2_peak_flops(const chip_t *chip, v2_format_id_t f);

/* Share of the peak FLOP/s left when the SM clock runs at sustained_clock_mhz
 * (power-limited, sustained load) instead of max_clock_mhz (the unthrottled
 * clock of the microbenchmarks the efficiencies come from): their ratio; 1
 * when either is not given.  Multiplies v2_peak_flops; the reference model
 * has no clock (chip->perf at every load). */
double v2_sustained_clock_ratio(double max_clock_mhz, double sustained_clock_mhz);

/* The format a matmul of weights w and activations a computes in: the
 * wider of the two (int8 weights with bf16 activations compute in bf16). */
v2_format_id_t v2_compute_format(const v2_format_t *w, const v2_format_t *a);

/* ---- sizes (v2_sizes.c) --------------------------------------------------- */

/* One matmul dimension x with its tile counts: the share of its tile-padded size it fills
 * (fill, 1 without tiles), ceil(x / tile) and ceil(x / 2 tile) (the wave
 * model's row and column tiles; tiles2 is 0 when v2_t.matmul_units is 0,
 * where no wave model reads it).  A pass computes each distinct dimension
 * once and hands it to every matmul that has it. */
typedef struct {
    double x, fill, tiles, tiles2;
} v2_dim_t;

typedef struct {
    /* formats */
    const v2_format_t *weight_fmt, *act_fmt, *kv_fmt;
    double peak_flops;            /* chip FLOP/s at the compute format */
    /* attention */
    double kv_heads;              /* K/V heads (1 for MLA's latent) */
    double kv_numbers_per_head;   /* K+V numbers per token and head: 2 d_head, MLA rank + rope */
    double q_width;               /* query heads x query head width */
    double qk_width, v_width;     /* per-head widths the attention matmuls use */
    double attn_params;           /* per layer: Q, K, V, O projections */
    double o_params;              /* per layer: the output projection alone */
    bool mla;
    double kv_lora_rank, qk_rope_head_dim;
    /* feed-forward */
    double ffn_matrices;          /* 3 gated, 2 otherwise */
    double dense_ffn_params;      /* per dense layer */
    bool moe;
    double experts, top_k, shared_experts, moe_d_ff, dense_layers;
    double expert_params;         /* one expert */
    /* embedding and LM head */
    double vocab;                 /* 0 = not counted */
    const v2_format_t *lm_head_fmt;
    double lm_head_peak_flops;    /* chip FLOP/s for the LM head's format */
    /* totals */
    double params, weight_bytes, kv_bytes_per_token;
    /* per-hardware constants from the system file */
    double layer_overhead_s, op_latency_s, matmul_tile;
    double matmul_tile_inv;       /* 1 / matmul_tile when that is exact (a power of two), else 0:
                                     x * matmul_tile_inv is then x / matmul_tile, bit for bit */
    double matmul_units;          /* parallel units a matmul's output tiles are spread over (0 = off) */
    double matmul_k_overhead;     /* per-output-tile fixed cost in K elements (0 = off) */
    double collective_fixed_s;    /* dispatch cost of each collective beyond its hops (0 = off) */
    double l2_read_bytes_per_s;   /* the chip's L2-hit read bandwidth (0 = off or not given) */
    double (*allreduce_latency_s)(double p); /* the collective_library's all-reduce latency over p
                                                chips (NULL: allreduce_algo with the links' init_time) */
    bool fused_attention;
    unsigned off;                 /* V2_OFF_* bits */
    v2_dim_t dim_d, dim_qk, dim_v; /* v2_dim of d, qk_width, v_width (v2_derive): the pass's
                                      dimensions no layout or micro-batch changes */
} v2_t;

/* K/V heads: num_heads / heads_per_kv_cache (the model file's group size).
 * Replaces the reference's 3 d_atten / t QKV shape, which sizes K and V
 * per query head. */
double v2_kv_heads(double num_heads, double heads_per_kv_cache);

/* K+V numbers one token stores per layer: kv_heads x 2 d_head, or MLA's
 * kv_lora_rank + qk_rope_head_dim.  Replaces model.c's
 * kv_cache_size_per_token (which is already GQA-aware in size, but whose
 * traffic perf.c sizes per query head). */
double v2_kv_numbers_per_layer(const v2_t *v, double d_head);

/* Expected distinct experts n tokens routed top_k of `experts` touch,
 * uniform routing: experts (1 - (1 - top_k/experts)^n). */
double v2_experts_touched(double experts, double top_k, double n_tokens);

/* Fill v from the model and system inputs (defaults resolved); false with
 * a message for an unknown format or inconsistent MoE/MLA keys. */
bool v2_sizes(v2_t *v, const model_cfg_t *m, double d, double num_heads, double d_head,
              double d_ff, double heads_per_kv_cache, bool gated, double num_layers,
              char *err, size_t errlen);

/* perf_model hook: v2_sizes plus the system constants, and the model
 * bytes and KV bytes per token the sizing and memory checks use. */
bool v2_derive(struct system_s *sys, const model_cfg_t *m, const system_cfg_t *cfg, char *err,
               size_t errlen);

/* The v2 keys of m (experts, MLA ranks, vocabulary) from a HuggingFace
 * config (v2_hf.c); the dense sizes are left to the model conversion. */
void v2_model_cfg_from_hf(const hf_config_t *c, model_cfg_t *m);

/* ---- operators (v2_ops.c) ------------------------------------------------- */

/* Share of the peak a matmul of m x k by k x n reaches from tile
 * quantization: each dimension padded to the tile edge.  Replaces the
 * shape-independent compute_perf_efficiency of matmul_roofline. */
double v2_matmul_shape_efficiency(double m, double n, double k, double tile);

/* 1 / x when it is exact (x a power of two), else 0 (v2_t.matmul_tile_inv). */
double v2_exact_inverse(double x);

/* Share of the peak left by wave quantization: a matmul's output is cut
 * into tiles of tile x 2 tile (the 128 x 256 tiles of cuBLAS/CUTLASS's
 * large-tile Ampere/Hopper kernels for tile 128), `stacks` matmuls' tiles
 * run in waves of `units` at a time (one per SM), and the last wave runs
 * partly empty: waves / ceil(waves).  Fewer tiles than units is the case
 * the libraries split K for, so it costs nothing here.  units = 0: 1.
 * Not in the reference (compute_perf_efficiency alone). */
double v2_matmul_wave_efficiency(double stacks, double m, double n, double tile, double units);

/* Time to move bytes at bw bytes/s with a fixed start-up latency: the
 * effective bandwidth bytes / time grows with the transfer size.
 * Replaces block_ldst_time = bytes / bw. */
static inline double v2_mem_time(double bytes, double bw, double latency_s)
{
    if (!(bytes > 0))
        return 0;
    return latency_s + bytes / bw;
}

/* How many times its K/V bytes an attention kernel without GQA support
 * (one thread block per query head, TensorRT-LLM's masked MHA) costs in
 * DRAM time when the `group` query heads sharing a K/V head run together:
 * the first block reads K/V from DRAM, the other group - 1 hit the L2, so
 * the kernel streams group x bytes at l2_bytes_per_s and 1 x bytes at
 * dram_bytes_per_s, whichever takes longer:
 * max(1, group x dram / l2), at most group (l2 <= 0: group, every re-read
 * from DRAM, as the reference's per-query-head traffic). */
double v2_kv_reread_factor(double group, double dram_bytes_per_s, double l2_bytes_per_s);

/* Share of a GEMM's asymptotic rate reached at reduction depth k when each
 * output tile pays a fixed cost worth k_overhead elements of its K loop
 * (pipeline fill, epilogue): k / (k + k_overhead); 1 when k_overhead <= 0.
 * Fitted on published Hopper FP8 GEMM tables (docs/perf-model-v2.md,
 * tests/golden/perf_v2/hopper_fp8_gemm_k.csv). */
static inline double v2_matmul_k_efficiency(double k, double k_overhead)
{
    if (!(k_overhead > 0) || !(k > 0))
        return 1;
    return k / (k + k_overhead);
}

/* compute_efficiency of a weight GEMM of depth k: compute_efficiency x
 * v2_matmul_k_efficiency(k, v->matmul_k_overhead).  Attention matmuls do
 * not use it (a fused attention kernel's loop runs over the context). */
static inline double v2_gemm_efficiency(const v2_t *v, double compute_efficiency, double k)
{
    return compute_efficiency * v2_matmul_k_efficiency(k, v->matmul_k_overhead);
}

/* ---- software stacks: per-kernel launch cost (v2_stack.c) ------------------ */

typedef struct {
    const char *name;
    double (*kernel_launch_s)(void);   /* fixed cost every kernel pays */
} v2_launch_stack_t;

extern const v2_launch_stack_t v2_launch_stacks[];
extern const size_t v2_launch_stack_count;

/* The stack called name; NULL with the valid names in err if unknown. */
const v2_launch_stack_t *v2_launch_stack_find(const char *name, char *err, size_t errlen);

/* ---- collective libraries: all-reduce latency (v2_nccl.c) ---------------- */

typedef struct {
    const char *name;
    double (*allreduce_latency_s)(double p);   /* fixed part of an all-reduce over p chips */
} v2_collective_lib_t;

extern const v2_collective_lib_t v2_collective_libs[];
extern const size_t v2_collective_lib_count;

/* The library called name; NULL with the valid names in err if unknown. */
const v2_collective_lib_t *v2_collective_lib_find(const char *name, char *err, size_t errlen);

/* NCCL's ring all-reduce latency over p GPUs on NVLink (LL128 protocol,
 * tuning.cc at v2.18.3): 14.0 us + 2 (p - 1) x 1.9 us; 0 for p <= 1.
 * 25.4 us at p = 4, where LLMCompass measured 24.6 us beyond the bytes. */
double v2_nccl_ring_latency_s(double p);

/* A library's ring all-reduce of `bytes` over p chips: its latency plus
 * 2 (p - 1) / p x bytes at the bus bandwidth bus_bw (bytes/s); 0 for p <= 1.
 * Replaces ar_ring's 2 (p - 1) (init_time + bytes / (p bw)) (allreduce.c). */
double v2_lib_allreduce_s(double latency_s, double p, double bytes, double bus_bw);

/* One matmul on one chip: stacks x (m x k) * (k x n); `bytes` the memory
 * traffic (weights or KV cache plus activations in and out).  Time: the
 * operator start-up time plus the slower of compute (at the shape's
 * efficiency) and streaming. */
matmul_lat_t v2_matmul(const v2_t *v, double compute_efficiency, double stacks, double m,
                       double k, double n, double bytes, double bw);

/* v2_matmul at peak_flops instead of v->peak_flops (the LM head's format). */
matmul_lat_t v2_matmul_at(const v2_t *v, double peak_flops, double compute_efficiency,
                          double stacks, double m, double k, double n, double bytes, double bw);

/* Bytes the memory-bound operators of one layer move on one chip for
 * `tokens` token rows (activations of width d, d_ff_chip FFN columns and
 * q_heads_chip / kv_heads_chip heads on the chip); scores = attention
 * scores materialized when attention is not fused (0 otherwise). */
typedef struct {
    double norms, residuals, activation, rope, softmax;
    double quant;    /* quantize passes before the QKV and FC1 GEMMs (2 passes; 0 if none) */
} v2_nonmatmul_t;

/* Bytes per number of the activations the element-wise operators (norms,
 * residual adds, RoPE, softmax) read and write.  With activations in a
 * format narrower than 2 bytes (FP8, INT8 GEMM inputs) the residual stream
 * stays in the model's 16-bit type and only GEMM inputs are quantized:
 * TensorRT-LLM 1.0's FP8QDQLinearMethod.apply quantizes a bf16 input with
 * static_quantize_e4m3_per_tensor before cublas_scaled_mm and returns the
 * output in the module's dtype (tensorrt_llm/_torch/modules/linear.py);
 * Llama's RMSNorm and residual adds run in bf16.  Returns 2 then (act_format's
 * bytes with V2_OFF_ACT_QUANT or a 2-byte act_format).  Replaces the act_format
 * bytes v2 charged every element-wise pass. */
static inline double v2_elementwise_bytes(const v2_t *v)
{
    double a = v->act_fmt->bytes;
    return a < 2 && !(v->off & V2_OFF_ACT_QUANT) ? 2 : a;
}

/* Bytes of the separate quantize passes one layer makes on `tokens` rows of
 * width d: the two norms' bf16 outputs read (2 bytes) and written in the
 * activation format before the QKV and FC1 GEMMs, 2 x tokens x d x (2 + a).
 * The gated activation and the attention kernel write their outputs in the
 * GEMM format directly (Llama's FP8 SwiGLU; attention output quantized for
 * the output projection), so the FC2 and output-projection inputs need no
 * pass.  0 unless v2_elementwise_bytes widened the stream. */
static inline double v2_act_quant_bytes(const v2_t *v, double tokens, double d)
{
    double e = v2_elementwise_bytes(v), a = v->act_fmt->bytes;
    return e > a ? 2 * tokens * d * (e + a) : 0;
}

static inline v2_nonmatmul_t v2_nonmatmul_bytes(const v2_t *v, double tokens, double d,
                                                double d_ff_chip, bool gated,
                                                double qk_cols_chip, double scores)
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

/* Time of those operators: each one a memory-bound pass. */
static inline double v2_nonmatmul_time(const v2_t *v, const v2_nonmatmul_t *b, double bw)
{
    double lat = v->op_latency_s;
    return v2_mem_time(b->norms / 2, bw, lat) * 2 + v2_mem_time(b->residuals / 2, bw, lat) * 2 +
           v2_mem_time(b->activation, bw, lat) + v2_mem_time(b->rope, bw, lat) +
           v2_mem_time(b->softmax, bw, lat) + v2_mem_time(b->quant / 2, bw, lat) * 2;
}

/* ---- layouts (v2_layout.c) ----------------------------------------------- */

typedef enum { V2_LAYOUT_1D_WS, V2_LAYOUT_2D_WS, V2_LAYOUT_WG_XY, V2_LAYOUT_WG_XYZ,
               V2_LAYOUT_COUNT } v2_layout_id_t;

/* How one block (attention or FFN) of inner width f (heads x d_head or
 * d_ff) and model width e is split over t chips, for n token rows. */
typedef struct {
    double rows;           /* token rows each chip multiplies */
    double weight_share;   /* share of the block's weights each chip reads */
    double gather;         /* chips the weights are all-gathered over (1 = none) */
    double x, yz;          /* 2D weight-stationary split of t: e over x, f over yz */
} v2_split_t;

typedef struct {
    const char *name;
    v2_layout_id_t id;
} v2_layout_t;

extern const v2_layout_t v2_layouts[];

/* The split of layout id over t chips for n rows (e, f as above). */
v2_split_t v2_layout_split(v2_layout_id_t id, double t, double n, double e, double f);

/* An all-reduce of `bytes` over p chips (s); an all-gather of the same
 * result size costs half of it. */
typedef double (*v2_allreduce_fn)(const void *ctx, double p, double bytes);

/* Communication time of one block (Pope et al. 2022, section 3.2), with
 * ar the all-reduce model of the system's links:
 *   1D WS:  all-reduce of the n x e output over t chips;
 *   2D WS:  reduce-scatter + all-gather (= one all-reduce) of n x f/yz over
 *           x chips and of n x e/x over yz chips;
 *   WG:     all-gather of the block's weights over `gather` chips, plus the
 *           1D all-reduce of rows x e over the t/gather remaining chips.
 * Replaces micro_batch_comms' all-reduce of the whole activation.
 * (Inline at the end of this file.) */

/* Collectives one decoder layer issues under layout id in Pope et al.'s
 * implementation (google-research/google-research,
 * scaling_transformer_inference_efficiency/), with the multi-query K/V
 * sharded over the batch (kv_batch_sharded) or replicated:
 *   1d_ws   layers/one_d_parallel_xmap.py weight_stationary: norm pmean over
 *           x, all-gather matmul (q_wi), K/V psum (or psum_scatter plus two
 *           all-to-alls of the queries and two of the outputs), matmul
 *           reduce-scatter (o_wo), psum over yz: 5 (9);
 *   2d_ws   layers_parallel.py transformer_layer_weight_stationary:
 *           all-gathers over y and z around the norm's pmean over x, matmul
 *           reduce-scatter over x (q_wi), K/V psum over x plus an all-gather
 *           over z (or one psum_scatter plus the two all-to-alls), matmul
 *           all-gather over x (o_wo), reduce-scatters over y and z: 9 (10);
 *   wg_xy, wg_xyz  transformer_layer_weight_gathered: the two weight-gathering
 *           collective matmuls (q_wi, o_wo), K/V local: 2.
 * A collective matmul counts once (it is one collective in the program,
 * whatever its internal steps). */
int v2_layout_collectives(v2_layout_id_t id, int kv_batch_sharded);

/* Fixed dispatch time of one layer's collectives on t chips:
 * v2_layout_collectives x collective_fixed_s (none on one chip). */
double v2_layout_collective_fixed_s(v2_layout_id_t id, int kv_batch_sharded, double t,
                                    double collective_fixed_s);

/* ---- the pass (v2_pass.c) ------------------------------------------------ */

/* The LM head of one pass on one chip (untied: its own table in
 * lm_head_format; tied: the embedding table): logits of `rows` tokens (one per
 * sequence in prefill, every token in decode), vocabulary split over t
 * chips.  The reference has no embedding or LM head at all. */
matmul_lat_t v2_lm_head(const v2_t *v, double compute_efficiency, double rows, double d,
                        double t, double bw);

/* Chip counts a stage's layouts all-reduce over (t, each split's x, yz and
 * gather): at most this many distinct ones. */
#define V2_RINGS_MAX 8
/* Slots of v2_links_t's chip-count index: a count's five low exponent bits
 * and whether it is a power of two pick one.  A stage's counts are t / 2^j
 * (t's mantissa) or powers of two (2D's x, wg_xy's z), so no two share a
 * slot unless their exponents are 32 apart. */
#define V2_RING_SLOTS 64

/* The links of a pass's collectives: the system's all-reduce algorithm on
 * the slowest of the stage's links, or the collective library's; with
 * 2d_ring, its parts for each chip count the stage's layouts use
 * (allreduce_2d_ring_parts).  Kept small: the search keeps one per stage
 * size. */
typedef struct {
    const allreduce_algo_t *algo;
    stage_links_t links;
    allreduce_link_t link;              /* the slowest link's alpha and beta (and bus bandwidth) */
    double eff;                         /* io_bandwidth_efficiency */
    double (*lib_latency_s)(double p);  /* the collective library's all-reduce latency, or NULL */
    int n_rings;                        /* 2d_ring's prepared chip counts (0: none) */
    double ring_fixed;                  /* its fixed part (2 alpha) */
    double ring_p[V2_RINGS_MAX], ring_scale[V2_RINGS_MAX], ring_side[V2_RINGS_MAX];
    signed char ring_slot[V2_RING_SLOTS]; /* a count's slot -> its index (the first there), -1
                                            none: a lookup without a data-dependent loop */
} v2_links_t;

/* What a layout's split fixes on a stage of t chips, whatever the rows. */
typedef struct {
    v2_split_t split;        /* its split; rows is the pass's n / gather (set by the pass) */
    bool usable;             /* x <= t and yz >= 1: the split exists on t chips */
    double weight_read_s;    /* v2_weight_read_bound of its weight share (gathered layouts) */
    double gemm_lb_s[4];     /* gathered layouts: v2_weight_gemm_bound of the QKV, output, FC1
                                and FC2 weights on one chip (FC: 0 with MoE layers) */
    double gather_attn_s, gather_ffn_s;  /* gathered layouts: v2_layout_weight_gather of the
                                            attention's and the dense FFN's weights (FFN: 0 with
                                            MoE layers); 0 otherwise */
    v2_dim_t dim_ffn_cols;   /* v2_dim of the dense FFN columns one chip holds: d_ff x weight share */
    double fc2_eff;          /* v2_gemm_efficiency at k = those columns (FC2) */
    v2_dim_t dim_qkv;        /* v2_dim of the QKV columns one chip holds: (attn - o params) / d x share */
    v2_dim_t dim_o;          /* v2_dim of the output projection's rows (its K) on one chip:
                                o params / d x share */
    double o_eff;            /* v2_gemm_efficiency at k = those rows */
    double coll_fixed_s[2];  /* v2_layout_collective_fixed_s, K/V replicated / batch-sharded */
} v2_stage_layout_t;

/* The LM head's parts its rows do not change (v2_lm_head). */
typedef struct {
    bool on;                 /* a vocabulary is counted */
    double cols;             /* vocabulary columns on one chip */
    v2_dim_t dim_cols;
    double eff;              /* v2_gemm_efficiency at k = d */
    double weight_bytes;     /* its table's share: d x cols x lm_head bytes */
} v2_lm_head_part_t;

/* Everything of a pass that its stage size (t chips per stage, p stages)
 * alone fixes, whatever the stage and micro-batch: the links, each
 * layout's split, FFN widths and dispatch cost, the LM head's vocabulary
 * share, the layers per stage.  A search builds it once per stage size
 * (v2_stage_init, perf_model_t.stage_init) and hands it to every pass of
 * that size (v2_micro_batch_at): the same bits as building it every pass. */
typedef struct {
    double t, p;
    v2_links_t links;
    double eff_d;                 /* v2_gemm_efficiency at k = d (QKV, FC1, experts) */
    double kv_reread;             /* times the attention reads its K/V bytes at the DRAM rate: 1, or
                                     v2_kv_reread_factor when gqa_attention is off */
    v2_stage_layout_t layout[V2_LAYOUT_COUNT];
    v2_split_t attn_2d;           /* 2D's split of the attention block (inner width q_width) */
    v2_lm_head_part_t lm_head;
    double layers_per_stage;      /* ceil(num_layers / p) */
    double stage2stage_bw;        /* bytes/s: the stage-to-stage link at io_bandwidth_efficiency */
} v2_stage_t;

void v2_stage_init(const struct system_s *sys, double t, double p, void *stage);

/* The pass of `stage` for micro_batch sequences on the stage size of st
 * (a v2_stage_t built by v2_stage_init). */
void v2_micro_batch_at(const struct system_s *sys, const void *st, perf_stage_t stage,
                       double micro_batch, micro_batch_t *out);

/* v2_stage_init on (t, p), then v2_micro_batch_at. */
void v2_micro_batch(const struct system_s *sys, perf_stage_t stage, double t, double p,
                    double micro_batch, micro_batch_t *out);

/* ---- inline: the per-matmul arithmetic every pass repeats ------------------ */

/* x / tile; with tile_inv = 1 / tile exact (tile a power of two) the
 * product is the same correctly rounded value, without a division. */
static inline double v2_per_tile(double x, double tile, double tile_inv)
{
    return tile_inv > 0 ? x * tile_inv : x / tile;
}

/* ceil(y), bit for bit, without SSE2's long inline ceil sequence for the
 * usual 0 <= y < 2^52: truncation to an integer is exact there. */
static inline double v2_ceil(double y)
{
    if (y >= 0 && y < 4503599627370496.0) {   /* 2^52 */
        double t = (double)(int64_t)y;
        return t < y ? t + 1 : t;
    }
    return ceil(y);
}

static inline v2_dim_t v2_dim(const v2_t *v, double x)
{
    double tile = v->matmul_tile, tile_inv = v->matmul_tile_inv;
    v2_dim_t r = {x, 1, 0, 0};
    if (!(tile > 0))
        return r;
    r.tiles = v2_ceil(v2_per_tile(x, tile, tile_inv));
    if (v->matmul_units > 0)   /* v2_wave_efficiency_dims reads it only then */
        r.tiles2 = v2_ceil(v2_per_tile(x, 2 * tile, tile_inv / 2));
    if (x > 0)
        r.fill = x / (r.tiles * tile);   /* tile quantization: x padded to whole tiles */
    return r;
}

/* v2_matmul_wave_efficiency on m's tile count and n's double-tile count. */
static inline double v2_wave_efficiency_dims(double stacks, const v2_dim_t *m, const v2_dim_t *n,
                                      double tile, double units)
{
    if (!(units > 0) || !(tile > 0) || !(m->x > 0) || !(n->x > 0))
        return 1;
    double tiles = v2_ceil(stacks) * m->tiles * n->tiles2;
    double waves = tiles / units;
    if (waves <= 1)
        return 1;               /* split-K fills the units */
    return waves / v2_ceil(waves);
}

/* v2_matmul_at on dimensions made by v2_dim: the same bits. */
static inline matmul_lat_t v2_matmul_dims(const v2_t *v, double peak_flops, double compute_efficiency,
                            double stacks, const v2_dim_t *m, const v2_dim_t *k,
                            const v2_dim_t *n, double bytes, double bw)
{
    matmul_lat_t r;
    double flops = stacks * 2 * m->x * k->x * n->x;
    double eff = compute_efficiency * (m->fill * n->fill * k->fill) *
                 v2_wave_efficiency_dims(stacks, m, n, v->matmul_tile, v->matmul_units);
    r.block_comp_time = flops > 0 ? flops / (peak_flops * eff) : 0;
    r.block_ldst_time = bytes > 0 ? bytes / bw : 0;
    if (!(flops > 0) && !(bytes > 0)) {
        r.time = 0;
        return r;
    }
    /* a fixed start-up time, then the slower of compute and streaming */
    r.time = v->op_latency_s +
             (r.block_comp_time > r.block_ldst_time ? r.block_comp_time : r.block_ldst_time);
    return r;
}

/* A weight-gathered layout's all-gather of the weights one chip multiplies
 * with (half an all-reduce): the part of its communication (v2_layout_comm)
 * that does not depend on the rows. */
static inline double v2_layout_weight_gather(const v2_split_t *s, double block_weight_bytes,
                                             v2_allreduce_fn ar, const void *ctx)
{
    double gathered = block_weight_bytes * s->weight_share;
    return ar(ctx, s->gather, gathered) / 2;
}

/* Communication of one block under a layout (declared with the layouts). */
static inline double v2_layout_comm(v2_layout_id_t id, const v2_split_t *s, double n, double e, double f,
                      double act_bytes, double block_weight_bytes, v2_allreduce_fn ar, const void *ctx)
{
    switch (id) {
    case V2_LAYOUT_1D_WS:
        return ar(ctx, s->yz, n * e * act_bytes);
    case V2_LAYOUT_2D_WS:
        return ar(ctx, s->x, n * f / s->yz * act_bytes) + ar(ctx, s->yz, n * e / s->x * act_bytes);
    default:
        return v2_layout_weight_gather(s, block_weight_bytes, ar, ctx) +
               ar(ctx, s->yz, s->rows * e * act_bytes);
    }
}

#endif
