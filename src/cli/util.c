/*
 * util.c -- option helpers shared by the subcommands.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cli_threads(const char *cmd, const char *s, int *threads)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 0 || v > 1024) {
        fprintf(stderr, "hwsweep %s: -j takes a number of threads (1..1024, 0 = all cores)\n", cmd);
        return -1;
    }
    *threads = v == 0 ? cli_all_cores() : (int)v;
    return 0;
}

int cli_all_cores(void)
{
    return omp_get_num_procs();
}

void cli_command_line(int argc, char **argv, char *buf, unsigned len)
{
    snprintf(buf, len, "hwsweep");
    for (int i = 0; i < argc; i++) {
        strncat(buf, " ", len - strlen(buf) - 1);
        strncat(buf, argv[i], len - strlen(buf) - 1);
    }
}

int cli_outdir(const char *cmd, const char *s)
{
    if (s && s[0])
        return 0;
    fprintf(stderr, "hwsweep %s: -o: the output folder name is empty\n", cmd);
    return -1;
}
