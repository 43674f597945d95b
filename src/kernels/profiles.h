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

/* The fixes of the notebook's bugs (spec §7.6), one bit each so that each
 * one's effect can be measured alone (docs/kernels-model.md).  KM_NOTEBOOK
 * runs with none, the default with all. */
enum {
    KF_GQA = 1 << 0,          /* attention per K/V head: k = head_dim, g query heads share K/V,
                                 sequences x KV heads separate GEMMs (the tiler folds none of
                                 them); the KV read is the attention rows' B operand; fused:
                                 the probabilities stay on chip */
    KF_HEAD_DIM = 1 << 1,     /* explicit head_dim; O*W reads nq x head_dim */
    KF_CHUNK_WIDTH = 1 << 2,  /* chunked decode tokens attend dC keys, not d x nkv */
    KF_KV_TIMED = 1 << 3,     /* KV stores timed; the chunk's prefix read is a read (KVCache) */
    KF_CAUSAL = 1 << 4,       /* causal masking: query i sees i keys; a chunk follows the
                                 average chunk offset (S - pT) / 2, not S/1.73 - pT/2 */
    KF_KV_WRITES = 1 << 5,    /* decode tokens store their K/V (decode and chunked) */
    KF_NORMS = 1 << 6,        /* the two norms of each layer and the final norm */
    KF_LM_HEAD = 1 << 7,      /* the vocabulary projection (logits of the tokens that sample) */
    KF_FOLD = 1 << 8,         /* the tiler stacks a weight row's sequences into its token
                                 dimension instead of squaring the output */
    KF_FFN = 1 << 9,          /* the FFN of the model: no gate for a GELU MLP (GPT-2) */
    KF_UNITS = 1 << 10,       /* bytes per value from the model's dtype; bytes reported as bytes */
    KF_ALL = (1 << 11) - 1
};

/* {name, bit} of every fix, in bit order ("gqa", "head_dim", ...). */
typedef struct {
    const char *name;
    unsigned bit;
    const char *what;
} kern_fix_t;
extern const kern_fix_t kern_fixes[11];
/* Parse "all", "none" or a comma-separated list of fix names into *bits;
 * -1 + err (listing the valid names) on an unknown name. */
int kern_fixes_parse(const char *list, unsigned *bits, char *err, size_t errlen);

/* The run: lengths and batches as given, and the contexts derived from
 * them (kern_run_derive). */
typedef struct {
    kern_mode_t mode;        /* output form; KM_NOTEBOOK also means fixes = 0 */
    unsigned fixes_off;      /* KF_* bits of fixes left out in KM_DEFAULT (0: all applied) */
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

/* The fixes a run applies: none in notebook mode. */
unsigned kern_run_fixes(const kern_run_t *r);

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
