/*
 * cmd_inputs.c -- `hwsweep inputs DB [--extract DIR] [-q]`
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "engine/jobs.h"

static void inputs_usage(FILE *f)
{
    fprintf(f,
            "usage: hwsweep inputs [--extract DIR] [-q] DB.db\n\n"
            "List the input files a database keeps (hardware, constants, model, system and\n"
            "sweep files, as read by the runs that wrote it) with their SHA-256, or write\n"
            "them back under DIR (at their recorded relative path; absolute paths or paths\n"
            "with '..' go to DIR/ROLE/NAME), so the result can be re-run from the database\n"
            "alone.  The database is opened read-only.\n\n"
            "  -x, --extract DIR     write the files under DIR\n"
            "  -q, --quiet           print nothing on success\n"
            "  -h, --help            this help\n\n"
            "Exit status: 0 done, 2 bad usage or not a database, 1 other failure.\n");
}

int cmd_inputs(int argc, char **argv)
{
    static const struct option longopts[] = {{"extract", required_argument, NULL, 'x'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *dir = NULL;
    int quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "x:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'x':
            if (cli_outdir("inputs", optarg))
                return EXIT_BADINPUT;
            dir = optarg;
            break;
        case 'q': quiet = 1; break;
        case 'h': inputs_usage(stdout); return EXIT_OK;
        default: inputs_usage(stderr); return EXIT_BADINPUT;
        }
    }
    if (optind != argc - 1) {
        inputs_usage(stderr);
        return EXIT_BADINPUT;
    }
    return job_inputs(argv[optind], dir, quiet);
}
