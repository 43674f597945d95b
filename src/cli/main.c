/*
 * main.c -- bin/hwsweep: dispatch to the subcommands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/hugemem.h"
#include "version.h"

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} command_t;

static const command_t commands[] = {
    {"hw", cmd_hw, "explore the hardware of HW.yaml: every chip, package and server point"},
    {"sw", cmd_sw, "evaluate a model on the valid servers of an explored hardware"},
    {"run", cmd_run, "a sweep file (resumable, shardable), or hw then sw for one hardware file"},
    {"merge", cmd_merge, "merge the shard databases of a sweep"},
    {"status", cmd_status, "where the shard databases of a sweep stand: done/total, rate, time left"},
    {"query", cmd_query, "summary, best system per batch or Pareto frontier of a database"},
    {"inputs", cmd_inputs, "the input files a database keeps (list, or --extract DIR)"},
    {"schema", cmd_schema, "every table and view of a database: each column's type, unit and meaning"},
    {"kernels", cmd_kernels, "roofline and tiled time of a decoder's kernels (BenchRoofline model)"},
    {"validate", cmd_validate, "predict published measurements with the reference and v2 models"},
    {"astra", cmd_astra, "ASTRA-sim workloads (1.0 text, 2.x Chakra) from GEMM lists, models or sweep points"},
    {"hf", cmd_hf, "operators, dependencies and costs of a HuggingFace model from its config.json"},
    {"plot", cmd_plot, "a picture of a database (gnuplot): pareto, latency-batch, tco-breakdown, ..."},
    {"report", cmd_report, "a one-page HTML report of a database, its pictures inline"},
    {"npu", cmd_npu, "simulate an LLM on an NPU operator by operator (NeuSim's model)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: hwsweep <command> [options]\n\n"
               "hwsweep evaluates LLM and DNN hardware design spaces: validity, cost and TCO\n"
               "of every chip/package/server point, latency, power and TCO per token of every\n"
               "system built from them (ReaLLM v1's model, or perf_model: v2), and per-operator\n"
               "views of a model (NPU simulator, kernel roofline, ASTRA-sim workloads).\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'hwsweep <command> --help' describes a command's options.\n"
               "Exit status: 0 done, 2 bad input, 1 other failure.\n");
}

/* Idle OpenMP workers sleep instead of spinning: a sweep's writer thread
 * needs a core while the evaluators wait for it (spinning took ~19% of the
 * CPU of a big sweep on 2 cores).  libgomp reads OMP_WAIT_POLICY once, in
 * its own constructor, so this runs before it: constructors with a
 * priority come before those without when libgomp is linked statically
 * (the default, see the Makefile's LINK_STATIC); a dynamically linked
 * libgomp initialises before any of the program's code, and there only
 * the environment's OMP_WAIT_POLICY counts.  A value the user set wins. */
__attribute__((constructor(101))) static void omp_workers_wait_passively(void)
{
    setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
}

/* malloc's heap on huge pages (engine/hugemem.h) for the commands that
 * finish in milliseconds to seconds (not run, merge: 2 MiB granules raise
 * a long sweep's peak RSS); HWSWEEP_HUGE_HEAP=0 turns it off.  In this
 * virtual machine a 4 KiB page fault costs about 13 us of CPU and a short
 * `hwsweep sw` took 300 to 1,500 of them.  The perf store's recent-tuple
 * caches grow with the tuples stored (store/dedup.c), so a short command
 * touches a few of its 2 MiB pages, not one per scattered slot. */
static void heap_on_huge_pages(const char *command)
{
    const char *off = getenv("HWSWEEP_HUGE_HEAP");
    if (!(off && strcmp(off, "0") == 0) && strcmp(command, "run") != 0 && strcmp(command, "merge") != 0)
        hugemem_heap_init((size_t)16 << 20);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("hwsweep %s\n", HWSWEEP_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            heap_on_huge_pages(argv[1]);
            return commands[i].fn(argc - 1, argv + 1);
        }
    fprintf(stderr, "hwsweep: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
