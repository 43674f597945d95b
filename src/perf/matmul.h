/*
 * matmul.h -- latency of one (batched) matrix multiplication on one chip,
 * per dataflow (ReaLLM v1 MatmulLatency): `roofline` and `WS` (weight
 * stationary systolic arrays), as a table of named dataflows.
 *
 * The product is [stacks] x (I x J) * (J x K); operand B (J x K) is read
 * from memory at weight_bw bytes/s.  Dimensions may be fractional (the
 * generate stage's context length), exactly as in the reference.
 */
#ifndef PERF_MATMUL_H
#define PERF_MATMUL_H

#include <stddef.h>

#include "hw/hw.h"

/* Bytes per element the reference's matmul model uses: its default, never
 * the model's bytes_per_number. */
#define MATMUL_DATA_BYTES 2.0

typedef struct {
    double block_comp_time;   /* s */
    double block_ldst_time;   /* s */
    double time;              /* s */
} matmul_lat_t;

typedef struct {
    const chip_t *chip;
    double compute_perf_efficiency;  /* scales chip->perf (roofline) */
} matmul_chip_t;

typedef matmul_lat_t (*matmul_fn)(const matmul_chip_t *c, double stacks, double I,
                                  double J, double K, double weight_bw);

typedef struct {
    const char *name;
    matmul_fn latency;
} matmul_dataflow_t;

extern const matmul_dataflow_t matmul_dataflows[];
extern const size_t matmul_dataflow_count;

/* The dataflow called `name`; NULL with "unknown dataflow 'x' (valid:
 * roofline, WS)" in err otherwise. */
const matmul_dataflow_t *matmul_find(const char *name, char *err, size_t errlen);

#endif
