/*
 * test_perf_v2_bench.c -- the validation table's model of `trtllm-bench
 * throughput` (src/validate/validate.c): the max batch size and max num
 * tokens trtllm-bench derives when the command names neither
 * (val_trtllm_bench_settings, TensorRT-LLM's tensorrt_llm/bench/build/
 * tuning.py finetune_setting, chunked prefill off as in
 * tensorrt_llm/bench/benchmark/utils/general.py), and the steady-state
 * in-flight batch they allow (val_inflight_batch), the executor's host
 * work per iteration (val_overlap_iterations_s), the whole run of the
 * benchmark's dataset iteration by iteration (val_inflight_run_s,
 * val_trtllm_num_requests).  Numbers worked by hand
 * from those rules; and the validation summary the documents print.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "hw/hw_config.h"
#include "validate/validate.h"

START_TEST(bench_settings_rounding)
{
    /* Llama 3.1 8B FP8 on one H100, 128/128: 3835.4 sequences fit */
    val_bench_settings_t s = val_trtllm_bench_settings(3835.4, 128, 128, 1);
    ck_assert_double_eq(s.max_batch_size, 3840);      /* 256 x ceil(3835.4 / 256) */
    ck_assert_double_eq(s.max_num_tokens, 7680);      /* 512 x ceil(7670.8 / 512) */
    ck_assert_double_eq(val_inflight_batch(&s, 3835.4, 128, 128), 3835);   /* the KV cache */

    /* 2048/128: 451.7 fit; 128 x 4 = 512; 451.7 x 17 = 7678.9 -> 7680 */
    s = val_trtllm_bench_settings(451.7, 2048, 128, 1);
    ck_assert_double_eq(s.max_batch_size, 512);
    ck_assert_double_eq(s.max_num_tokens, 7680);
    ck_assert_double_eq(val_inflight_batch(&s, 451.7, 2048, 128), 451);     /* 7680 / 17 = 451.8 */

    /* 20000/2000: 44.5 fit; batch at least 64; the budget raised to hold a
     * whole context (no chunked prefill): 20000 + 64 */
    s = val_trtllm_bench_settings(44.5, 20000, 2000, 1);
    ck_assert_double_eq(s.max_batch_size, 64);
    ck_assert_double_eq(s.max_num_tokens, 20064);
    ck_assert_double_eq(val_inflight_batch(&s, 44.5, 20000, 2000), 44);

    /* more than 4096 fit: the batch cap 4096, budget 4096 x 2 = 8192 */
    s = val_trtllm_bench_settings(5000, 128, 128, 1);
    ck_assert_double_eq(s.max_batch_size, 4096);
    ck_assert_double_eq(s.max_num_tokens, 8192);
    ck_assert_double_eq(val_inflight_batch(&s, 5000, 128, 128), 4096);

    /* the token budget binds: 4096 x 17 capped at 32768, 32768 / 17 = 1927.5 */
    s = val_trtllm_bench_settings(4096, 2048, 128, 1);
    ck_assert_double_eq(s.max_num_tokens, 32768);
    ck_assert_double_eq(val_inflight_batch(&s, 4096, 2048, 128), 1927);

    /* two pipeline stages halve the batch: 500 -> 128 x 4 */
    s = val_trtllm_bench_settings(1000, 128, 128, 2);
    ck_assert_double_eq(s.max_batch_size, 512);
    ck_assert_double_eq(s.max_num_tokens, 2048);   /* 1000 -> 500 x 2 = 1000 < 4096: at least 2048 */
}
END_TEST

/* The PyTorch executor's host time per running request and iteration
 * (PR 10273: 45.11 ms per iteration at 1536 requests) and the overlap
 * scheduler hiding it behind the GPU unless it is longer. */
START_TEST(host_work_overlaps_gpu)
{
    double h = val_trtllm_pytorch_host_s_per_request();
    ck_assert_double_eq_tol(h * 1e6, 29.368, 1e-3);
    /* 128 iterations of 4096 running requests: 15.3975 s of host work */
    ck_assert_double_eq_tol(val_overlap_iterations_s(10.0, 128, 4096, h), 15.39754, 1e-5);
    /* a GPU slower than the host sets the pace, bit for bit */
    ck_assert(val_overlap_iterations_s(20.0, 128, 4096, h) == 20.0);
    ck_assert(val_overlap_iterations_s(1.0, 128, 64, 0) == 1.0);
    /* host-bound, output tokens/s is 1 / h whatever the GPU and the batch:
     * 34,050 tokens/s (the perf-overview's Llama 3.1 8B 128/128 rows measure
     * 28,312 on H100 and 27,911 on H200, equal within 1.4 %) */
    double tok_s = 128 * 3835 / val_overlap_iterations_s(1.0, 128, 3835, h);
    ck_assert_double_eq_tol(tok_s, 34050.10, 0.01);
    ck_assert_double_eq_tol(128 * 4096 / val_overlap_iterations_s(1.0, 128, 4096, h), tok_s, 1e-6);
}
END_TEST

/* A synthetic model: contexts cost 10 s each, a generation iteration
 * 1 s + 1 s per request; counts how often each pass is asked for. */
static int calls;

static double toy_pass(void *ctx, int generate, double n)
{
    (void)ctx;
    calls++;
    return generate ? 1 + n : 10 * n;
}

/* trtllm-bench's whole run, iteration by iteration: 3 requests of 2 input
 * and 3 output tokens, at most 2 in flight, 4 tokens per iteration.
 * Iteration 0: both contexts fit (2 x 2 = 4 tokens), 20 s, each makes its
 * first token; 1 and 2: the two generate (3 s each), nothing else fits in
 * the batch; 3: the last context (10 s); 4 and 5: it generates (2 s each):
 * 40 s for 9 output tokens.  With 5 s of host work per request, the host
 * sets the pace of iterations 1-5: 20 + 10 + 10 + 10 + 5 + 5 = 60 s. */
START_TEST(inflight_run_iteration_by_iteration)
{
    calls = 0;
    ck_assert_double_eq(val_inflight_run_s(3, 2, 4, 2, 3, 0, toy_pass, NULL), 40);
    ck_assert_int_eq(calls, 4);   /* contexts of 2 and 1, generation of 2 and 1: once each */
    ck_assert_double_eq(val_inflight_run_s(3, 2, 4, 2, 3, 5, toy_pass, NULL), 60);
    /* one output token: the context makes it, no generation */
    ck_assert_double_eq(val_inflight_run_s(3, 2, 4, 2, 1, 0, toy_pass, NULL), 30);
    /* the token budget, not the batch, limits admissions: 5 tokens hold 2
     * whole contexts of 2 (20 s); beside their 2 generation tokens only 1
     * more (10 + 3 s); then it generates alone (2 s) */
    ck_assert_double_eq(val_inflight_run_s(3, 8, 5, 2, 2, 0, toy_pass, NULL), 20 + 13 + 2);
    /* no room for one context or no requests: no answer */
    ck_assert(isnan(val_inflight_run_s(3, 2, 1, 2, 3, 0, toy_pass, NULL)));
    ck_assert(isnan(val_inflight_run_s(0, 2, 4, 2, 3, 0, toy_pass, NULL)));
}
END_TEST

/* The dataset sizes of the perf-overview's "Preparing a Dataset" table. */
START_TEST(trtllm_dataset_sizes)
{
    ck_assert_double_eq(val_trtllm_num_requests(128, 128), 30000);
    ck_assert_double_eq(val_trtllm_num_requests(128, 2048), 3000);
    ck_assert_double_eq(val_trtllm_num_requests(2048, 128), 3000);
    ck_assert_double_eq(val_trtllm_num_requests(2048, 2048), 1500);
    ck_assert_double_eq(val_trtllm_num_requests(5000, 500), 1500);
    ck_assert_double_eq(val_trtllm_num_requests(20000, 2000), 1000);
    ck_assert_double_eq(val_trtllm_num_requests(128, 4096), 1500);
    ck_assert_double_eq(val_trtllm_num_requests(64, 64), 0);   /* not listed */
    /* the context step makes the first output token: 127 generation steps
     * for 128 tokens (the sample report: (75903.4 - 52667.0) ms / 127 =
     * its 183.0 ms TPOT), none for 1 */
    ck_assert_double_eq(val_generation_steps(128), 127);
    ck_assert_double_eq(val_generation_steps(1), 0);
    ck_assert_double_eq_tol((75903.4456 - 52667.0339) / val_generation_steps(128), 182.9639, 1e-4);
}
END_TEST

/* The validation summary `make validate` prints (README, BENCHMARKS.md,
 * docs/perf-model-v2.md): a change of either model that moves it must
 * update those documents too. */
START_TEST(validation_summary_as_documented)
{
    val_row_t *rows;
    size_t n;
    cfg_err_t err;
    ck_assert_int_eq(val_table_load("validation/measurements.csv", &rows, &n, &err), 0);
    ck_assert_uint_eq(n, 46);
    hw_constants_t hc;
    ck_assert_int_eq(hw_constants_load("inputs/hardware/constant/7nm_default.yaml", &hc, &err), 0);
    double *e_ref = malloc(n * sizeof *e_ref), *e_v2 = malloc(n * sizeof *e_v2);
    for (size_t i = 0; i < n; i++) {
        double ref, v2;
        char why[512];
        ck_assert_msg(val_predict(&rows[i], "reference", 0, &hc, &ref, why, sizeof why), "%s", why);
        ck_assert_msg(val_predict(&rows[i], "v2", 0, &hc, &v2, why, sizeof why), "%s", why);
        e_ref[i] = ref / rows[i].value - 1;
        e_v2[i] = v2 / rows[i].value - 1;
    }
    val_summary_t r = val_summarize(e_ref, n), v = val_summarize(e_v2, n);
    ck_assert_msg(fabs(r.median - 47.2) < 0.05 && fabs(r.max - 169.5) < 0.05 && r.within_25 == 11,
                  "reference %.2f %.2f %.2f %g", r.median, r.mean, r.max, r.within_25);
    ck_assert_msg(fabs(v.median - 6.55) < 0.005 && fabs(v.mean - 10.00) < 0.005 &&
                      fabs(v.max - 35.17) < 0.005 && v.within_25 == 42,
                  "v2 %.2f %.2f %.2f %g", v.median, v.mean, v.max, v.within_25);
    free(e_ref);
    free(e_v2);
    free(rows);
}
END_TEST

static Suite *bench_suite(void)
{
    Suite *s = suite_create("perf_v2_bench");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, bench_settings_rounding);
    tcase_add_test(tc, host_work_overlaps_gpu);
    tcase_add_test(tc, inflight_run_iteration_by_iteration);
    tcase_add_test(tc, trtllm_dataset_sizes);
    tcase_add_test(tc, validation_summary_as_documented);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bench_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
