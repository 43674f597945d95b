/*
 * neusim_gligen.h -- the GLIGEN frontend of the NPU simulator (NeuSim's
 * GLIGENOpsGenerator, spec §5.7): the time-embedding MLP and, per diffusion
 * step, the UNet (ResNet blocks of GroupNorm + Conv2D, spatial transformers
 * with self-attention, gated self-attention over the grounding tokens and
 * cross-attention over the text context, down- and up-sampling).
 *
 * Modelled as NeuSim does for pipeline 1: data parallelism divides the
 * batch; tensor parallelism (one axis of degree tp) splits the attention
 * heads, the FFN width and the time-embedding MLP, with NeuSim's all-gathers
 * and reduce-scatters around attention and FFN, while the convolutions,
 * group norms and ResNet einsums run whole on every chip; flash attention
 * only.  The grounding encoders are not part of NeuSim's list either.
 */
#ifndef OPS_NEUSIM_GLIGEN_H
#define OPS_NEUSIM_GLIGEN_H

#include <stdbool.h>
#include <stdint.h>

#include "ops/neusim_ops.h"

#define NSG_MAX_LEVELS 8

typedef struct {
    int64_t batch;                         /* ceil(global_batch_size / dp) */
    int64_t image_num_channels, latent_h, latent_w, model_channels, num_res_blocks, num_heads, context_dim;
    int64_t channel_mult[NSG_MAX_LEVELS], nlevels;
    int64_t attention_resolutions[NSG_MAX_LEVELS], nattn;
    int64_t context_seqlen, num_objects;   /* text tokens, grounding boxes */
    int64_t num_diffusion_steps;
    bool q5, q15;                          /* NeuSim's flash FLOPs, one-operand Add */
    int64_t tp;                            /* tensor parallelism degree (one axis) */
    bool q8;                               /* NeuSim's MLP all-gather of [B, D] */
} nsg_model_t;

/* Read unet_config / grounding_input_config (JSON text, "{}" = NeuSim's
 * defaults) into m; NULL when fine, else why. */
const char *nsg_model_read(nsg_model_t *m, const char *unet_json, const char *grounding_json, char *buf, size_t len);
/* The op list (initialised here). */
bool nsg_ops(const nsg_model_t *m, double ici_bw_GBps, double ici_latency_ns, ns_oplist_t *L);

#endif
