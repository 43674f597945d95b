/*
 * util.c -- option helpers shared by the subcommands.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cli_threads(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 0 || v > 1024)
        return -1;
    return v == 0 ? cli_all_cores() : (int)v;
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
