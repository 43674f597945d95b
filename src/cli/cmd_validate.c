/*
 * cmd_validate.c -- `hwsweep validate [-c CONSTANTS.yaml] [--csv] TABLE.csv`:
 * each published measurement of the table with the value the reference
 * model and perf_model v2 predict for it, their errors and the summary.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/paths.h"
#include "cli/cli.h"
#include "engine/jobs.h"
#include "hw/hw_config.h"
#include "perf/v2_model.h"
#include "validate/validate.h"

static const char *const validate_models[] = {"reference", "v2"};
#define N_MODELS 2

static void validate_usage(FILE *f)
{
    fprintf(f,
            "usage: hwsweep validate [-c CONSTANTS.yaml] [--csv] [--v2-off LIST] TABLE.csv\n\n"
            "Predict every published measurement of TABLE.csv (validation/measurements.csv)\n"
            "with the reference model and with perf_model v2, and print each row's\n"
            "prediction and relative error, then per model the median, mean and largest\n"
            "|error| and the rows within 25%%.\n\n"
            "  -c, --constants FILE  hardware constants (default " PATHS_DEFAULT_CONSTANTS ")\n"
            "      --csv             one CSV row per measurement instead of the table\n"
            "      --v2-off LIST     turn these v2 corrections off, an ablation (comma-separated:");
    /* the names come from the table v2_off_parse reads, so the help cannot drift */
    int col = 80;
    for (size_t i = 0; i < v2_correction_count; i++) {
        const char *name = v2_corrections[i].name;
        int len = (int)strlen(name) + 1;   /* the name and its ',' or ')' */
        if (col + 1 + len > 79) {
            fprintf(f, "\n                        %s", name);
            col = 24 + len;
        } else {
            fprintf(f, " %s", name);
            col += 1 + len;
        }
        fputc(i + 1 < v2_correction_count ? ',' : ')', f);
    }
    fputc('\n', f);
    fprintf(f, "  -h, --help            this help\n\n"
               "Exit status: 0 done, 2 bad input, 1 a row could not be predicted.\n");
}

static void print_row(const val_row_t *r, const double *pred, const bool *ok, bool csv)
{
    if (csv) {
        printf("%s,%s,%s,%s,%.17g", r->id, r->hardware, r->model, r->metric, r->value);
        for (int m = 0; m < N_MODELS; m++)
            if (ok[m])
                printf(",%.17g,%.6f", pred[m], (pred[m] - r->value) / r->value * 100);
            else
                printf(",,");
        printf("\n");
        return;
    }
    printf("%-22s %-6s %-20s %-16s %11.5g", r->id, r->hardware, r->model, r->metric, r->value);
    for (int m = 0; m < N_MODELS; m++)
        if (ok[m])
            printf("  %11.5g %+8.1f%%", pred[m], (pred[m] - r->value) / r->value * 100);
        else
            printf("  %11s %9s", "n/a", "");
    printf("\n");
}

int cmd_validate(int argc, char **argv)
{
    static const struct option longopts[] = {{"constants", required_argument, NULL, 'c'},
                                             {"csv", no_argument, NULL, 'C'},
                                             {"v2-off", required_argument, NULL, 'O'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    const char *constants = PATHS_DEFAULT_CONSTANTS;
    bool csv = false;
    unsigned v2_off = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': constants = optarg; break;
        case 'C': csv = true; break;
        case 'O': {
            char msg[256];
            if (!v2_off_parse(optarg, &v2_off, msg, sizeof msg)) {
                fprintf(stderr, "hwsweep validate: --v2-off: %s\n", msg);
                return EXIT_BADINPUT;
            }
            break;
        }
        case 'h': validate_usage(stdout); return EXIT_OK;
        default: validate_usage(stderr); return EXIT_BADINPUT;
        }
    }
    if (optind != argc - 1) {
        validate_usage(stderr);
        return EXIT_BADINPUT;
    }
    cfg_err_t err;
    hw_constants_t hc;
    if (hw_constants_load(constants, &hc, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_BADINPUT;
    }
    val_row_t *rows;
    size_t n;
    if (val_table_load(argv[optind], &rows, &n, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return EXIT_BADINPUT;
    }
    double *rel[N_MODELS];
    size_t n_ok[N_MODELS] = {0, 0};
    int failed = 0;
    rel[0] = malloc(n * sizeof(double));
    rel[1] = malloc(n * sizeof(double));
    if (!rel[0] || !rel[1]) {
        fprintf(stderr, "hwsweep validate: out of memory\n");
        free(rel[0]);
        free(rel[1]);
        free(rows);
        return EXIT_FAILURE;
    }
    if (csv)
        printf("id,hardware,model,metric,measured,reference,reference_error_pct,v2,v2_error_pct\n");
    else
        printf("%-22s %-6s %-20s %-16s %11s  %11s %9s  %11s %9s\n", "id", "hw", "model", "metric",
               "measured", "reference", "error", "v2", "error");
    for (size_t i = 0; i < n; i++) {
        double pred[N_MODELS];
        bool ok[N_MODELS];
        for (int m = 0; m < N_MODELS; m++) {
            char why[1024];
            ok[m] = val_predict(&rows[i], validate_models[m], m ? v2_off : 0, &hc, &pred[m], why,
                                sizeof why);
            if (ok[m]) {
                rel[m][n_ok[m]++] = (pred[m] - rows[i].value) / rows[i].value;
            } else {
                fprintf(stderr, "%s:%d: row %s, %s: %s\n", argv[optind], rows[i].line, rows[i].id,
                        validate_models[m], why);
                failed = 1;
            }
        }
        print_row(&rows[i], pred, ok, csv);
    }
    if (!csv) {
        printf("\n");
        for (int m = 0; m < N_MODELS; m++) {
            val_summary_t s = val_summarize(rel[m], n_ok[m]);
            printf("%-9s rows %zu/%zu  median |error| %.1f%%  mean %.1f%%  max %.1f%%  within 25%%: %g/%zu\n",
                   validate_models[m], n_ok[m], n, s.median, s.mean, s.max, s.within_25, n);
        }
    }
    free(rel[0]);
    free(rel[1]);
    free(rows);
    return failed ? EXIT_FAILURE : EXIT_OK;
}
