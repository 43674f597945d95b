/*
 * npu_family.h -- the NPU model families beyond Llama-style LLMs that one
 * simulation may be (DeepSeek MoE, DiT): which family a merged
 * configuration is, its model record, and NeuSim's by-name shape lookup
 * (Q1) that compat reproduces.  npu_run calls these; they write nothing.
 */
#ifndef ENGINE_NPU_FAMILY_H
#define ENGINE_NPU_FAMILY_H

#include <stdbool.h>

#include "npu/npu_config.h"
#include "ops/neusim_deepseek.h"
#include "ops/neusim_dlrm.h"
#include "ops/neusim_gligen.h"

/* keep_quirks bits of npu_run beyond the LLM frontend's NSL_* ones: the
 * DeepSeek NSD_* bits shifted by NSL_MOE_SHIFT, and DiT's Q13 */
#define NSL_MOE_SHIFT 16
#define NSL_DIT_Q13 (1u << 24)
#define NSL_DLRM_SHIFT 25 /* NSR_* bits */

typedef enum { NPU_FAM_LLM = 0, NPU_FAM_MOE, NPU_FAM_DIT, NPU_FAM_DLRM, NPU_FAM_GLIGEN } npu_family_t;

/* The DLRM record (tables placed); NULL when fine, else why. */
const char *npu_family_dlrm_model(const npu_config_t *c, bool compat, unsigned keep_quirks, int ici_axes,
                                  nsr_model_t *m, char *buf, size_t len);

/* "Q1", "Q9", "Q18" (DeepSeek), "Q13" (DiT), "Q11", "Q12" (DLRM) -> their keep_quirks bit; 0 when unknown. */
unsigned npu_family_quirk_parse(const char *name);

/* llm + ffn_type deepseek_moe -> MOE; model_type dit -> DIT; else LLM. */
npu_family_t npu_family_of(const npu_config_t *c);
/* The DeepSeek record: base is the LLM record already read. */
void npu_family_moe_model(const npu_config_t *c, const nsl_model_t *base, unsigned keep_quirks, int ici_axes,
                          nsd_model_t *m);
/* NeuSim's backend finds an op's shapes by name, first match over prefill
 * then decode (Q1): each later op that shares a name takes the first one's
 * operands (einsums) or output (other ops) for its timing.  FLOPs, counts
 * and the CSV's shape strings stay its own. */
void npu_family_name_lookup(ns_oplist_t *first, ns_oplist_t *second);
/* DiT as an LLM prefill (spec §5.6): input_seqlen from the image
 * (Q13 kept: pixels, ceil(W^2/p^2); fixed: the 8x-downsampled latent,
 * ceil((W/8)^2/p^2)), output_seqlen 1, ffn_type default. */
void npu_family_dit_model(const npu_config_t *c, bool keep_q13, nsl_model_t *m);

#endif
