/*
 * report.h -- the model CSV selection of ReaLLM v1 (performance_dump.py):
 * for each optimization goal and each evaluation length, the system point
 * best at batch 8, then that system's best mapping at every batch.
 *
 * Only the selection and the row values live here; formatting and writing
 * the CSV belong to the caller.
 */
#ifndef PERF_REPORT_H
#define PERF_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "perf/system.h"

/* The batch the system is chosen at. */
#define REPORT_TARGET_BATCH 8

typedef struct {
    const char *opt_goal;          /* prefill_lat, decoding_lat or tco */
    double input_len, output_len;  /* eval_len */
    double batch;
    double prefill_sec, decoding_sec, tco_per_Mtoken;
    double prefill_io_sec, prefill_compute_sec, prefill_mem_sec;
    double decoding_io_sec, decoding_compute_sec, decoding_mem_sec;
    double capex, opex;            /* USD over the server life, whole system */
    size_t system_index;           /* index into the results given */
} report_row_t;

typedef struct {
    report_row_t *rows;            /* in CSV order */
    size_t n_rows;
    char *warnings;                /* one line per skipped group, or NULL */
    size_t n_warnings;
} report_t;

/* Rows of the model CSV from the system results of one model, in
 * enumeration order (invalid results are ignored).  Results are grouped by
 * eval_len in order of first appearance; for opt_goal prefill_lat,
 * decoding_lat, tco (outer) and each group (inner) the system best at batch
 * 8 (strict <, first wins) gives one row per batch 1, 2, 4 .. the group's
 * max_batch that it has a best mapping for.  A group where no system
 * reaches batch 8 is skipped with a warning line instead.  False only when
 * out of memory.  Free with report_free. */
bool report_model_rows(const system_result_t *results, size_t n, report_t *out, char *err,
                       size_t errlen);

void report_free(report_t *r);

#endif
