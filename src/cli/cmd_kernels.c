/*
 * cmd_kernels.c -- `hwsweep kernels`: the BenchRoofline kernel model of a
 * decoder (prefill, decode, chunked prefill; simple roofline and
 * theoretical tiler) on one hardware spec, as a table or CSV on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "kernels/kern_eval.h"
#include "kernels/report.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hwsweep kernels -m CONFIG.json|MODEL.yaml --hw HW.yaml --input-len N --output-len N\n"
            "                       --batch B [--prefill-batch B] [--chunk N] [--compat notebook | --fixes LIST] [--csv]\n\n"
            "Breaks each decoder layer into the BenchRoofline notebook's kernels (Ma_Mw, Ma_Mqa, ...,\n"
            "KVCache, Async_KVCache) for a prefill of --input-len tokens (--prefill-batch sequences,\n"
            "default 1), a decode step of --batch sequences attending input + output/2 keys, and, with\n"
            "--chunk N, a chunked-prefill step of N tokens; times every kernel with the simple roofline\n"
            "and the theoretical tiler (tiles that fill the hardware's cache).\n\n"
            "  -m PATH            a HuggingFace config.json (dense decoders: llama, mistral, qwen2, qwen3,\n"
            "                     gpt2) or a model YAML (inputs/software/model/*.yaml)\n"
            "  --hw PATH          hardware YAML (inputs/kernels/hw/nvl-ax.yaml, jgs.yaml)\n"
            "  --compat notebook  the notebook's numbers, bugs included (docs/kernels-model.md)\n"
            "  --fixes LIST       apply only these fixes of the notebook's bugs: all (default), none, or\n"
            "                     a comma-separated list of gqa, head_dim, chunk_width, kv_timed, causal,\n"
            "                     kv_writes, norms, lm_head, fold, ffn, units\n"
            "  --csv              one CSV row per kernel instead of the table\n\n"
            "Exit status: 0 done, 2 bad input.\n");
}

static int parse_count(const char *opt, const char *s, long long *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 0) {
        fprintf(stderr, "hwsweep kernels: %s takes a whole number, not '%s'\n", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cmd_kernels(int argc, char **argv)
{
    const char *model_path = NULL, *hw_path = NULL;
    long long in = -1, outl = -1, batch = -1, pbatch = 1, chunk = 0;
    bool csv = false, notebook = false;
    const char *fixes = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--csv") == 0) {
            csv = true;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "hwsweep kernels: %s: %s\n", a,
                    a[0] == '-' ? "missing value" : "unexpected argument (see hwsweep kernels --help)");
            return 2;
        }
        const char *v = argv[++i];
        int rc = 0;
        if (strcmp(a, "-m") == 0 || strcmp(a, "--model") == 0)
            model_path = v;
        else if (strcmp(a, "--hw") == 0)
            hw_path = v;
        else if (strcmp(a, "--input-len") == 0)
            rc = parse_count(a, v, &in);
        else if (strcmp(a, "--output-len") == 0)
            rc = parse_count(a, v, &outl);
        else if (strcmp(a, "--batch") == 0)
            rc = parse_count(a, v, &batch);
        else if (strcmp(a, "--prefill-batch") == 0)
            rc = parse_count(a, v, &pbatch);
        else if (strcmp(a, "--chunk") == 0)
            rc = parse_count(a, v, &chunk);
        else if (strcmp(a, "--fixes") == 0)
            fixes = v;
        else if (strcmp(a, "--compat") == 0) {
            if (strcmp(v, "notebook") != 0) {
                fprintf(stderr, "hwsweep kernels: unknown --compat '%s' (valid: notebook)\n", v);
                return 2;
            }
            notebook = true;
        } else {
            fprintf(stderr, "hwsweep kernels: unknown option '%s' (see hwsweep kernels --help)\n", a);
            return 2;
        }
        if (rc)
            return 2;
    }
    if (!model_path || !hw_path || in < 0 || outl < 0 || batch < 0) {
        fprintf(stderr, "hwsweep kernels: -m, --hw, --input-len, --output-len and --batch are required\n");
        usage(stderr);
        return 2;
    }
    unsigned bits = KF_ALL;
    char msg[512];
    if (fixes && notebook) {
        fprintf(stderr, "hwsweep kernels: --compat notebook applies no fix; drop --fixes\n");
        return 2;
    }
    if (fixes && kern_fixes_parse(fixes, &bits, msg, sizeof msg)) {
        fprintf(stderr, "hwsweep kernels: --fixes: %s\n", msg);
        return 2;
    }
    cfg_err_t err;
    kern_model_t model;
    kern_hw_t hw;
    if (kern_model_load(model_path, &model, &err) || kern_hw_load(hw_path, &hw, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 2;
    }
    kern_run_t run = {.mode = notebook ? KM_NOTEBOOK : KM_DEFAULT, .fixes_off = (unsigned)KF_ALL & ~bits,
                      .input_len = in, .output_len = outl, .batch = batch, .prefill_batch = pbatch, .chunk = chunk};
    kern_result_t res;
    if (kern_evaluate(&model, &hw, &run, &res, msg, sizeof msg)) {
        fprintf(stderr, "hwsweep kernels: %s\n", msg);
        return 2;
    }
    if (csv) {
        kern_report_csv_header(stdout);
        for (size_t i = 0; i < res.n; i++)
            kern_report_csv(stdout, &res.prof[i], &run);
    } else {
        kern_report_header(stdout, &model, &hw, &run);
        for (size_t i = 0; i < res.n; i++)
            kern_report_table(stdout, &res.prof[i], &model, &hw, &run, res.bytes_per_value);
        kern_report_footer(stdout, &res.prof[res.n - 1], &run);
    }
    kern_result_free(&res);
    return fflush(stdout) == 0 ? 0 : 1;
}
