/*
 * gemm_list.h -- the "mnk" GEMM list frontend (ASTRA-sim 1.0's workload
 * generator input): a CSV whose first line is a header and whose rows are
 * `name,m,n,k[,strategy]`, read into an op graph of GEMM records.
 *
 * m = rows of the activation matrix (batch x tokens), n = output
 * features, k = input features (the reduction).  The optional fifth
 * column is a per-layer parallelization strategy; the frontend keeps its
 * text and where it was, and the backend decides what it means.
 */
#ifndef OPS_GEMM_LIST_H
#define OPS_GEMM_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/node.h"
#include "ops/op.h"

#define GEMM_LIST_STRATEGY_MAX 32
#define GEMM_LIST_MAX_DIM ((int64_t)1 << 40) /* m, n, k each at most 2^40 */

typedef struct {
    op_graph_t *g;          /* one OPK_MATMUL op per row, in file order, chained by deps */
    size_t n;               /* rows (= op_graph_len(g)) */
    char (*strategy)[GEMM_LIST_STRATEGY_MAX]; /* per row: column 5, "" when absent */
    int *line;              /* per row: its 1-based line in the file */
    int *strategy_col;      /* per row: 1-based column of field 5 (0 when absent) */
    char file[512];         /* the path, for located messages */
    int columns;            /* 4 or 5 when every row has that many; 0 when mixed or empty */
} gemm_list_t;

/* Read an mnk CSV.  Line 1 is the header (not checked, like the original);
 * blank lines are skipped; CR before LF is accepted.  Each row must have 4
 * or 5 comma-separated fields; m, n, k must be integers in [1, 2^40]; the
 * name must be non-empty and free of whitespace (ASTRA-sim splits tokens on
 * whitespace).  Returns 0, or -1 with "file:line:col: what is wrong" in err
 * (an empty list is an error too).  elem_bytes sets the dtype's element
 * size for the records' byte counts (1, 2, 4 or 8; others count as 2). */
int gemm_list_load(const char *path, int elem_bytes, gemm_list_t *out, cfg_err_t *err);
/* The same for text in memory; name stands in for the file. */
int gemm_list_load_text(const char *name, const char *text, size_t len, int elem_bytes, gemm_list_t *out,
                        cfg_err_t *err);
/* Append one GEMM record (name, m, n, k) as a row, for frontends that build
 * a list in code (train_gemms).  has_weights false marks a GEMM between two
 * activations (attention scores and context): params and weight_bytes are
 * 0.  Returns 0 or -1 (out of memory). */
int gemm_list_add(gemm_list_t *l, const char *name, int64_t m, int64_t n, int64_t k, int elem_bytes,
                  bool has_weights, const char *strategy, int line);
/* An empty list (g allocated); -1 when out of memory. */
int gemm_list_init(gemm_list_t *l, const char *file);
void gemm_list_free(gemm_list_t *l);

#endif
