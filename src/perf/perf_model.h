/*
 * perf_model.h -- the named performance models a system file chooses with
 * `perf_model:` (reference, v2), as a {name, fn} table.
 *
 * reference: ReaLLM v1's model, bit-exact with the golden data (perf.c).
 * v2: the corrected model of docs/perf-model-v2.md (v2_*.c).
 *
 * Each entry builds the micro-batch pass of a stage (its times and energy;
 * perf_micro_batch_finish adds the bottleneck and breakdown) and may adjust the
 * derived model sizes a system is sized with (KV cache and weight bytes).
 */
#ifndef PERF_PERF_MODEL_H
#define PERF_PERF_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "perf/perf.h"
#include "perf/perf_types.h"

struct system_s;

typedef struct {
    const char *name;
    void (*micro_batch)(const struct system_s *sys, perf_stage_t stage, double t, double p,
                        double micro_batch, micro_batch_t *out);
    /* after model_derive and before sizing; NULL = nothing to adjust */
    bool (*derive)(struct system_s *sys, const model_cfg_t *m, const system_cfg_t *cfg,
                   char *err, size_t errlen);
    /* Optional (0 and NULL: none): the part of a pass that its stage size
     * (t, p) alone fixes, which a search meeting many passes of one stage
     * size builds once (stage_init, into stage_size bytes) and hands to
     * micro_batch_at for each stage and micro-batch; micro_batch is then
     * stage_init followed by micro_batch_at, the same bits. */
    size_t stage_size;
    void (*stage_init)(const struct system_s *sys, double t, double p, void *stage);
    void (*micro_batch_at)(const struct system_s *sys, const void *stage, perf_stage_t s,
                           double micro_batch, micro_batch_t *out);
} perf_model_t;

extern const perf_model_t perf_models[];
extern const size_t perf_model_count;

/* The model called name ("" = reference); NULL with "unknown perf_model
 * 'x' (valid: reference, v2)" in err otherwise. */
const perf_model_t *perf_model_find(const char *name, char *err, size_t errlen);

#endif
