/*
 * kern_eval.h -- one evaluation of the kernel model: the profiles of a run
 * (prefill, decode, and chunked prefill when a chunk is given), each timed
 * by the simple roofline and the theoretical tiler.
 */
#ifndef KERNELS_KERN_EVAL_H
#define KERNELS_KERN_EVAL_H

#include "kernels/estimate.h"
#include "kernels/kern_hw.h"
#include "kernels/kernel.h"
#include "kernels/kmodel.h"
#include "kernels/profiles.h"

typedef struct {
    kern_workload_t prof[3];   /* prefill, decode, chunked */
    size_t n;                  /* 2, or 3 with a chunk */
    double bytes_per_value;    /* the model's with KF_UNITS, else the notebook's 2 */
} kern_result_t;

/* Derives r's contexts, builds and times every profile.  -1 + err on
 * unusable lengths or overflow (nothing to free then). */
int kern_evaluate(const kern_model_t *m, const kern_hw_t *hw, kern_run_t *r, kern_result_t *out, char *err,
                  size_t errlen);
void kern_result_free(kern_result_t *res);

#endif
