/*
 * report.h -- the kernel model's output: a readable table per profile
 * with its totals, the notebook's printed summary lines in compat mode,
 * and CSV (one row per kernel, every estimate in full precision).
 */
#ifndef KERNELS_REPORT_H
#define KERNELS_REPORT_H

#include <stdio.h>

#include "kernels/kern_hw.h"
#include "kernels/kernel.h"
#include "kernels/kmodel.h"
#include "kernels/profiles.h"

/* The notebook's convert_number_to_string: 1024-based M/G/T/P with one
 * decimal ("68.0T"), the plain integer below 1 Mi. */
void kern_count_str(char *buf, size_t len, double count);

/* Whole-model figures of one profile: per-layer rows x layers plus the
 * once-per-model rows; bytes = elements x bytes_per_value. */
typedef struct {
    double compute_macs, weight_bytes, kv_bytes;
    double compute_cycles, memory_cycles, tiler_s; /* tiler, cycles / frequency */
    double roofline_s;                             /* simple roofline */
} kern_summary_t;
kern_summary_t kern_summarize(const kern_workload_t *w, const kern_model_t *m, const kern_hw_t *hw,
                              double bytes_per_value);

void kern_report_header(FILE *f, const kern_model_t *m, const kern_hw_t *hw, const kern_run_t *r);
void kern_report_table(FILE *f, const kern_workload_t *w, const kern_model_t *m, const kern_hw_t *hw,
                       const kern_run_t *r, double bytes_per_value);
/* After the last profile: the notebook's final cell (compat) or nothing. */
void kern_report_footer(FILE *f, const kern_workload_t *last, const kern_run_t *r);

void kern_report_csv_header(FILE *f);
void kern_report_csv(FILE *f, const kern_workload_t *w, const kern_run_t *r);

#endif
