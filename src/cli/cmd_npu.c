/*
 * cmd_npu.c -- `hwsweep npu`: one NPU per-operator simulation of an LLM
 * (NeuSim's model): per-op CSVs, statistics JSON, a short summary.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/npu_energy_out.h"
#include "cli/npu_out.h"
#include "engine/jobs.h"
#include "config/paths.h"
#include "engine/npu_hwchip_map.h"
#include "engine/npu_hwchip_src.h"
#include "engine/npu_hf_model.h"
#include "engine/npu_run.h"

static void npu_usage(FILE *f)
{
    fprintf(f,
            "usage: hwsweep npu --chip CHIP --model MODEL [--system SYSTEM] [--set KEY=VALUE]...\n"
            "                   [--training] [--no-energy] [--power-gating PG[,PG...]]\n"
            "                   [--carbon CI,UTIL,YEARS] [--dvfs POLICY]\n"
            "                   [--compat neusim | --keep-quirk Q,...]\n"
            "                   [--allow-oom] [-q] -o OUT.csv\n\n"
            "Simulate an LLM on an NPU operator by operator (NeuSim's model): prefill and decode\n"
            "op lists, each op's MXU/VPU/HBM/VMEM/ICI time, bound and utilisation, then TTFT,\n"
            "TPOT, throughput and memory footprint.  The model file also picks DeepSeek (MLA + MoE,\n"
            "expert parallelism), DLRM (one CSV per chip), DiT and GLIGEN (latency per image).\n\n"
            "  --chip CHIP        a file, or a name in inputs/npu/chips/ (tpuv5p, tpuv6e, ...), or\n"
            "                     DB.db:CHIP_ID, a chip of a hardware exploration (hwsweep hw), or a\n"
            "                     hardware YAML that yields one valid chip (explored in memory), mapped\n"
            "                     onto TPUv5p's other fields (docs/npu-model.md)\n"
            "  --model MODEL      a file, or a name in inputs/npu/models/ (llama3-8b, ...), or a\n"
            "                     HuggingFace config.json or id under inputs/hf/ (llama, mistral,\n"
            "                     qwen2, qwen3, deepseek_v3; docs/npu-model.md)\n"
            "  --system SYSTEM    a file, or a name in inputs/npu/systems/ (default system_config)\n"
            "                     Files may be this project's YAML or NeuSim's own JSON.\n"
            "  --set KEY=VALUE    override any key of the merged configuration (value: a YAML\n"
            "                     scalar), e.g. --set microbatch_size_ici=8 --set num_chips=4\n"
            "  --compat neusim    reproduce NeuSim's numbers, quirks included (default: fixed)\n"
            "  --keep-quirk Q[,Q] keep some of NeuSim's quirks in the default mode (Q4 Q5 Q6 Q7\n"
            "                     Q8 Q10 Q15 Q16 Q21 Q24 Q27 Q28; DeepSeek Q1 Q9 Q18; DiT Q13;\n"
            "                     DLRM Q11 Q12; energy: Q2 Q3 Q20 Q23 Q26 einsum-avg;\n"
            "                     docs/npu-model.md)\n"
            "  --allow-oom        write the results of a configuration whose memory footprint\n"
            "                     exceeds HBM (refused otherwise, exit 2; out_of_memory in the JSON)\n"
            "  --training         training (forward, backward, weight update; flash attention off):\n"
            "                     writes OUT.csv and OUT_training.json\n"
            "  --no-energy        no inline energy pass (energy columns 0, as NeuSim's run_sim)\n"
            "  --power-gating PG[,PG...]  energy per strategy (NoPG, Base, HW, Full, Ideal, ...):\n"
            "                     OUT_<phase>_<PG>.csv and energy_stats in OUT_<phase>.json\n"
            "  --carbon CI,UTIL,YEARS  fleet energy and carbon (kgCO2e/kWh or -1 for the system's,\n"
            "                     duty cycle, lifetime): carbon_stats in OUT_<phase>.json\n"
            "  --dvfs POLICY      DVFS of the per-strategy energy (None, NeuSim's default; Ideal:\n"
            "                     each component slowed into its slack, spec 8.5); without\n"
            "                     --power-gating analyses NoPG\n"
            "  -o OUT.csv         writes OUT.csv (prefill then decode), OUT_prefill.csv,\n"
            "                     OUT_decode.csv, OUT_prefill.json, OUT_decode.json\n"
            "  -q, --quiet        no summary\n\n"
            "Exit status: 0 done, 2 bad input (nothing written), 1 other failure.\n");
}

/* OUT.csv -> OUT<suffix> (NeuSim: replace ".csv") */
static void derive(char *out, size_t len, const char *csv, const char *suffix)
{
    size_t n = strlen(csv) - 4;
    snprintf(out, len, "%.*s%s", (int)n, csv, suffix);
}

typedef struct {
    char final[4096], tmp[4200];
} outfile_t;

/* iobuf: NPU_OUT_BUF_BYTES for the stream's buffer (NULL: stdio's own);
 * the files are written one after another, each closed before the next
 * opens, so they share it */
static FILE *open_tmp(outfile_t *o, const char *path, char *iobuf)
{
    snprintf(o->final, sizeof o->final, "%s", path);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(o->tmp, "wb");
    /* one write(2) per file of a run of llama3-8b's size (stdio's 4 KB
     * buffer passed a CSV's rows to the kernel in 3-5 writes) */
    if (f && iobuf)
        setvbuf(f, iobuf, _IOFBF, NPU_OUT_BUF_BYTES);
    return f;
}

int cmd_npu(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"chip", required_argument, NULL, 'C'},  {"model", required_argument, NULL, 'M'},
        {"system", required_argument, NULL, 'S'}, {"set", required_argument, NULL, 's'},
        {"training", no_argument, NULL, 'T'},    {"no-energy", no_argument, NULL, 'E'},
        {"power-gating", required_argument, NULL, 'P'}, {"carbon", required_argument, NULL, 'c'},
        {"dvfs", required_argument, NULL, 'D'},
        {"compat", required_argument, NULL, 'k'}, {"quiet", no_argument, NULL, 'q'},
        {"keep-quirk", required_argument, NULL, 'K'}, {"allow-oom", no_argument, NULL, 'A'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *chip = NULL, *model = NULL, *system = "system_config", *out = NULL;
    const char *sets[256];
    int nsets = 0, training = 0, quiet = 0, compat = 0, c;
    unsigned keep = 0, keep_energy = 0;
    int allow_oom = 0;
    const char *pg = NULL, *carbon = NULL, *dvfs = NULL;
    int no_energy = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'C': chip = optarg; break;
        case 'M': model = optarg; break;
        case 'S': system = optarg; break;
        case 's':
            if (nsets == 256) {
                fprintf(stderr, "hwsweep npu: more than 256 --set options\n");
                return EXIT_BADINPUT;
            }
            sets[nsets++] = optarg;
            break;
        case 'T': training = 1; break;
        case 'E': no_energy = 1; break;
        case 'P': pg = optarg; break;
        case 'c': carbon = optarg; break;
        case 'D': dvfs = optarg; break;
        case 'k':
            if (strcmp(optarg, "neusim") != 0) {
                fprintf(stderr, "hwsweep npu: --compat: unknown value '%s' (valid: neusim)\n", optarg);
                return EXIT_BADINPUT;
            }
            compat = 1;
            break;
        case 'K': {
            char buf[256];
            snprintf(buf, sizeof buf, "%s", optarg);
            for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
                unsigned q = nsl_quirk_parse(t);
                if (!q)
                    q = npu_family_quirk_parse(t);
                unsigned eq = q ? 0 : npu_energy_quirk_parse(t);
                if (!q && !eq) {
                    fprintf(stderr, "hwsweep npu: --keep-quirk: unknown quirk '%s' (valid: Q4, Q5, Q6, Q7, Q8, "
                                    "Q15, Q16, Q21, Q24, Q27, Q28, Q10; DeepSeek Q1, Q9, Q18; DiT Q13; DLRM Q11, "
                                    "Q12; energy: Q2, Q3, Q20, Q23, Q26, einsum-avg)\n",
                            t);
                    return EXIT_BADINPUT;
                }
                keep |= q;
                keep_energy |= eq;
            }
            break;
        }
        case 'A': allow_oom = 1; break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': npu_usage(stdout); return EXIT_OK;
        default: npu_usage(stderr); return EXIT_BADINPUT;
        }
    }
    if (optind < argc || !chip || !model || !out) {
        if (optind < argc)
            fprintf(stderr, "hwsweep npu: unexpected argument '%s'\n", argv[optind]);
        else
            fprintf(stderr, "hwsweep npu: --chip, --model and -o are required\n");
        npu_usage(stderr);
        return EXIT_BADINPUT;
    }
    size_t ol = strlen(out);
    if (ol < 5 || strcmp(out + ol - 4, ".csv") != 0) {
        fprintf(stderr, "hwsweep npu: -o %s: the output must end in .csv\n", out);
        return EXIT_BADINPUT;
    }
    npu_energy_cli_t ea;
    char eerr[600];
    if (!npu_energy_cli_parse(&ea, pg, carbon, no_energy, eerr, sizeof eerr) ||
        (dvfs && !npu_energy_cli_dvfs(&ea, dvfs, eerr, sizeof eerr))) {
        fprintf(stderr, "hwsweep npu: %s\n", eerr);
        return EXIT_BADINPUT;
    }
    ea.keep_quirks = keep_energy;

    /* merge system, chip, model (later wins), then --set, straight into the
     * run record (npu_run_in_place: no second 106 KB copy) */
    npu_run_t r;
    npu_config_t *const cfg = &r.cfg;
    npu_config_defaults(cfg);
    cfg_err_t err;
    /* --chip DB.db:CHIP_ID or a hardware YAML: a chip of a hardware exploration, mapped onto the base chip */
    char constants[4096];
    npu_hwchip_t hwc;
    int hw = npu_hwchip_resolve(chip, paths_shipped(PATHS_DEFAULT_CONSTANTS, constants, sizeof constants), &hwc, &err);
    if (hw < 0) {
        fprintf(stderr, "hwsweep npu: %s\n", err.msg);
        return EXIT_BADINPUT;
    }
    bool hw_chip = hw == 1;
    const char *kinds[3] = {"systems", "chips", "models"},
               *names[3] = {system, hw_chip ? NPU_HWCHIP_BASE : chip, model};
    for (int i = 0; i < 3; i++) {
        char path[4096];
        int hf = i == 2 ? npu_hf_model_path(model, path, sizeof path, &err) : 0;
        if (hf != 0) {
            /* a HuggingFace config.json (or id under inputs/hf/) as the model */
            char note[1024];
            if (hf < 0 || !npu_hf_model_apply(cfg, path, note, sizeof note, &err)) {
                fprintf(stderr, "hwsweep npu: %s\n", err.msg);
                return EXIT_BADINPUT;
            }
            fprintf(stderr, "hwsweep npu: %s as %s (%s): %s\n", path, npu_config_str(cfg, "model_name"),
                    strcmp(npu_config_str(cfg, "ffn_type"), "llama") ? "DeepSeek generator" : "Llama generator",
                    note);
            continue;
        }
        if (!npu_config_resolve(kinds[i], names[i], path, sizeof path, &err) ||
            !npu_config_merge_file_idle(cfg, path, &err, i == 1 ? &ea.carbon.chip_idle_power_W : NULL)) {
            fprintf(stderr, "%s\n", err.msg);
            return EXIT_BADINPUT;
        }
    }
    {
        int oi = npu_config_index("output_file_path");
        snprintf(cfg->v[oi].s, sizeof cfg->v[oi].s, "%s", out);
    }
    if (hw_chip) {
        char herr[512];
        if (!npu_hwchip_apply(cfg, &hwc, herr, sizeof herr)) {
            fprintf(stderr, "hwsweep npu: %s\n", herr);
            return EXIT_BADINPUT;
        }
    }
    for (int i = 0; i < nsets; i++)
        if (!npu_config_set(cfg, sets[i], &err)) {
            fprintf(stderr, "%s\n", err.msg);
            return EXIT_BADINPUT;
        }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    npu_tile_cache_t *cache = npu_tile_cache_new();
    char why[512];
    int rc = npu_run_in_place(&r, compat, keep, training, cache, why, sizeof why);
    npu_tile_cache_free(cache);
    if (rc != 0) {
        fprintf(stderr, "hwsweep npu: %s\n", rc == 2 ? why : "out of memory");
        npu_run_free(&r);
        return rc == 2 ? EXIT_BADINPUT : EXIT_FAIL;
    }
    for (int i = 0; i < r.nphase && !allow_oom; i++) {
        const npu_stats_t *s = &r.phase[i].stats;
        if (s->out_of_memory) {
            fprintf(stderr,
                    "hwsweep npu: %s does not fit: %s memory footprint %.6g GiB per chip > %.6g GiB HBM%s "
                    "(--allow-oom writes the results anyway)\n",
                    npu_config_str(cfg, "model_name"), npu_phase_name(r.phase[i].kind), s->mem_footprint_GB,
                    r.model.hbm_size_GB, training ? " x num_chips" : "");
            npu_run_free(&r);
            return EXIT_BADINPUT;
        }
    }
    npu_energy_run_t er;
    if (npu_energy_cli_run(&ea, &r, &er, eerr, sizeof eerr) < 0) {
        fprintf(stderr, "hwsweep npu: %s\n", eerr);
        npu_energy_run_free(&er);
        npu_run_free(&r);
        return EXIT_FAIL;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    /* write every file to a temporary, then rename them all */
    size_t nfiles = 5 + 2 * NPU_ENERGY_MAX_PG + 2 + 2 * (size_t)r.nchip_phase;
    outfile_t *files = malloc(nfiles * sizeof *files);
    char *iobuf = malloc(NPU_OUT_BUF_BYTES); /* (NULL: stdio's buffers) */
    int nf = 0;
    bool ok = files != NULL;
    char path[4096];
    /* each phase's rows are formatted once and written to OUT.csv and OUT_<phase>.csv */
    char *rows[2] = {NULL, NULL};
    char *cfg_text = npu_json_config_text(&r); /* sim_config, the same in every JSON */
    size_t rlen[2] = {0, 0};
    for (int i = 0; i < r.nphase; i++)
        if (!(rows[i] = npu_csv_rows(&r.phase[i], &rlen[i])))
            ok = false;
    FILE *f = ok ? open_tmp(&files[nf++], out, iobuf) : NULL;
    if (f) {
        npu_csv_header(f);
        for (int i = 0; i < r.nphase; i++)
            fwrite(rows[i], 1, rlen[i], f);
        ok = !ferror(f);
    }
    ok = (f && fclose(f) == 0) && ok;
    for (int i = 0; ok && i < r.nphase; i++) {
        char suf[128];
        bool one_csv = training || r.family == NPU_FAM_DIT || r.family == NPU_FAM_GLIGEN || r.family == NPU_FAM_DLRM; /* one CSV for these */
        if (!one_csv) {
            snprintf(suf, sizeof suf, "_%s.csv", npu_phase_name(r.phase[i].kind));
            derive(path, sizeof path, out, suf);
            f = open_tmp(&files[nf++], path, iobuf);
            if (f) {
                npu_csv_header(f);
                fwrite(rows[i], 1, rlen[i], f);
                ok = !ferror(f);
            }
            ok = (f && fclose(f) == 0) && ok;
            if (!ok)
                break;
        }
        if (r.family == NPU_FAM_DIT || r.family == NPU_FAM_GLIGEN || r.family == NPU_FAM_DLRM)
            snprintf(suf, sizeof suf, ".json");
        else
            snprintf(suf, sizeof suf, "_%s.json", npu_phase_name(r.phase[i].kind));
        derive(path, sizeof path, out, suf);
        f = open_tmp(&files[nf++], path, iobuf);
        ok = f && cfg_text && npu_energy_json_write(f, &r, i, &er, cfg_text);
        ok = (f && fclose(f) == 0) && ok;
        for (int k = 0; ok && k < er.npg; k++) {
            snprintf(suf, sizeof suf, "_%s_%s.csv", npu_phase_name(r.phase[i].kind), er.pg_name[k]);
            derive(path, sizeof path, out, suf);
            f = open_tmp(&files[nf++], path, iobuf);
            ok = f && npu_energy_csv_write(f, &r, i, &er, k);
            ok = (f && fclose(f) == 0) && ok;
        }
    }
    /* DLRM: each chip's CSV (OUT_chip<i>.csv) and the table placement */
    for (int64_t c = 0; ok && r.family == NPU_FAM_DLRM && c < r.nchip_phase; c++) {
        char suf[64];
        snprintf(suf, sizeof suf, "_chip%lld.csv", (long long)c);
        derive(path, sizeof path, out, suf);
        const npu_phase_t *one[1] = {npu_run_chip_phase(&r, c)};
        f = open_tmp(&files[nf++], path, iobuf);
        ok = f && npu_csv_write(f, one, 1);
        ok = (f && fclose(f) == 0) && ok;
        snprintf(suf, sizeof suf, "_chip%lld.json", (long long)c);
        derive(path, sizeof path, out, suf);
        f = ok ? open_tmp(&files[nf++], path, iobuf) : NULL;
        ok = f && cfg_text && npu_json_write_chip(f, &r, c, cfg_text);
        ok = (f && fclose(f) == 0) && ok;
        if (ok && c + 1 == r.nchip_phase) {
            derive(path, sizeof path, out, "_config_stats.json");
            f = open_tmp(&files[nf++], path, iobuf);
            ok = f && nsr_config_stats_write(f, r.dlrm);
            ok = (f && fclose(f) == 0) && ok;
        }
    }
    free(rows[0]);
    free(rows[1]);
    free(cfg_text);
    for (int i = 0; i < nf; i++) {
        if (ok && rename(files[i].tmp, files[i].final) != 0) {
            fprintf(stderr, "hwsweep npu: %s: %s\n", files[i].final, strerror(errno));
            ok = false;
        }
        if (!ok)
            unlink(files[i].tmp);
    }
    free(files);
    free(iobuf);
    if (!ok) {
        fprintf(stderr, "hwsweep npu: cannot write %s: %s\n", out, strerror(errno));
        npu_energy_run_free(&er);
        npu_run_free(&r);
        return EXIT_FAIL;
    }
    if (!quiet && training) {
        const npu_stats_t *ts = &r.phase[0].stats;
        printf("%s training on tpuv%s, %lld chip(s), global batch %lld, %lld tokens%s\n",
               npu_config_str(cfg, "model_name"), npu_config_str(cfg, "name"),
               (long long)r.model.num_chips, (long long)r.model.global_batch_size,
               (long long)r.model.input_seqlen, compat ? " [compat neusim]" : "");
        printf("  iteration %.6g s (%lld ns per pipeline stage)\n", (double)ts->total_execution_time_ns / 1e9,
               (long long)ts->total_execution_time_chip_ns);
        printf("  memory %.6g GiB of %.6g GiB HBM x %lld chips: %s\n", ts->mem_footprint_GB, r.model.hbm_size_GB,
               (long long)r.model.num_chips, ts->out_of_memory ? "OUT OF MEMORY" : "fits");
        npu_energy_summary(stdout, &ea, &r, &er);
        printf("  %zu ops, simulated in %.2f ms\n", ns_oplist_len(&r.phase[0].ops), secs * 1e3);
        printf("wrote %s (+ _training.json%s)\n", out, er.npg ? ", _training_<PG>.csv" : "");
    } else if (!quiet && r.family == NPU_FAM_DLRM) {
        const npu_stats_t *ps = &r.phase[0].stats;
        printf("%s on tpuv%s, %lld chip(s), global batch %lld, %lld tables%s\n", npu_config_str(cfg, "model_name"),
               npu_config_str(cfg, "name"), (long long)r.dlrm->num_chips, (long long)r.dlrm->global_batch_size,
               (long long)r.dlrm->ntables, compat ? " [compat neusim]" : "");
        printf("  latency %.6g ms (straggler chip %lld), %.6g requests/s\n", r.latency_sec * 1e3,
               (long long)r.straggler, r.throughput_requests_per_sec);
        printf("  memory %.6g GiB per chip of %.6g GiB HBM: %s\n", ps->mem_footprint_GB, r.model.hbm_size_GB,
               ps->out_of_memory ? "OUT OF MEMORY" : "fits");
        printf("  %zu ops on the straggler, simulated in %.2f ms\n", ns_oplist_len(&r.phase[0].ops), secs * 1e3);
        printf("wrote %s (+ .json, _chip<i>.csv and .json, _config_stats.json)\n", out);
    } else if (!quiet && r.family == NPU_FAM_GLIGEN) {
        const npu_stats_t *ps = &r.phase[0].stats;
        printf("%s on tpuv%s, %lld chip(s), batch %lld, %lld UNet step(s) simulated of %lld%s\n",
               npu_config_str(cfg, "model_name"), npu_config_str(cfg, "name"), (long long)r.model.num_chips,
               (long long)r.model.global_batch_size, (long long)npu_config_int(cfg, "num_diffusion_steps"),
               (long long)npu_config_int(cfg, "total_num_diffusion_steps"), compat ? " [compat neusim]" : "");
        printf("  %.6g ms per simulated pass, latency %.6g s per image, %.6g images/s\n",
               (double)ps->total_execution_time_chip_ns / 1e6 / (double)npu_config_int(cfg, "num_diffusion_steps"),
               r.latency_sec, r.throughput_requests_per_sec);
        printf("  %zu ops, simulated in %.2f ms\n", ns_oplist_len(&r.phase[0].ops), secs * 1e3);
        printf("wrote %s (+ .json)\n", out);
    } else if (!quiet && r.family == NPU_FAM_DIT) {
        const npu_stats_t *ps = &r.phase[0].stats;
        printf("%s on tpuv%s, %lld chip(s), batch %lld, %lld tokens x %lld steps%s\n",
               npu_config_str(cfg, "model_name"), npu_config_str(cfg, "name"), (long long)r.model.num_chips,
               (long long)r.model.microbatch_size_ici, (long long)r.model.input_seqlen,
               (long long)npu_config_int(cfg, "num_diffusion_steps"), compat ? " [compat neusim]" : "");
        printf("  latency %.6g s per image, %.6g images/s\n", r.latency_sec, r.throughput_requests_per_sec);
        printf("  memory %.6g GiB of %.6g GiB HBM: %s\n", ps->mem_footprint_GB, r.model.hbm_size_GB,
               ps->out_of_memory ? "OUT OF MEMORY" : "fits");
        printf("  %zu ops, simulated in %.2f ms\n", ns_oplist_len(&r.phase[0].ops), secs * 1e3);
        printf("wrote %s (+ .json)\n", out);
    } else if (!quiet) {
        const npu_stats_t *ps = &r.phase[0].stats, *ds = &r.phase[1].stats;
        printf("%s on tpuv%s, %lld chip(s), batch %lld, %lld in / %lld out tokens%s\n",
               npu_config_str(cfg, "model_name"), npu_config_str(cfg, "name"),
               (long long)r.model.num_chips, (long long)r.model.microbatch_size_ici,
               (long long)r.model.input_seqlen, (long long)r.model.output_seqlen, compat ? " [compat neusim]" : "");
        printf("  TTFT %.6g s, prefill %.6g tokens/s\n", ps->TTFT_sec, ps->throughput_tokens_per_sec);
        printf("  TPOT %.6g ms, decode %.6g tokens/s\n", ds->TPOT_ms_request, ds->throughput_tokens_per_sec);
        printf("  memory %.6g GiB prefill, %.6g GiB decode of %.6g GiB HBM: %s\n", ps->mem_footprint_GB,
               ds->mem_footprint_GB, r.model.hbm_size_GB,
               ds->out_of_memory || ps->out_of_memory ? "OUT OF MEMORY" : "fits");
        npu_energy_summary(stdout, &ea, &r, &er);
        printf("  %zu prefill + %zu decode ops, simulated in %.2f ms\n", ns_oplist_len(&r.phase[0].ops),
               ns_oplist_len(&r.phase[1].ops), secs * 1e3);
        printf("wrote %s (+ _prefill/_decode .csv and .json%s)\n", out, er.npg ? ", _<phase>_<PG>.csv" : "");
    }
    npu_energy_run_free(&er);
    npu_run_free(&r);
    return EXIT_OK;
}
