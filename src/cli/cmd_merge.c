/*
 * cmd_merge.c -- `hwsweep merge [-q] OUT.db SHARD.db...`
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "engine/jobs.h"
#include "engine/merge.h"
#include "store/npu_store.h"

static void merge_usage(FILE *f)
{
    fprintf(f, "usage: hwsweep merge [-q] OUT.db SHARD.db...\n\n"
               "Merge the shard databases of one sweep (hwsweep run --shard I/N) into OUT.db,\n"
               "which then equals a single-process run of the sweep; also writes the hardware\n"
               "summaries OUT.HARDWARE.csv.  Refuses shards of different sweeps or inputs,\n"
               "duplicate shards and unfinished shards, and names the missing ones.\n"
               "OUT.db is replaced only when the merge succeeds.\n\n"
               "  -q, --quiet   print nothing on success\n"
               "  -h, --help    this help\n\n"
               "Exit status: 0 done, 2 shards that do not make one whole sweep, 1 other failure.\n");
}

int cmd_merge(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    char command[4096];
    cli_command_line(argc, argv, command, sizeof command);
    int quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'q': quiet = 1; break;
        case 'h': merge_usage(stdout); return EXIT_OK;
        default: merge_usage(stderr); return EXIT_BADINPUT;
        }
    }
    if (argc - optind < 2) {
        merge_usage(stderr);
        return EXIT_BADINPUT;
    }
    if (npu_store_is_npu_db(argv[optind + 1])) { /* shards of an NPU sweep (store/npu_store.c) */
        char err[1024];
        int rc = npu_store_merge(argv[optind], argv + optind + 1, argc - optind - 1, command, err, sizeof err);
        if (rc)
            fprintf(stderr, "hwsweep merge: %s\n", err);
        else if (!quiet)
            printf("wrote %s\n", argv[optind]);
        return rc;
    }
    return merge_run(argv[optind], argv + optind + 1, argc - optind - 1, command, quiet);
}
