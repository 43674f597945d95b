/*
 * cmd_run.c -- `hwsweep run`: either a sweep file,
 *   hwsweep run [-o OUTDIR] [-j N] [--resume] [--shard I/N] [-q] SWEEP.yaml
 * or one hardware file with a model (hw then sw),
 *   hwsweep run [-c C] -m MODEL.yaml [-s SYSTEM.yaml] [-o OUTDIR] [-j N] HW.yaml
 * told apart by the file's top-level keys.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "config/paths.h"
#include "engine/jobs.h"
#include "engine/npu_sweep.h"
#include "engine/scratch.h"
#include "engine/sweep.h"
#include "engine/sweep_config.h"
#include "hw/hw_config.h"

static void run_usage(FILE *f)
{
    fprintf(f,
            "usage: hwsweep run [-o OUTDIR] [-j THREADS] [--resume] [--shard I/N] [--dry-run] [--max-memory MIB] [--yes] [-q]\n"
            "                   [--scratch DIR [--publish-every S] | --no-scratch] SWEEP.yaml\n"
            "       hwsweep run [-c CONSTANTS.yaml] -m MODEL.yaml [-s SYSTEM.yaml] [-o OUTDIR] [-j THREADS] HW.yaml\n\n"
            "With a sweep file (top-level keys hardware, constants, models, systems, overrides):\n"
            "evaluate every hardware point and every system point of the sweep into\n"
            "OUTDIR/sweeps/NAME.db (NAME: the file name without .yaml) and write the hardware\n"
            "summaries OUTDIR/sweeps/NAME.HARDWARE.csv.  Progress goes to stderr.  A sweep\n"
            "file with an npu: section (models, chips, num_chips, batch, parallelism,\n"
            "power_gating, carbon, set, ...; README \"NPU sweeps\") runs the NPU simulator\n"
            "into the tables npu_points, npu_energy and npu_ops of OUTDIR/sweeps/NAME.db.\n\n"
            "  --resume              continue an interrupted run of the same sweep (refused\n"
            "                        when an input file changed)\n"
            "  --shard I/N           evaluate shard I of N (1 <= I <= N) into\n"
            "                        OUTDIR/sweeps/NAME.shard-I-of-N.db; see `hwsweep merge`\n"
            "  --dry-run             evaluate every point but store nothing: counts and timings\n"
            "  --max-memory MIB      refuse a sweep whose expansion needs more memory (default %d)\n"
            "  --yes                 run it anyway\n"
            "  --scratch DIR         write the database in node-local DIR (SQLite's WAL must not\n"
            "                        run over NFS or Lustre) and move it into OUTDIR/sweeps only\n"
            "                        when finished (copy, fsync, rename); a checkpoint goes to\n"
            "                        OUTDIR/sweeps/NAME.db.partial the same way.  Default under\n"
            "                        Slurm (SLURM_JOB_ID set): $TMPDIR, else /tmp; otherwise none\n"
            "  --publish-every S     with a scratch folder: also publish the checkpoint every S\n"
            "                        seconds while running, so a lost node costs at most S\n"
            "                        seconds of work (default %.0f; 0: only when stopped)\n"
            "  --no-scratch          write in OUTDIR/sweeps even under Slurm\n\n"
            "With a hardware file: `hwsweep hw` then `hwsweep sw` (see their --help).\n\n"
            "  -c, --constants FILE  technology constants (default " PATHS_DEFAULT_CONSTANTS ")\n"
            "  -m, --model FILE      model YAML or HuggingFace config.json / model id\n"
            "  -s, --system FILE     system YAML\n"
            "  -o, --outdir DIR      output folder (default " DEFAULT_OUTDIR ")\n"
            "  -j, --threads N       worker threads (default: all cores)\n"
            "  -q, --quiet           no progress or summary\n"
            "  -h, --help            this help\n\n"
            "Exit status: 0 done, 2 bad input (nothing written), 1 other failure,\n"
            "130 interrupted by Ctrl-C or SIGTERM (finished chunks are saved; use --resume),\n"
            "75 checkpointed on SIGUSR1 (finished chunks saved and published; requeue and --resume).\n",
            SWEEP_DEFAULT_MAX_MEMORY_MIB, SCRATCH_PUBLISH_EVERY_S);
}

static int parse_shard(const char *s, int *i, int *n)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (*end != '/')
        return -1;
    long b = strtol(end + 1, &end, 10);
    if (*end || a < 1 || b < 1 || a > b || b > 1000000)
        return -1;
    *i = (int)a;
    *n = (int)b;
    return 0;
}

static int run_hw_sw(job_opts_t *o)
{
    if (!o->model_path) {
        fprintf(stderr, "hwsweep run: a hardware file needs -m MODEL.yaml (or give a sweep file)\n");
        return EXIT_BADINPUT;
    }
    /* the hardware's Name chooses the default system file and the output folder */
    hw_config_t cfg;
    cfg_err_t err;
    if (hw_config_load(o->hw_path, &cfg, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_BADINPUT;
    }
    char name[HW_NAME_MAX];
    snprintf(name, sizeof name, "%s", cfg.name);
    hw_config_free(&cfg);
    o->hw_name = name;
    /* every input is checked before hw writes anything */
    int rc = job_sw_check(o);
    if (rc == EXIT_OK)
        rc = job_hw(o);
    return rc ? rc : job_sw(o);
}

int cmd_run(int argc, char **argv)
{
    enum { OPT_RESUME = 1000, OPT_SHARD, OPT_DRY_RUN, OPT_YES, OPT_MAX_MEMORY, OPT_SCRATCH, OPT_NO_SCRATCH,
           OPT_PUBLISH_EVERY };
    static const struct option longopts[] = {
        {"constants", required_argument, NULL, 'c'}, {"model", required_argument, NULL, 'm'},
        {"system", required_argument, NULL, 's'},    {"outdir", required_argument, NULL, 'o'},
        {"threads", required_argument, NULL, 'j'},   {"quiet", no_argument, NULL, 'q'},
        {"resume", no_argument, NULL, OPT_RESUME},   {"shard", required_argument, NULL, OPT_SHARD},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"yes", no_argument, NULL, OPT_YES},         {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
        {"scratch", required_argument, NULL, OPT_SCRATCH}, {"no-scratch", no_argument, NULL, OPT_NO_SCRATCH},
        {"publish-every", required_argument, NULL, OPT_PUBLISH_EVERY},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    char command[4096];
    cli_command_line(argc, argv, command, sizeof command);
    char constants[4096];
    job_opts_t o = {.constants_path = paths_shipped(PATHS_DEFAULT_CONSTANTS, constants, sizeof constants),
                    .outdir = DEFAULT_OUTDIR,
                    .threads = cli_all_cores(), .command = command};
    sweep_opts_t so = {.outdir = DEFAULT_OUTDIR, .command = command, .shard_i = 1, .shard_n = 1,
                       .publish_every_s = -1};
    bool sweep_only = false, no_scratch = false;
    const char *scratch_opt = NULL;
    char scratch[4096];
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:m:s:o:j:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': o.constants_path = optarg; break;
        case 'm': o.model_path = optarg; break;
        case 's': o.system_path = optarg; break;
        case 'o':
            if (cli_outdir("run", optarg))
                return EXIT_BADINPUT;
            o.outdir = so.outdir = optarg;
            break;
        case 'q': o.quiet = 1; so.quiet = true; break;
        case OPT_RESUME: so.resume = sweep_only = true; break;
        case OPT_DRY_RUN: so.dry_run = sweep_only = true; break;
        case OPT_YES: so.yes = sweep_only = true; break;
        case OPT_SCRATCH: scratch_opt = optarg; sweep_only = true; break;
        case OPT_NO_SCRATCH: no_scratch = sweep_only = true; break;
        case OPT_PUBLISH_EVERY: {
            char *end;
            so.publish_every_s = strtod(optarg, &end);
            if (*end || !(so.publish_every_s >= 0) || so.publish_every_s > 1e9) {
                fprintf(stderr, "hwsweep run: --publish-every takes seconds >= 0, e.g. --publish-every 1800\n");
                return EXIT_BADINPUT;
            }
            sweep_only = true;
            break;
        }
        case OPT_MAX_MEMORY: {
            char *end;
            so.max_memory_mib = strtod(optarg, &end);
            if (*end || !(so.max_memory_mib > 0) || so.max_memory_mib > 1e12) {
                fprintf(stderr, "hwsweep run: --max-memory takes MiB > 0, e.g. --max-memory 16384\n");
                return EXIT_BADINPUT;
            }
            sweep_only = true;
            break;
        }
        case OPT_SHARD:
            if (parse_shard(optarg, &so.shard_i, &so.shard_n)) {
                fprintf(stderr, "hwsweep run: --shard takes I/N with 1 <= I <= N, e.g. --shard 2/8\n");
                return EXIT_BADINPUT;
            }
            sweep_only = true;
            break;
        case 'j':
            if (cli_threads("run", optarg, &o.threads))
                return EXIT_BADINPUT;
            break;
        case 'h': run_usage(stdout); return EXIT_OK;
        default: run_usage(stderr); return EXIT_BADINPUT;
        }
    }
    if (optind != argc - 1) {
        run_usage(stderr);
        return EXIT_BADINPUT;
    }
    cfg_err_t err;
    if (npu_sweep_is_npu_file(argv[optind], &err) > 0) { /* an `npu:` sweep (engine/npu_sweep.c) */
        so.sweep_path = argv[optind];
        so.threads = o.threads;
        return npu_sweep_run(&so);
    }
    int is_sweep = sweep_is_sweep_file(argv[optind], &err);
    if (is_sweep < 0) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_BADINPUT;
    }
    if (is_sweep) {
        char why[4400];
        if (scratch_choose(scratch_opt, no_scratch, scratch, sizeof scratch, why, sizeof why)) {
            fprintf(stderr, "hwsweep run: %s\n", why);
            return EXIT_BADINPUT;
        }
        so.scratch_dir = scratch[0] ? scratch : NULL;
        so.sweep_path = argv[optind];
        so.threads = o.threads;
        return sweep_run(&so);
    }
    if (sweep_only) {
        fprintf(stderr, "hwsweep run: --resume, --shard, --scratch and --dry-run apply to sweep files; %s is not one "
                "(a sweep file has the keys hardware, models, systems)\n", argv[optind]);
        return EXIT_BADINPUT;
    }
    o.hw_path = argv[optind];
    return run_hw_sw(&o);
}
