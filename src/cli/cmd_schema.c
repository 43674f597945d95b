/*
 * cmd_schema.c -- `hwsweep schema [DB.db] [--csv]`: every table and view
 * with each column's type, unit and meaning (store/columns.h): those of
 * DB.db as it is, else those of a database this hwsweep writes.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/jobs.h"
#include "store/columns.h"
#include "store/csv.h"
#include "store/db.h"

typedef struct {
    int csv;
    csv_t out;
    int started;        /* rows printed */
    char last_buf[128]; /* table of the previous row (text) */
} schema_out_t;

static void schema_usage(FILE *f)
{
    fprintf(f, "usage: hwsweep schema [--csv] [DB.db]\n\n"
               "Print every table and view with each column's SQLite type, unit and meaning:\n"
               "those of DB.db (opened read-only), else those of a database this hwsweep\n"
               "writes.  A database holds the same description in its `columns` table\n"
               "(table_name, column_name, type, unit, meaning) for use in sqlite3.\n\n"
               "  --csv       RFC 4180 CSV: table_name,column_name,type,unit,meaning\n"
               "  -h, --help  this help\n\n"
               "Exit status: 0 done, 2 bad usage or not a database, 1 other failure.\n");
}

static int print_row(void *ctx, const char *table, const char *column, const char *type, const char *unit,
                     const char *meaning)
{
    schema_out_t *o = ctx;
    if (!o->started++) {
        if (o->csv) {
            const char *head[5] = {"table_name", "column_name", "type", "unit", "meaning"};
            for (int i = 0; i < 5; i++)
                csv_text(&o->out, head[i]);
            csv_end_row(&o->out);
        } else {
            printf("TABLE\n  %-34s %-8s %-18s %s\n", "column", "type", "unit", "meaning");
        }
    }
    if (o->csv) {
        const char *cells[5] = {table, column, type, unit, meaning};
        for (int i = 0; i < 5; i++)
            csv_text(&o->out, cells[i]);
        csv_end_row(&o->out);
        return 0;
    }
    if (strcmp(o->last_buf, table) != 0) {
        printf("\n%s\n", table);
        snprintf(o->last_buf, sizeof o->last_buf, "%s", table);
    }
    printf("  %-34s %-8s %-18s %s\n", column, type, unit[0] ? unit : "-", meaning);
    return 0;
}

int cmd_schema(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"csv", no_argument, NULL, 'C'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    schema_out_t o;
    memset(&o, 0, sizeof o);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'C': o.csv = 1; break;
        case 'h': schema_usage(stdout); return EXIT_OK;
        default: schema_usage(stderr); return EXIT_BADINPUT;
        }
    }
    if (argc - optind > 1) {
        schema_usage(stderr);
        return EXIT_BADINPUT;
    }
    char err[DB_ERR_MAX] = "";
    sqlite3 *db = optind < argc ? db_open_readonly(argv[optind], err, sizeof err) : columns_blank_db(err, sizeof err);
    if (!db) {
        fprintf(stderr, "hwsweep schema: %s\n", err);
        return optind < argc ? EXIT_BADINPUT : EXIT_FAIL;
    }
    o.out.f = stdout;
    int rc = columns_each(db, print_row, &o, err, sizeof err);
    sqlite3_close(db);
    if (rc) {
        fprintf(stderr, "hwsweep schema: %s%s%s\n", optind < argc ? argv[optind] : "", optind < argc ? ": " : "", err);
        return optind < argc ? EXIT_BADINPUT : EXIT_FAIL;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "hwsweep schema: cannot write the output\n");
        return EXIT_FAIL;
    }
    return EXIT_OK;
}
