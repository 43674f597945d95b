/*
 * cmd_run.c -- `hwsweep run [-c C] -m MODEL.yaml [-s SYSTEM.yaml] [-o OUTDIR] [-j N] HW.yaml`:
 * hw then sw.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "engine/jobs.h"
#include "hw/hw_config.h"

static void run_usage(FILE *f)
{
    fprintf(f,
            "usage: hwsweep run [-c CONSTANTS.yaml] -m MODEL.yaml [-s SYSTEM.yaml] [-o OUTDIR]\n"
            "                   [-j THREADS] [-q] HW.yaml\n\n"
            "Explore the hardware of HW.yaml (as `hwsweep hw`), then evaluate MODEL on it\n"
            "(as `hwsweep sw`); the options are those of the two commands.\n");
}

int cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"constants", required_argument, NULL, 'c'}, {"model", required_argument, NULL, 'm'},
        {"system", required_argument, NULL, 's'},    {"outdir", required_argument, NULL, 'o'},
        {"threads", required_argument, NULL, 'j'},   {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    char command[4096];
    cli_command_line(argc, argv, command, sizeof command);
    job_opts_t o = {.constants_path = DEFAULT_CONSTANTS, .outdir = DEFAULT_OUTDIR,
                    .threads = cli_all_cores(), .command = command};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:m:s:o:j:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': o.constants_path = optarg; break;
        case 'm': o.model_path = optarg; break;
        case 's': o.system_path = optarg; break;
        case 'o': o.outdir = optarg; break;
        case 'q': o.quiet = 1; break;
        case 'j':
            if ((o.threads = cli_threads(optarg)) < 0) {
                fprintf(stderr, "hwsweep run: -j takes a number of threads (1..1024, 0 = all cores)\n");
                return EXIT_BADINPUT;
            }
            break;
        case 'h': run_usage(stdout); return EXIT_OK;
        default: run_usage(stderr); return EXIT_BADINPUT;
        }
    }
    if (optind != argc - 1 || !o.model_path) {
        run_usage(stderr);
        return EXIT_BADINPUT;
    }
    o.hw_path = argv[optind];
    /* NAME comes from the hardware file; read it before anything runs */
    hw_config_t cfg;
    cfg_err_t err;
    if (hw_config_load(o.hw_path, &cfg, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_BADINPUT;
    }
    char name[HW_NAME_MAX];
    snprintf(name, sizeof name, "%s", cfg.name);
    hw_config_free(&cfg);
    o.hw_name = name;
    int rc = job_hw(&o);
    return rc ? rc : job_sw(&o);
}
