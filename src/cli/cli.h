/*
 * cli.h -- the subcommands of bin/hwsweep, one file each (cmd_NAME.c), and
 * the option helpers they share.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stdbool.h>

int cmd_hw(int argc, char **argv);
int cmd_sw(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_inputs(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_kernels(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_astra(int argc, char **argv);
int cmd_hf(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_npu(int argc, char **argv);
int cmd_status(int argc, char **argv);

/* Defaults shared by the subcommands. */
#define DEFAULT_OUTDIR "outputs"

/* Parse a -j value of command cmd into *threads (0 = all cores); prints
 * the complaint and returns -1 when invalid. */
int cli_threads(const char *cmd, const char *s, int *threads);
/* The command line as one string, for the runs table (static buffer per call site). */
void cli_command_line(int argc, char **argv, char *buf, unsigned len);
/* All cores (OpenMP's default thread count). */
int cli_all_cores(void);

/* -o DIR: refuses an empty folder name (it would write under /); prints
 * the complaint and returns -1. */
int cli_outdir(const char *cmd, const char *s);

#endif
