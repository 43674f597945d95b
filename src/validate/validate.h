/*
 * validate.h -- the validation table: published measurements (one CSV row
 * each, with the hardware, model and system files that reproduce its
 * setting), what a performance model predicts for each, and the summary of
 * the errors (`hwsweep validate`, `make validate`).
 *
 * Metrics (the `metric` column), each a named function:
 *   layer_prefill_s   one prefill pass of `batch` sequences of input_len
 *                     tokens (the model file may hold one layer)
 *   decode_step_s     one decode step of `batch` sequences with
 *                     input_len + output_len cached tokens
 *   prefill_s         time to first token of `batch` sequences
 *   decode_s_per_token  one decode step, context input_len + output_len / 2
 *   throughput_tok_s  offline output tokens/s: trtllm-bench's run of its
 *                     dataset's requests (val_trtllm_num_requests), iteration
 *                     by iteration (val_inflight_run_s), as many in flight as
 *                     the KV cache holds (VAL_KV_MEM_FRACTION of the memory
 *                     left by the weights) within trtllm-bench's batch and
 *                     token budget; for a pair without a listed dataset the
 *                     steady state (val_inflight_batch), each context
 *                     prefilled in the iteration's leftover token budget; the
 *                     executor's host work per iteration hidden behind the
 *                     GPU's unless longer (val_overlap_iterations_s)
 *   static_throughput_tok_s_per_gpu  `batch` sequences prefilled together
 *                     (the context step makes the first output token), then
 *                     output_len - 1 decode steps (context input_len +
 *                     output_len / 2): output tokens/s per chip
 */
#ifndef VALIDATE_VALIDATE_H
#define VALIDATE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "config/node.h"
#include "hw/hw.h"

/* TensorRT-LLM's defaults (docs/source/performance: perf-overview.md,
 * tuning-max-batch-size-and-max-num-tokens.md).  VAL_MAX_BATCH and
 * VAL_MAX_NUM_TOKENS are the LLM API's defaults; trtllm-bench, which the
 * throughput rows ran, replaces them with val_trtllm_bench_settings. */
#define VAL_KV_MEM_FRACTION 0.90
#define VAL_MAX_BATCH 2048
#define VAL_MAX_NUM_TOKENS 8192

/* The max batch size and max num tokens `trtllm-bench throughput` (PyTorch
 * backend, TensorRT-LLM 1.0) sets when the command names neither, for a
 * dataset of isl-token inputs and osl-token outputs whose KV cache holds
 * kv_requests sequences over pp pipeline stages
 * (tensorrt_llm/bench/build/tuning.py finetune_setting): the batch is
 * min(kv_requests, 4096) / pp rounded up to 32 (at least 64) below 256, to
 * 128 below 1024, to 256 above; the token budget is batch x (1 + isl/osl)
 * (at most 32768) rounded up to 256 (at least 2048) below 4096, to 512
 * below 8192, to 1024 above.  Chunked prefill is off by default
 * (tensorrt_llm/bench/benchmark/utils/general.py get_settings), so the
 * budget is raised to at least isl + max batch. */
typedef struct {
    double max_batch_size, max_num_tokens;
} val_bench_settings_t;

val_bench_settings_t val_trtllm_bench_settings(double kv_requests, double isl, double osl,
                                               double pp);

/* Sequences in flight in the steady state of in-flight batching under s:
 * each iteration runs every running sequence's next token plus the whole
 * contexts of the sequences that replace the batch / osl finishing ones,
 * batch x (1 + isl / osl) tokens, which max_num_tokens bounds; the KV
 * cache (kv_requests) and max_batch_size bound it too.  Replaces the
 * min(kv_requests, VAL_MAX_BATCH) of the first throughput model. */
double val_inflight_batch(const val_bench_settings_t *s, double kv_requests, double isl,
                          double osl);

/* Generation steps of a request of output_len tokens: the context step
 * makes the first, each generation step one more (TensorRT-LLM's
 * GptSession::generate and trtllm-bench, whose TPOT is (latency - TTFT) /
 * (osl - 1)). */
double val_generation_steps(double output_len);

/* Host time of TensorRT-LLM's PyTorch executor per running request and
 * iteration (scheduling, sampling bookkeeping, request management on one
 * Python thread): 45.11 ms of host_step_time per iteration at
 * max_batch_size 1536 per rank, measured in NVIDIA/TensorRT-LLM PR 10273
 * (Dec. 2025, GB200, GPT-OSS-120B, ADP2, concurrency 3072, ISL = OSL =
 * 1k, the C++ scheduler), "scenarios where the host overhead is the
 * bottleneck": 45.11 ms / 1536 = 29.4 us.  Measured on a Grace host and a
 * later release than the throughput rows' 1.0 (docs/perf-model-v2.md). */
double val_trtllm_pytorch_host_s_per_request(void);

/* Time of `iterations` iterations of an executor whose overlap scheduler
 * prepares iteration i + 1 on the host while the GPU runs iteration i
 * (TensorRT-LLM's "Overlap Scheduler"): the slower of the GPU's time and
 * the host's, running requests x host_s_per_request each iteration. */
double val_overlap_iterations_s(double gpu_s, double iterations, double running,
                                double host_s_per_request);

/* Requests in the dataset trtllm-bench ran for an (isl, osl) pair: the
 * `$num_requests` table of TensorRT-LLM's perf-overview.md at 00f37686
 * ("Preparing a Dataset": 30000 for 128/128, 3000 for 128/2048, 2048/128,
 * 1000/1000, 500/2000, 1500 for 128/4096, 1000/2000, 2048/2048, 5000/500,
 * 1000 for 20000/2000); 0 for a pair the table does not list. */
double val_trtllm_num_requests(double isl, double osl);

/* One pass of the model for `sequences` sequences: their contexts
 * (STAGE_PREFILL) or one next token each (STAGE_GENERATE), in seconds. */
typedef double (*val_pass_fn)(void *ctx, int generate, double sequences);

/* Wall time of trtllm-bench's whole run of `requests` equal requests, all
 * queued at the start, iteration by iteration (in-flight batching without
 * chunked prefill): each iteration runs one token of every generating
 * request plus the whole contexts of as many queued requests as fit beside
 * them in max_num_tokens (`budget`) and in `cap` requests in flight (max
 * batch size and KV cache); a context produces its request's first output
 * token, osl - 1 generation iterations the rest (trtllm-bench's TPOT is
 * (latency - TTFT) / (osl - 1): the sample report of perf-overview.md,
 * (75903.4 - 52667.0) / 127 = 183.0 ms); each iteration lasts the slower
 * of its GPU passes and the host's requests x host_s_per_request
 * (val_overlap_iterations_s).  The ramp-up, the whole-context admissions
 * and the drain of the last requests are what the steady state
 * (val_inflight_batch) leaves out.  Pass times are memoized per sequence
 * count; NAN when out of memory. */
double val_inflight_run_s(double requests, double cap, double budget, double isl, double osl,
                          double host_s_per_request, val_pass_fn pass, void *ctx);

typedef struct {
    int line;                         /* in the CSV file */
    char id[48], source[512], hardware[64], model[64], precision[32], parallelism[32];
    double tp, pp, batch, input_len, output_len, value;
    char metric[32];
    char hw_file[256], model_file[256], system_file[256];   /* resolved paths */
} val_row_t;

/* Read the table; rows' file paths are relative to the table's folder.
 * -1 with `file:line:col: what` in err on a bad table. */
int val_table_load(const char *path, val_row_t **rows, size_t *n, cfg_err_t *err);

/* The row of the table whose id is id, or NULL. */
const val_row_t *val_row_find(const val_row_t *rows, size_t n, const char *id);

/* Predicted value of row under perf_model ("reference" or "v2", with the
 * v2 corrections of v2_off turned off) with the hardware constants hc.  False with the reason in err (a file that does
 * not load, a setting that does not fit in memory). */
bool val_predict(const val_row_t *row, const char *perf_model, unsigned v2_off,
                 const hw_constants_t *hc, double *out, char *err, size_t errlen);

typedef struct {
    size_t n;
    double median, mean, max, within_25;   /* |relative error| in %, rows */
} val_summary_t;

/* Summary of n relative errors (fractions, signed). */
val_summary_t val_summarize(const double *rel_err, size_t n);

#endif
