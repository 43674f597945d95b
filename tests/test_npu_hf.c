/*
 * test_npu_hf.c -- a HuggingFace config.json as the NPU simulator's model
 * (src/engine/npu_hf_model.c): meta-llama/Llama-3.1-8B's config gives every
 * key of inputs/npu/models/llama3-8b.yaml (NeuSim's llama3-8b) but the name,
 * and `hwsweep npu` writes byte-identical per-op CSVs for the two;
 * deepseek-ai/DeepSeek-V3 equals deepseekv3-671b the same way; mistral,
 * qwen2 and qwen3 map with their notes; mixtral, gpt2, bert and unknown ids
 * are refused with exit 2 and nothing written.  Runs from the repository
 * root.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/npu_hf_model.h"
#include "golden_util.h"

static char tmpdir[256];

/* defaults + the NPU model file vs defaults + the HF config: equal keys. */
static void same_config(const char *npu_model, const char *hf_id, const char *hf_name)
{
    npu_config_t a, b;
    cfg_err_t err;
    char path[4096], note[1024];
    npu_config_defaults(&a);
    npu_config_defaults(&b);
    snprintf(path, sizeof path, "inputs/npu/models/%s.yaml", npu_model);
    ck_assert_msg(npu_config_merge_file(&a, path, &err), "%s", err.msg);
    ck_assert_int_eq(npu_hf_model_path(hf_id, path, sizeof path, &err), 1);
    ck_assert_msg(npu_hf_model_apply(&b, path, note, sizeof note, &err), "%s", err.msg);
    ck_assert_str_eq(npu_config_str(&b, "model_name"), hf_name);
    size_t differ = 0;
    for (size_t i = 0; i < npu_cfg_nkeys; i++) {
        const char *k = npu_cfg_keys[i].key;
        if (!strcmp(k, "model_name") || !strcmp(k, "output_file_path"))
            continue;
        const npu_cfg_val_t *x = &a.v[i], *y = &b.v[i];
        if (x->i != y->i || x->f != y->f || x->b != y->b || strcmp(x->s, y->s)) {
            fprintf(stderr, "%s vs %s: key %s differs\n", npu_model, hf_id, k);
            differ++;
        }
    }
    ck_assert_uint_eq(differ, 0);
}

START_TEST(test_llama_config_keys)
{
    same_config("llama3-8b", "meta-llama/Llama-3.1-8B", "Llama-3.1-8B");
    /* a path to the file works the same */
    char path[4096];
    cfg_err_t err;
    ck_assert_int_eq(npu_hf_model_path("inputs/hf/meta-llama/Llama-3.1-8B/config.json", path, sizeof path, &err), 1);
    /* NeuSim's names and files stay NeuSim's */
    ck_assert_int_eq(npu_hf_model_path("llama3-8b", path, sizeof path, &err), 0);
    ck_assert_int_eq(npu_hf_model_path("inputs/npu/models/llama3-8b.yaml", path, sizeof path, &err), 0);
    ck_assert_int_eq(npu_hf_model_path("meta-llama/No-Such", path, sizeof path, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "unknown model id"));
}
END_TEST

START_TEST(test_deepseek_config_keys)
{
    same_config("deepseekv3-671b", "deepseek-ai/DeepSeek-V3", "DeepSeek-V3");
}
END_TEST

/* The mapped dense models: their shapes and notes. */
START_TEST(test_dense_mapping)
{
    static const struct {
        const char *id;
        int64_t d_model, heads, kv, d_head, d_ff, layers;
        const char *note;
    } cases[] = {
        {"mistralai/Mistral-7B-v0.3", 4096, 32, 8, 128, 14336, 32, NULL},
        {"Qwen/Qwen2.5-7B", 3584, 28, 4, 128, 18944, 28, "q/k/v biases not modelled"},
        {"Qwen/Qwen3-0.6B", 1024, 16, 8, 128, 3072, 28, "Qwen3's q/k RMSNorms not modelled"},
        {"meta-llama/Llama-3.1-70B-Instruct", 8192, 64, 8, 128, 28672, 80, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        npu_config_t c;
        cfg_err_t err;
        char path[4096], note[1024];
        npu_config_defaults(&c);
        ck_assert_int_eq(npu_hf_model_path(cases[i].id, path, sizeof path, &err), 1);
        ck_assert_msg(npu_hf_model_apply(&c, path, note, sizeof note, &err), "%s", err.msg);
        ck_assert_int_eq(npu_config_int(&c, "d_model"), cases[i].d_model);
        ck_assert_int_eq(npu_config_int(&c, "num_heads"), cases[i].heads);
        ck_assert_int_eq(npu_config_int(&c, "num_kv_heads"), cases[i].kv);
        ck_assert_int_eq(npu_config_int(&c, "d_head"), cases[i].d_head);
        ck_assert_int_eq(npu_config_int(&c, "d_ff"), cases[i].d_ff);
        ck_assert_int_eq(npu_config_int(&c, "num_layers"), cases[i].layers);
        ck_assert_str_eq(npu_config_str(&c, "ffn_type"), "llama");
        ck_assert_ptr_nonnull(strstr(note, "vocabulary, embedding and lm_head are not NPU operators"));
        if (cases[i].note)
            ck_assert_ptr_nonnull(strstr(note, cases[i].note));
    }
}
END_TEST

/* End to end: the same per-op CSVs as NeuSim's llama3-8b model file. */
START_TEST(test_cli_same_csvs)
{
    ck_assert_int_eq(run_cmd("bin/hwsweep npu --chip tpuv5p --model meta-llama/Llama-3.1-8B -o %s/hf.csv "
                             "> /dev/null 2> %s/hf.err", tmpdir, tmpdir), 0);
    ck_assert_int_eq(run_cmd("bin/hwsweep npu --chip tpuv5p --model llama3-8b -o %s/ns.csv > /dev/null", tmpdir), 0);
    static const char *const files[] = {".csv", "_prefill.csv", "_decode.csv"};
    for (size_t i = 0; i < 3; i++) {
        char a[512], b[512];
        snprintf(a, sizeof a, "%s/hf%s", tmpdir, files[i]);
        snprintf(b, sizeof b, "%s/ns%s", tmpdir, files[i]);
        ck_assert_msg(files_equal(a, b), "%s differs from %s", a, b);
    }
    ck_assert_int_eq(run_cmd("grep -q 'as Llama-3.1-8B (Llama generator)' %s/hf.err", tmpdir), 0);
}
END_TEST

/* A sweep file's models: list takes the config too; its rows equal llama3-8b's. */
START_TEST(test_sweep_model)
{
    ck_assert_int_eq(run_cmd("bin/hwsweep run -q -o %s tests/sweeps/npu_hf.yaml", tmpdir), 0);
    char db[512];
    snprintf(db, sizeof db, "%s/sweeps/npu_hf.db", tmpdir);
    table_t t;
    ck_assert_int_eq(table_from_query(db, "SELECT count(*), sum(a.status = 'ok'), sum(a.status = b.status AND "
                                          "a.TTFT_sec IS b.TTFT_sec AND a.TPOT_ms_request IS b.TPOT_ms_request AND "
                                          "a.energy_per_token_J IS b.energy_per_token_J AND a.mem_footprint_GB IS "
                                          "b.mem_footprint_GB) FROM npu_points a JOIN npu_points b ON "
                                          "a.model = 'meta-llama/Llama-3.1-8B' AND b.model = 'llama3-8b' AND "
                                          "a.phase = b.phase AND a.num_chips = b.num_chips AND a.global_batch_size "
                                          "= b.global_batch_size AND a.dp = b.dp AND a.tp = b.tp AND a.pp = b.pp",
                                      &t), 0);
    ck_assert_int_eq(t.rows, 2);   /* the header and one row */
    double rows = atof(t.cell[1][0]), ok = atof(t.cell[1][1]), same = atof(t.cell[1][2]);
    table_free(&t);
    ck_assert_double_gt(ok, 0);
    ck_assert_double_eq(rows, same);
    ck_assert_double_eq(rows, 16);   /* 8 configurations per model (parallelism: auto) x 2 phases */
    ck_assert_double_eq(ok, 12);     /* batch 1 on 2 chips: two splits skipped */
}
END_TEST

/* Refusals: exit 2, the reason, nothing written. */
START_TEST(test_refused)
{
    static const struct {
        const char *model, *text;
    } cases[] = {
        {"mistralai/Mixtral-8x7B-v0.1", "model_type \"mixtral\" has no NPU model generator"},
        {"openai-community/gpt2", "model_type \"gpt2\" has no NPU model generator"},
        {"google-bert/bert-base-uncased", "model_type \"bert\" has no NPU model generator"},
        {"meta-llama/Llama-9", "unknown model id \"meta-llama/Llama-9\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(run_cmd("bin/hwsweep npu --chip tpuv5p --model %s -o %s/no.csv > /dev/null 2> %s/no.err",
                                 cases[i].model, tmpdir, tmpdir), 2);
        ck_assert_int_eq(run_cmd("grep -qF '%s' %s/no.err", cases[i].text, tmpdir), 0);
        char p[512];
        snprintf(p, sizeof p, "%s/no.csv", tmpdir);
        ck_assert_int_ne(access(p, F_OK), 0);
    }
}
END_TEST

static Suite *npu_hf_suite(void)
{
    Suite *s = suite_create("npu_hf");
    TCase *tc = tcase_create("npu_hf");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_llama_config_keys);
    tcase_add_test(tc, test_deepseek_config_keys);
    tcase_add_test(tc, test_dense_mapping);
    tcase_add_test(tc, test_cli_same_csvs);
    tcase_add_test(tc, test_sweep_model);
    tcase_add_test(tc, test_refused);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    (void)table_compare;
    (void)table_read_csv;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/hwsweep_npu_hf_XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    return run_suite_and_clean(npu_hf_suite(), tmpdir);
}
