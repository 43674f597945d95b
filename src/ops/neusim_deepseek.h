/*
 * neusim_deepseek.h -- the DeepSeek frontend of the NPU simulator
 * (NeuSim's DeepSeekOpsGenerator, spec §5.4): multi-head latent attention
 * and the MoE FFN with routed and shared experts, expert and
 * expert-tensor parallelism with the all-to-all dispatch and combine, and
 * the DeepSeek memory footprint.
 *
 * With compat (or the quirk kept) the lists are NeuSim's; the default
 * fixes (docs/npu-model.md):
 *   Q9  the MLA collectives gather [B,S,D/t] -> [B,S,D] (NeuSim: [B,S,D] -> [B,S,D*t])
 *       and the post-attention reduce-scatter / RMSNorm / all-gather are D wide, not D*t;
 *   Q18 tokens are routed: each chip runs its E/ep local experts on
 *       B*S*top_k/ep token slots (NeuSim: all B*S tokens through each of
 *       the top_k experts on every chip), and the first num_dense_layers
 *       layers have a dense FFN of width d_ff (NeuSim: every layer MoE);
 *       the attention Count is layers per stage (NeuSim: all layers).
 * Q1 (decode ops timed with prefill shapes) lives in the per-op timing:
 * npu_run times DeepSeek with each op's own shapes unless compat.
 */
#ifndef OPS_NEUSIM_DEEPSEEK_H
#define OPS_NEUSIM_DEEPSEEK_H

#include <stdbool.h>
#include <stdint.h>

#include "ops/neusim_llm.h"

/* quirk bits of this frontend (kept when set; compat keeps all) */
enum {
    NSD_Q1 = 1u << 0,
    NSD_Q9 = 1u << 1,
    NSD_Q18 = 1u << 2,
    NSD_QALL = (1u << 3) - 1
};

typedef struct {
    nsl_model_t base;               /* d_model, heads, layers, batch, tp/dp/pp, chip links */
    int64_t moe_d_ff, num_dense_layers, num_shared_experts, num_routed_experts, top_k, num_limited_groups;
    int64_t ep, num_ep_axes, ep_dcn;
    int64_t kv_lora_rank, q_lora_rank, qk_rope_head_dim, qk_nope_head_dim, v_head_dim;
    int ici_axes;                   /* 2 for a 2D torus, else 3 (bisection bandwidth) */
    unsigned quirks;                /* NSD_* kept (compat: all) */
} nsd_model_t;

/* Why the model cannot be generated; NULL when fine. */
const char *nsd_check(const nsd_model_t *m, char *buf, size_t len);
/* etp = dp*tp // ep and its axes (spec §1.4). */
int64_t nsd_etp(const nsd_model_t *m);
/* Prefill and decode lists (initialised here). */
bool nsd_inference(const nsd_model_t *m, ns_oplist_t *prefill, ns_oplist_t *decode);
/* Memory footprint in bytes (spec §5.4), decode = context L+O. */
double nsd_mem_bytes(const nsd_model_t *m, bool decode);

#endif
