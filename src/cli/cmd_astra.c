/*
 * cmd_astra.c -- `hwsweep astra`: ASTRA-sim workloads (1.0 text, 2.x Chakra
 * traces) from an mnk GEMM list, a model, or a stored sweep point.  Both
 * option spellings are accepted: ours (--num-npus) and those of ASTRA-sim
 * 1.0's gen_astrasim_workload_input.py (--num_npus, --output_file, ...).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "config/node.h"
#include "engine/astra_job.h"
#include "engine/jobs.h"

static void astra_usage(FILE *f)
{
    fprintf(f,
            "usage: hwsweep astra (--mnk FILE.csv | --from-model MODEL --batch B --seq S [--layers N]\n"
            "                      | --from-db DB.db --system ID [--batch B] [--seq S])\n"
            "                     [--parallel S] [--num-npus P] [--num-packages G] [--datatype-size D]\n"
            "                     [--scalesim-config CFG] [--format text|chakra] [--compat asis]\n"
            "                     [--freq-hz F] [--passes N] [-q] [-o OUT]\n\n"
            "Write an ASTRA-sim workload: each GEMM is sharded by the parallelization strategy,\n"
            "its forward, input-gradient and weight-gradient GEMMs are timed with SCALE-Sim v2's\n"
            "closed-form cycle count, and the collectives of each pass are sized.\n\n"
            "  --mnk FILE            GEMM list: header line, then name,m,n,k[,strategy] rows\n"
            "  --from-model FILE     model YAML or HuggingFace config.json: a training step's GEMMs\n"
            "  --batch B, --seq S    sequences and tokens per sequence (with --from-model)\n"
            "  --layers N            only the first N transformer layers (default all)\n"
            "  --from-db DB.db       a hwsweep database; --system ID picks a systems row: its model,\n"
            "                        mapping (one pipeline stage, t-way tensor parallel), batch and chip\n"
            "  --parallel S          DATA (default), MODEL, HYBRID_DATA_MODEL, HYBRID_MODEL_DATA,\n"
            "                        HYBRID_CUSTOMIZED (per-layer strategy in the mnk fifth column)\n"
            "  --num-npus P          NPUs (default 8)\n"
            "  --num-packages G      packages; P must be a multiple of G (default 1)\n"
            "  --datatype-size D     bytes per element (default 2, or the model's)\n"
            "  --scalesim-config CFG SCALE-Sim config: ArrayHeight, ArrayWidth, Dataflow (os, ws, is)\n"
            "  --format F            text: ASTRA-sim 1.0 workload (default); chakra: one Chakra\n"
            "                        execution trace OUT.<npu>.et per NPU for ASTRA-sim 2\n"
            "  --compat asis         text exactly as the upstream generator writes it, defects included\n"
            "  --freq-hz F           clock for Chakra durations in microseconds (default 1e9)\n"
            "  --passes N            training iterations in a Chakra trace (default 1)\n"
            "  -o, --output FILE     output file (text; default workload.txt) or prefix (chakra;\n"
            "                        default workload)\n"
            "  -q, --quiet           print nothing on success\n"
            "  -h, --help            this help\n\n"
            "The generator's spellings work too: --mnk=FILE, --num_npus, --num_packages,\n"
            "--datatype_size, --scalesim_config, --output_file; --run_name and --scalesim_path\n"
            "are accepted and ignored (SCALE-Sim is not run).\n"
            "Exit status: 0 done, 2 bad input (nothing written), 1 other failure.\n");
}

enum {
    O_MNK = 256, O_MODEL, O_DB, O_SYSTEM, O_PARALLEL, O_NPUS, O_PACKAGES, O_DTYPE, O_CFG, O_FORMAT, O_COMPAT,
    O_BATCH, O_SEQ, O_LAYERS, O_FREQ, O_PASSES, O_IGNORED
};

/* A positive integer option value; -1 with the complaint printed. */
static int parse_count(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *s == '-' || *end || errno || v < 1 || v > max) {
        fprintf(stderr, "hwsweep astra: --%s: '%s' is not an integer in [1, %llu]\n", opt, s,
                (unsigned long long)max);
        return -1;
    }
    *out = v;
    return 0;
}

/* After getopt's complaint about an unknown option: the nearest one. */
static void suggest_option(const char *arg, const struct option *opts)
{
    const char *names[64];
    size_t n = 0;
    for (; opts[n].name && n < 64; n++)
        names[n] = opts[n].name;
    char word[128];
    snprintf(word, sizeof word, "%s", arg + strspn(arg, "-"));
    word[strcspn(word, "=")] = '\0';
    const char *near = strncmp(arg, "--", 2) == 0 ? cfg_nearest(word, names, n) : NULL;
    if (near && strcmp(near, word) != 0)
        fprintf(stderr, "hwsweep astra: did you mean '--%s'?\n", near);
    fprintf(stderr, "'hwsweep astra --help' lists the options\n");
}

int cmd_astra(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"mnk", required_argument, NULL, O_MNK},
        {"from-model", required_argument, NULL, O_MODEL},
        {"from-db", required_argument, NULL, O_DB},
        {"system", required_argument, NULL, O_SYSTEM},
        {"parallel", required_argument, NULL, O_PARALLEL},
        {"num-npus", required_argument, NULL, O_NPUS},
        {"num_npus", required_argument, NULL, O_NPUS},
        {"num-packages", required_argument, NULL, O_PACKAGES},
        {"num_packages", required_argument, NULL, O_PACKAGES},
        {"datatype-size", required_argument, NULL, O_DTYPE},
        {"datatype_size", required_argument, NULL, O_DTYPE},
        {"scalesim-config", required_argument, NULL, O_CFG},
        {"scalesim_config", required_argument, NULL, O_CFG},
        {"format", required_argument, NULL, O_FORMAT},
        {"compat", required_argument, NULL, O_COMPAT},
        {"batch", required_argument, NULL, O_BATCH},
        {"seq", required_argument, NULL, O_SEQ},
        {"layers", required_argument, NULL, O_LAYERS},
        {"freq-hz", required_argument, NULL, O_FREQ},
        {"passes", required_argument, NULL, O_PASSES},
        {"output", required_argument, NULL, 'o'},
        {"output-file", required_argument, NULL, 'o'},
        {"output_file", required_argument, NULL, 'o'},
        {"run_name", required_argument, NULL, O_IGNORED},
        {"scalesim_path", required_argument, NULL, O_IGNORED},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    astra_job_opts_t o = {.system_id = -1};
    uint64_t v;
    int c;
    optind = 1;
    opterr = 1;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case O_MNK: o.mnk_path = optarg; break;
        case O_MODEL: o.model_path = optarg; break;
        case O_DB: o.db_path = optarg; break;
        case O_PARALLEL: o.parallel = optarg; break;
        case O_CFG: o.scalesim_config = optarg; break;
        case O_FORMAT: o.format = optarg; break;
        case O_COMPAT: o.compat = optarg; break;
        case O_IGNORED: break;
        case 'o': o.output = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'h': astra_usage(stdout); return EXIT_OK;
        case O_SYSTEM:
            if (strcmp(optarg, "0") == 0)
                o.system_id = 0;
            else if (parse_count("system", optarg, (uint64_t)1 << 62, &v))
                return EXIT_BADINPUT;
            else
                o.system_id = (long long)v;
            break;
        case O_NPUS:
            if (parse_count("num-npus", optarg, (uint64_t)1 << 30, &o.num_npus))
                return EXIT_BADINPUT;
            break;
        case O_PACKAGES:
            if (parse_count("num-packages", optarg, (uint64_t)1 << 30, &o.num_packages))
                return EXIT_BADINPUT;
            break;
        case O_DTYPE:
            if (parse_count("datatype-size", optarg, 64, &o.datatype_size))
                return EXIT_BADINPUT;
            break;
        case O_BATCH:
        case O_SEQ:
        case O_LAYERS:
        case O_PASSES:
            if (parse_count(c == O_BATCH ? "batch" : c == O_SEQ ? "seq" : c == O_LAYERS ? "layers" : "passes",
                            optarg, c == O_PASSES ? 1000 : (uint64_t)1 << 40, &v))
                return EXIT_BADINPUT;
            if (c == O_BATCH)
                o.batch = (int64_t)v;
            else if (c == O_SEQ)
                o.seq = (int64_t)v;
            else if (c == O_LAYERS)
                o.layers = (int64_t)v;
            else
                o.passes = (int)v;
            break;
        case O_FREQ: {
            char *end;
            errno = 0;
            o.freq_hz = strtod(optarg, &end);
            if (!*optarg || *end || errno || !(o.freq_hz >= 1e3 && o.freq_hz <= 1e15)) {
                fprintf(stderr, "hwsweep astra: --freq-hz: '%s' is not a clock in Hz (1e3 .. 1e15)\n", optarg);
                return EXIT_BADINPUT;
            }
            break;
        }
        default:
            suggest_option(argv[optind - 1], longopts);
            return EXIT_BADINPUT;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "hwsweep astra: unexpected argument '%s'\n", argv[optind]);
        return EXIT_BADINPUT;
    }
    return job_astra(&o);
}
