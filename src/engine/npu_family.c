/*
 * npu_family.c -- which NPU model family a configuration is, the DeepSeek
 * and DiT model records, NeuSim's by-name shape lookup (see npu_family.h).
 */
#include "engine/npu_family.h"

#include <math.h>
#include <string.h>

unsigned npu_family_quirk_parse(const char *name)
{
    if (!strcmp(name, "Q1"))
        return NSD_Q1 << NSL_MOE_SHIFT;
    if (!strcmp(name, "Q9"))
        return NSD_Q9 << NSL_MOE_SHIFT;
    if (!strcmp(name, "Q18"))
        return NSD_Q18 << NSL_MOE_SHIFT;
    if (!strcmp(name, "Q13"))
        return NSL_DIT_Q13;
    if (!strcmp(name, "Q11"))
        return (unsigned)NSR_Q11 << NSL_DLRM_SHIFT;
    if (!strcmp(name, "Q12"))
        return (unsigned)NSR_Q12 << NSL_DLRM_SHIFT;
    return 0;
}

npu_family_t npu_family_of(const npu_config_t *c)
{
    const char *t = npu_config_str(c, "model_type");
    if (strcmp(t, "dit") == 0)
        return NPU_FAM_DIT;
    if (strcmp(t, "dlrm") == 0)
        return NPU_FAM_DLRM;
    if (strcmp(t, "gligen") == 0)
        return NPU_FAM_GLIGEN;
    if (strcmp(t, "llm") == 0 && strcmp(npu_config_str(c, "ffn_type"), "deepseek_moe") == 0)
        return NPU_FAM_MOE;
    return NPU_FAM_LLM;
}

void npu_family_moe_model(const npu_config_t *c, const nsl_model_t *base, unsigned keep_quirks, int ici_axes,
                          nsd_model_t *m)
{
    memset(m, 0, sizeof *m);
    m->base = *base;
    m->moe_d_ff = npu_config_int(c, "moe_d_ff");
    if (m->moe_d_ff == -1)
        m->moe_d_ff = base->d_ff;
    m->num_dense_layers = npu_config_int(c, "num_dense_layers");
    m->num_shared_experts = npu_config_int(c, "num_shared_experts");
    m->num_routed_experts = npu_config_int(c, "num_routed_experts");
    m->top_k = npu_config_int(c, "num_activated_routed_experts_per_token");
    m->num_limited_groups = npu_config_int(c, "num_limited_groups");
    m->ep = npu_config_int(c, "expert_parallelism_degree");
    m->num_ep_axes = npu_config_int(c, "num_expert_parallel_axes");
    m->ep_dcn = npu_config_int(c, "expert_parallel_degree_dcn");
    m->kv_lora_rank = npu_config_int(c, "kv_lora_rank");
    m->q_lora_rank = npu_config_int(c, "q_lora_rank");
    m->qk_rope_head_dim = npu_config_int(c, "qk_rope_head_dim");
    m->qk_nope_head_dim = npu_config_int(c, "qk_nope_head_dim");
    m->v_head_dim = npu_config_int(c, "v_head_dim");
    m->ici_axes = ici_axes;
    m->quirks = base->compat ? NSD_QALL : keep_quirks;
}

static void lookup_one(ns_oplist_t *src, size_t i, ns_oplist_t *dst, size_t j)
{
    const op_t *a = op_graph_get(src->g, i);
    op_t *b = op_graph_at(dst->g, j);
    if (strcmp(dst->lab[j].parsed_type, "Einsum") == 0 && strcmp(src->lab[i].parsed_type, "Einsum") == 0) {
        b->in[0] = a->in[0];
        b->in[1] = a->in[1];
        b->out = a->out;
        b->einsum = a->einsum;
    } else if (dst->lab[j].op_type != NS_ICI) {
        b->out = a->out;
    }
}

void npu_family_name_lookup(ns_oplist_t *first, ns_oplist_t *second)
{
    ns_oplist_t *lists[2] = {first, second};
    for (int lj = 0; lj < 2; lj++)
        for (size_t j = 0; j < ns_oplist_len(lists[lj]); j++) {
            const char *nj = op_graph_get(lists[lj]->g, j)->name;
            bool done = false;
            for (int li = 0; li <= lj && !done; li++) {
                size_t n = li == lj ? j : ns_oplist_len(lists[li]);
                for (size_t i = 0; i < n; i++)
                    if (strcmp(op_graph_get(lists[li]->g, i)->name, nj) == 0) {
                        lookup_one(lists[li], i, lists[lj], j);
                        done = true;
                        break;
                    }
            }
        }
}

void npu_family_dit_model(const npu_config_t *c, bool keep_q13, nsl_model_t *m)
{
    int64_t W = npu_config_int(c, "image_width"), p = npu_config_int(c, "patch_size");
    if (keep_q13) {
        m->input_seqlen = (int64_t)ceil((double)(W * W) / (double)(p * p));
    } else {
        int64_t lat = W / 8; /* the VAE latent of Stable-Diffusion-style DiT: 8x down-sampled */
        m->input_seqlen = (int64_t)ceil((double)(lat * lat) / (double)(p * p));
    }
    m->output_seqlen = 1;
    m->llama_ffn = false;
}

const char *npu_family_dlrm_model(const npu_config_t *c, bool compat, unsigned keep_quirks, int ici_axes,
                                  nsr_model_t *m, char *buf, size_t len)
{
    memset(m, 0, sizeof *m);
    m->dim = npu_config_int(c, "embedding_dim");
    m->global_batch_size = npu_config_int(c, "global_batch_size");
    m->num_chips = npu_config_int(c, "num_chips");
    m->dp = npu_config_int(c, "data_parallelism_degree");
    m->tp = npu_config_int(c, "tensor_parallelism_degree");
    m->pp = npu_config_int(c, "pipeline_parallelism_degree");
    m->ici_bw_GBps = npu_config_num(c, "ici_bw_GBps");
    m->ici_latency_ns = npu_config_num(c, "ici_latency_ns");
    m->hbm_size_GB = npu_config_num(c, "hbm_size_GB");
    m->ici_axes = ici_axes;
    m->quirks = compat ? NSR_QALL : (keep_quirks >> NSL_DLRM_SHIFT) & NSR_QALL;
    if (m->num_chips < 1 || m->dp < 1 || m->tp < 1) {
        snprintf(buf, len, "num_chips and the parallelism degrees must be >= 1");
        return buf;
    }
    const char *why = nsr_model_read(m, npu_config_str(c, "embedding_table_sizes"),
                                     npu_config_str(c, "num_indices_per_lookup"), npu_config_str(c, "bottom_mlp_config"),
                                     npu_config_str(c, "top_mlp_config"), buf, len);
    return why ? why : nsr_check(m, buf, len);
}
