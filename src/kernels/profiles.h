/*
 * profiles.h -- the workload profiles of the kernel model (spec §7.3):
 * prefill, decode and chunked prefill, each a list of kernel rows for one
 * decoder layer plus the rows that run once per model.
 *
 * Two modes.  KM_NOTEBOOK rebuilds the notebook's rows with its bugs, so
 * its printed numbers come out exactly.  KM_DEFAULT fixes them (spec §7.6;
 * docs/kernels-model.md): attention MACs from head_dim and the real key
 * count, explicit head_dim, decode width in chunked prefill, KV writes and
 * prefix reads timed, causal masking, norms and lm_head counted.
 */
#ifndef KERNELS_PROFILES_H
#define KERNELS_PROFILES_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/kernel.h"
#include "kernels/kmodel.h"

typedef enum { KM_DEFAULT = 0, KM_NOTEBOOK } kern_mode_t;

/* The run: lengths and batches as given, and the contexts derived from
 * them (kern_run_derive). */
typedef struct {
    kern_mode_t mode;
    int64_t input_len, output_len;
    int64_t batch;           /* sequences in a decode step (the notebook's d_batch_size) */
    int64_t prefill_batch;   /* sequences in a prefill (p_batch_size) */
    int64_t chunk;           /* chunked-prefill token budget per step; 0 = none */
    /* derived */
    int64_t decode_ctx;      /* keys a decode step attends: input + output // 2 */
    int64_t chunk_dtokens;   /* decode tokens in a chunk: chunk * output // (input + output) */
    int64_t chunk_ptokens;   /* prompt tokens in a chunk: chunk - chunk_dtokens */
    int64_t chunk_pctx;      /* prompt tokens before the chunk: notebook int(input/1.73 - pT//2),
                                default (input - pT) // 2, the average chunk's offset */
} kern_run_t;

/* Check the lengths and derive the contexts; -1 + err when unusable. */
int kern_run_derive(kern_run_t *r, char *err, size_t errlen);

/* Build one profile into w (initialised here).  -1 + err on overflow. */
typedef int (*kern_profile_fn)(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err,
                               size_t errlen);
int kern_profile_prefill(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen);
int kern_profile_decode(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen);
int kern_profile_chunked(const kern_model_t *m, const kern_run_t *r, kern_workload_t *w, char *err, size_t errlen);

typedef struct {
    const char *name;
    kern_profile_fn fn;
} kern_profile_t;
/* {prefill, decode, chunked}, in the notebook's order. */
extern const kern_profile_t kern_profiles[3];

#endif
