/*
 * cmd_sw.c -- `hwsweep sw -m MODEL.yaml [-s SYSTEM.yaml] [-o OUTDIR] [-j N] NAME`
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "engine/jobs.h"

static void sw_usage(FILE *f)
{
    fprintf(f,
            "usage: hwsweep sw -m MODEL.yaml|CONFIG.json|ORG/NAME [-s SYSTEM.yaml] [-o OUTDIR] [-j THREADS] [-q] NAME\n\n"
            "Evaluate MODEL on every (valid server x system configuration) point of the\n"
            "hardware NAME explored before (OUTDIR/NAME/NAME.db): sizing, mapping search,\n"
            "latency, power and TCO per token.  Adds the systems and perf tables (and the\n"
            "points view) to OUTDIR/NAME/NAME.db and writes OUTDIR/NAME/MODEL.csv.\n\n"
            "  -m, --model FILE      model YAML, or a HuggingFace config.json or model id of\n"
            "                        inputs/hf/ (meta-llama/Llama-3.1-8B; required)\n"
            "  -s, --system FILE     system YAML (default: inputs/software/system/NAME.yaml\n"
            "                        when it exists, else inputs/software/system/sys_default.yaml)\n"
            "  -o, --outdir DIR      output folder (default " DEFAULT_OUTDIR ")\n"
            "  -j, --threads N       worker threads (default: all cores)\n"
            "  -q, --quiet           print nothing on success\n"
            "  -h, --help            this help\n\n"
            "Exit status: 0 done, 2 bad input (nothing written), 1 other failure.\n");
}

int cmd_sw(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"model", required_argument, NULL, 'm'}, {"system", required_argument, NULL, 's'},
        {"outdir", required_argument, NULL, 'o'}, {"threads", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    char command[4096];
    cli_command_line(argc, argv, command, sizeof command);
    job_opts_t o = {.outdir = DEFAULT_OUTDIR, .threads = cli_all_cores(), .command = command};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:s:o:j:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': o.model_path = optarg; break;
        case 's': o.system_path = optarg; break;
        case 'o':
            if (cli_outdir("sw", optarg))
                return EXIT_BADINPUT;
            o.outdir = optarg;
            break;
        case 'q': o.quiet = 1; break;
        case 'j':
            if (cli_threads("sw", optarg, &o.threads))
                return EXIT_BADINPUT;
            break;
        case 'h': sw_usage(stdout); return EXIT_OK;
        default: sw_usage(stderr); return EXIT_BADINPUT;
        }
    }
    if (optind != argc - 1 || !o.model_path) {
        sw_usage(stderr);
        return EXIT_BADINPUT;
    }
    o.hw_name = argv[optind];
    return job_sw(&o);
}
