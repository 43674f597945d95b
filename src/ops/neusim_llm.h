/*
 * neusim_llm.h -- the Llama-style LLM frontend of the NPU simulator
 * (NeuSim's LLMOpsGenerator, spec §2, §5.1-5.3, §5.8): prefill and decode
 * op lists (flash and non-flash attention, KV-cache swap), the training
 * forward pass, tensor / pipeline / data parallelism with the collectives
 * and transfers they insert, and the memory-footprint model.
 *
 * With compat set the lists are NeuSim's, quirks included; otherwise the
 * perf-side quirks of spec §10 are fixed (docs/npu-model.md):
 * Q4 GQA in the K/V shapes, Q5 flash-attention FLOPs, Q6 decode at the
 * mean context, Q7 parallelism degrees without axes, Q8 the FFN gather,
 * Q10 DCN transfers, Q15 two-operand binary ops, Q16 training's backward
 * norms and weight counts, Q21 RMSNorm, Q24 KV-swap bytes, Q27 the norm
 * width after a reduce-scatter, Q28 the inference footprint; each can be
 * kept with the NSL_Q* flags.
 */
#ifndef OPS_NEUSIM_LLM_H
#define OPS_NEUSIM_LLM_H

#include <stdbool.h>
#include <stdint.h>

#include "ops/neusim_ops.h"

/* NeuSim quirks (spec §10, docs/npu-model.md) the default mode fixes; a
 * set bit keeps NeuSim's behaviour. */
enum {
    NSL_Q4 = 1u << 0,   /* GQA ignored: K/V projections and KV cache with all heads */
    NSL_Q5 = 1u << 1,   /* flash-attention FLOPs and output shape use num_heads for d_head */
    NSL_Q6 = 1u << 2,   /* every decode step attends to the final context L+O */
    NSL_Q7 = 1u << 3,   /* a parallelism degree without axes is not modelled */
    NSL_Q8 = 1u << 4,   /* the FFN all-gather moves [B, D] (no sequence axis) */
    NSL_Q15 = 1u << 5,  /* Add/Mul read one operand */
    NSL_Q16 = 1u << 6,  /* training: LayerNorm backward once per stage, X and Y grads both count weights,
                           backward attention at width D/t */
    NSL_Q21 = 1u << 7,  /* Llama's RMSNorm costed as LayerNorm */
    NSL_Q24 = 1u << 8,  /* KV swap moves twice the excess bytes */
    NSL_Q27 = 1u << 9,  /* post-attention norm at full width after the reduce-scatter (non-flash, decode) */
    NSL_Q28 = 1u << 10, /* inference memory footprint keeps every layer's transient activations */
    NSL_Q10 = 1u << 11, /* pipeline transfers over DCN at ICI bandwidth and latency */
    NSL_QALL = (1u << 12) - 1
};

/* "Q4" -> NSL_Q4; 0 when unknown. */
unsigned nsl_quirk_parse(const char *name);

typedef struct {
    /* model */
    int64_t d_model, num_heads, num_kv_heads, d_head, d_ff, num_layers;
    int64_t input_seqlen, output_seqlen, decode_width;
    bool llama_ffn;                 /* ffn_type "llama" (else "default") */
    bool use_flash_attention;
    bool enable_swap_kv_cache;
    int64_t max_swap_prefill, max_swap_decode;
    /* batch and parallelism */
    int64_t global_batch_size, microbatch_size_ici, num_chips;
    int64_t dp, tp, pp, dp_dcn, tp_dcn, pp_dcn;
    int num_dp_axes, num_tp_axes, num_pp_axes;
    /* chip */
    double hbm_size_GB, ici_bw_GBps, ici_latency_ns, pcie_bw_GBps, pcie_latency_ns, dcn_bw_GBps, dcn_latency_ns;
    bool compat;                    /* NeuSim's lists, every quirk kept */
    unsigned quirks;                /* without compat: the NSL_Q* quirks kept anyway */
} nsl_model_t;

/* Why a model cannot be generated (parallelism, shapes); NULL when fine. */
const char *nsl_check(const nsl_model_t *m, char *buf, size_t len);

/* Inference: prefill and decode lists (both initialised here; the caller
 * frees them with ns_oplist_free).  Returns false when out of memory. */
bool nsl_inference(const nsl_model_t *m, ns_oplist_t *prefill, ns_oplist_t *decode);
/* Training: forward, backward and weight update of one pipeline stage
 * (NeuSim's LLMOpsGeneratorTraining; flash attention is turned off as
 * NeuSim's batch driver does).  Only ffn_type "llama" has a backward pass. */
bool nsl_training(const nsl_model_t *m, ns_oplist_t *ops);

/* Memory footprint per chip in bytes (spec §5.8); decode = true uses the
 * final context L+O.  Without NSL_Q28 kept (the fix), only the KV cache is
 * per layer; the Q and FFN activations are counted once. */
double nsl_inference_mem_bytes(const nsl_model_t *m, bool decode);
double nsl_training_mem_bytes(const nsl_model_t *m);

#endif
