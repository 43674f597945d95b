/*
 * cmd_hw.c -- `hwsweep hw [-c CONSTANTS.yaml] [-o OUTDIR] [-j THREADS] HW.yaml`
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "config/paths.h"
#include "engine/jobs.h"

static void hw_usage(FILE *f)
{
    fprintf(f,
            "usage: hwsweep hw [-c CONSTANTS.yaml] [-o OUTDIR] [-j THREADS] [-q] HW.yaml\n\n"
            "Explore every chip, package and server configuration of HW.yaml (lists are\n"
            "sweeps) and write OUTDIR/NAME/NAME.db (every point, valid or not) and\n"
            "OUTDIR/NAME/NAME.csv (valid servers), NAME being the file's Name.\n\n"
            "  -c, --constants FILE  technology constants (default " PATHS_DEFAULT_CONSTANTS ")\n"
            "  -o, --outdir DIR      output folder (default " DEFAULT_OUTDIR ")\n"
            "  -j, --threads N       worker threads (default: all cores)\n"
            "  -q, --quiet           print nothing on success\n"
            "  -h, --help            this help\n\n"
            "Exit status: 0 done, 2 bad input (nothing written), 1 other failure.\n");
}

int cmd_hw(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"constants", required_argument, NULL, 'c'}, {"outdir", required_argument, NULL, 'o'},
        {"threads", required_argument, NULL, 'j'},   {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    char command[4096];
    cli_command_line(argc, argv, command, sizeof command);
    char constants[4096];
    job_opts_t o = {.constants_path = paths_shipped(PATHS_DEFAULT_CONSTANTS, constants, sizeof constants),
                    .outdir = DEFAULT_OUTDIR,
                    .threads = cli_all_cores(), .command = command};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:o:j:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': o.constants_path = optarg; break;
        case 'o':
            if (cli_outdir("hw", optarg))
                return EXIT_BADINPUT;
            o.outdir = optarg;
            break;
        case 'q': o.quiet = 1; break;
        case 'j':
            if (cli_threads("hw", optarg, &o.threads))
                return EXIT_BADINPUT;
            break;
        case 'h': hw_usage(stdout); return EXIT_OK;
        default: hw_usage(stderr); return EXIT_BADINPUT;
        }
    }
    if (optind != argc - 1) {
        hw_usage(stderr);
        return EXIT_BADINPUT;
    }
    o.hw_path = argv[optind];
    return job_hw(&o);
}
