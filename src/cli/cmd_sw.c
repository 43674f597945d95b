/* cmd_sw.c -- placeholder until the software evaluation lands. */
#include <stdio.h>
#include "cli/cli.h"
int cmd_sw(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "not yet\n"); return 1; }
int cmd_run(int argc, char **argv) { (void)argc; (void)argv; fprintf(stderr, "not yet\n"); return 1; }
