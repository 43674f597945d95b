/*
 * npu_out.h -- the files of `hwsweep npu`: NeuSim's 101-column per-op CSV
 * (csv.DictWriter: \r\n, minimal quoting, Python number forms) and the
 * statistics JSON (json.dump indent 4) with the merged configuration.
 */
#ifndef CLI_NPU_OUT_H
#define CLI_NPU_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/npu_run.h"

/* stdio buffer of each output file (setvbuf; glibc ignores the size
 * unless given the buffer): a phase's CSV fits, so a file is one write(2). */
#define NPU_OUT_BUF_BYTES (64 << 10) /* under malloc's mmap threshold: from the heap */

/* The 101 column names, in order. */
extern const char *const npu_csv_columns[];
extern const int npu_csv_ncolumns;

/* The header line; the rows of one phase as text (malloc'd, *len bytes),
 * so files that repeat rows format them once. */
void npu_csv_header(FILE *f);
char *npu_csv_rows(const npu_phase_t *ph, size_t *len);
/* Write the header and the rows of the given phases to f. */
bool npu_csv_write(FILE *f, const npu_phase_t *const *phases, int nphase);
/* The phase's statistics JSON, with sim_config. */
bool npu_json_write(FILE *f, const npu_run_t *r, const npu_phase_t *ph);
/* The same with sim_config's body rendered once (npu_json_config_text,
 * malloc'd) for all phases of a run. */
char *npu_json_config_text(const npu_run_t *r);
bool npu_json_write_with(FILE *f, const npu_run_t *r, const npu_phase_t *ph, const char *config_text);
/* DLRM: chip `chip`'s OUT_chip<i>.json (its trace statistics, requests per
 * second and latency_ns, as run_sim's dump_stats_dlrm writes per chip). */
bool npu_json_write_chip(FILE *f, const npu_run_t *r, int64_t chip, const char *config_text);

#endif
