/*
 * test_model_hf_v2.c -- `hwsweep sw -m CONFIG.json` with perf_model v2: the
 * HuggingFace conversion (src/perf/model_hf.c, model_load_any) hands v2 the
 * MoE, MLA and vocabulary keys of the config (v2_model_cfg_from_hf), so v2's
 * parameter counts are the published ones less the norm weights v2 does
 * not count: DeepSeek-V3 671,026,404,352 - 1,006,592 and Llama-3.1-8B
 * 8,030,261,248 - 266,240 (65 RMSNorms of 4096).  The reference model's
 * fields stay as they were (d_ff, d_head, heads_per_kv_cache).  Runs from
 * the repository root (configs of inputs/hf/).
 */
#include <check.h>
#include <stdlib.h>

#include "perf/model_hf.h"
#include "perf/v2_model.h"

static void load(const char *id, model_cfg_t *m)
{
    cfg_err_t err;
    char notes[4096];
    ck_assert_msg(model_load_any(id, m, &err, notes, sizeof notes) == 0, "%s", err.msg);
}

static double v2_params(const model_cfg_t *m)
{
    v2_t v;
    char msg[256];
    ck_assert_msg(v2_sizes(&v, m, m->d, m->num_heads, m->d_head, m->d_ff, m->heads_per_kv_cache, true,
                           m->num_layers, msg, sizeof msg), "%s", msg);
    return v.params;
}

START_TEST(test_deepseek_v3)
{
    model_cfg_t m;
    load("deepseek-ai/DeepSeek-V3", &m);
    ck_assert_double_eq(m.num_experts, 256);
    ck_assert_double_eq(m.experts_per_token, 8);
    ck_assert_double_eq(m.num_shared_experts, 1);
    ck_assert_double_eq(m.moe_d_ff, 2048);
    ck_assert_double_eq(m.first_dense_layers, 3);
    ck_assert_double_eq(m.kv_lora_rank, 512);
    ck_assert_double_eq(m.q_lora_rank, 1536);
    ck_assert_double_eq(m.qk_rope_head_dim, 64);
    ck_assert_double_eq(m.qk_nope_head_dim, 128);
    ck_assert_double_eq(m.v_head_dim, 128);
    ck_assert_double_eq(m.vocab_size, 129280);
    ck_assert(!m.tied_embeddings);
    /* the reference's fields as before */
    ck_assert_double_eq(m.d_ff, 18432);
    ck_assert_double_eq(m.d_head, 128);
    ck_assert_double_eq(v2_params(&m), 671026404352.0 - 1006592.0);
}
END_TEST

START_TEST(test_llama_and_mixtral)
{
    model_cfg_t m;
    load("meta-llama/Llama-3.1-8B", &m);
    ck_assert_double_eq(m.num_experts, 0);
    ck_assert_double_eq(m.kv_lora_rank, 0);
    ck_assert_double_eq(m.vocab_size, 128256);
    ck_assert(!m.tied_embeddings);
    ck_assert_double_eq(v2_params(&m), 8030261248.0 - 65 * 4096.0);
    load("mistralai/Mixtral-8x7B-v0.1", &m);
    ck_assert_double_eq(m.num_experts, 8);
    ck_assert_double_eq(m.experts_per_token, 2);
    ck_assert_double_eq(m.moe_d_ff, 14336);
    ck_assert_double_eq(m.vocab_size, 32000);
    /* 46,702,792,704 published, less 65 RMSNorms of 4096 */
    ck_assert_double_eq(v2_params(&m), 46702792704.0 - 65 * 4096.0);
    /* a YAML model has none of them */
    load("tests/golden/inputs/software/model/gpt3.yaml", &m);
    ck_assert_double_eq(m.num_experts, 0);
    ck_assert_double_eq(m.vocab_size, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("model_hf_v2");
    TCase *tc = tcase_create("model_hf_v2");
    tcase_add_test(tc, test_deepseek_v3);
    tcase_add_test(tc, test_llama_and_mixtral);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
