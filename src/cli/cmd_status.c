/*
 * cmd_status.c -- `hwsweep status [--json] DB...`: where each shard
 * database of a sweep stands (state, servers done / total, rate, time left,
 * system points) and a total line; a human table or JSON.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/jobs.h"
#include "engine/sweep_status.h"
#include "store/db.h"

static void status_usage(FILE *f)
{
    fprintf(f,
            "usage: hwsweep status [--json] DB...\n\n"
            "Where the sweep databases DB stand: finished shards (NAME.shard-I-of-N.db), shards\n"
            "being written or interrupted (NAME...db.partial, in OUTDIR/sweeps or a --scratch\n"
            "folder) and published checkpoints.  A DB that does not exist is looked up as\n"
            "DB.partial.  Per database: shard, state (running, interrupted, finished, failed),\n"
            "servers done / total of the shard, servers per second over all its attempts,\n"
            "estimated time left, system points stored; then a total line (time left: the\n"
            "longest of the shards, which run side by side).\n\n"
            "  --json      one JSON object: {\"shards\": [...], \"total\": {...}}\n"
            "  -h, --help  this help\n\n"
            "Exit status: 0 done, 2 bad input (a DB missing or not a sweep database).\n");
}

static void fmt_left(double s, char *buf, size_t len)
{
    if (s < 0) {
        snprintf(buf, len, "-");
        return;
    }
    long long t = (long long)(s + 0.5);
    snprintf(buf, len, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
}

static void fmt_count(long long n, char *buf, size_t len)
{
    if (n < 0)
        snprintf(buf, len, "?");
    else
        snprintf(buf, len, "%lld", n);
}

static void print_line(const char *shard, const char *state, long long done, long long total, double rate,
                       double left, long long systems, const char *path)
{
    char d[32], t[32], dt[72], pct[16], r[32], l[32];
    fmt_count(done, d, sizeof d);
    fmt_count(total, t, sizeof t);
    snprintf(dt, sizeof dt, "%s/%s", d, t);
    if (total > 0)
        snprintf(pct, sizeof pct, "%.1f%%", 100.0 * (double)done / (double)total);
    else
        snprintf(pct, sizeof pct, "-");
    if (rate > 0)
        snprintf(r, sizeof r, "%.1f", rate);
    else
        snprintf(r, sizeof r, "-");
    fmt_left(left, l, sizeof l);
    printf("%-9s %-12s %17s %7s %10s %10s %13lld%s%s\n", shard, state, dt, pct, r, l, systems, path[0] ? "  " : "",
           path);
}

static json_t *num_or_null(double v, int known)
{
    return known ? json_real(v) : json_null();
}

int cmd_status(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'J'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'J': json = 1; break;
        case 'h': status_usage(stdout); return EXIT_OK;
        default: status_usage(stderr); return EXIT_BADINPUT;
        }
    }
    int n = argc - optind;
    if (n < 1) {
        status_usage(stderr);
        return EXIT_BADINPUT;
    }
    sweep_status_t *st = calloc((size_t)n, sizeof *st);
    if (!st) {
        fprintf(stderr, "hwsweep status: out of memory\n");
        return EXIT_FAIL;
    }
    double now = db_now();
    for (int i = 0; i < n; i++) {
        char err[DB_ERR_MAX + 8600];
        int rc = sweep_status_read(argv[optind + i], now, &st[i], err, sizeof err);
        if (rc) {
            fprintf(stderr, "hwsweep status: %s\n", err);
            free(st);
            return rc;
        }
    }
    /* the total: shards run side by side, so the time left is the longest */
    long long done = 0, total = 0, systems = 0;
    double rate = 0, left = 0;
    int running = 0, finished = 0, interrupted = 0, failed = 0, total_known = 1;
    for (int i = 0; i < n; i++) {
        const sweep_status_t *s = &st[i];
        done += s->row.servers_done;
        systems += s->row.systems_done;
        if (s->row.servers_total < 0)
            total_known = 0;
        else
            total += s->row.servers_total;
        running += strcmp(s->state, "running") == 0;
        finished += strcmp(s->state, "finished") == 0;
        interrupted += strcmp(s->state, "interrupted") == 0;
        failed += strcmp(s->state, "failed") == 0;
        if (left >= 0)
            left = s->left_s < 0 ? -1 : (s->left_s > left ? s->left_s : left);
    }
    for (int i = 0; i < n; i++)   /* the shards running now, else all of them */
        if (!running || strcmp(st[i].state, "running") == 0)
            rate += st[i].rate_per_s;
    if (json) {
        json_t *root = json_object(), *arr = json_array();
        for (int i = 0; i < n; i++) {
            const sweep_status_t *s = &st[i];
            json_t *o = json_object();
            json_object_set_new(o, "database", json_string(s->path));
            json_object_set_new(o, "sweep", json_string(s->row.sweep));
            json_object_set_new(o, "shard", json_string(s->row.shard));
            json_object_set_new(o, "state", json_string(s->state));
            json_object_set_new(o, "servers_done", json_integer(s->row.servers_done));
            json_object_set_new(o, "servers_total",
                                s->row.servers_total < 0 ? json_null() : json_integer(s->row.servers_total));
            json_object_set_new(o, "system_points", json_integer(s->row.systems_done));
            json_object_set_new(o, "servers_per_s", num_or_null(s->rate_per_s, s->rate_per_s > 0));
            json_object_set_new(o, "time_left_s", num_or_null(s->left_s, s->left_s >= 0));
            json_object_set_new(o, "host", s->row.host[0] ? json_string(s->row.host) : json_null());
            json_object_set_new(o, "updated_at", num_or_null(s->row.updated_at, s->row.updated_at > 0));
            json_array_append_new(arr, o);
        }
        json_t *t = json_object();
        json_object_set_new(t, "databases", json_integer(n));
        json_object_set_new(t, "running", json_integer(running));
        json_object_set_new(t, "interrupted", json_integer(interrupted));
        json_object_set_new(t, "finished", json_integer(finished));
        json_object_set_new(t, "failed", json_integer(failed));
        json_object_set_new(t, "servers_done", json_integer(done));
        json_object_set_new(t, "servers_total", total_known ? json_integer(total) : json_null());
        json_object_set_new(t, "system_points", json_integer(systems));
        json_object_set_new(t, "servers_per_s", json_real(rate));
        json_object_set_new(t, "time_left_s", num_or_null(left, left >= 0));
        json_object_set_new(root, "shards", arr);
        json_object_set_new(root, "total", t);
        char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
        if (text)
            printf("%s\n", text);
        free(text);
        json_decref(root);
    } else {
        printf("%-9s %-12s %17s %7s %10s %10s %13s  %s\n", "shard", "state", "servers done", "%", "servers/s",
               "time left", "system points", "database");
        for (int i = 0; i < n; i++) {
            const sweep_status_t *s = &st[i];
            print_line(s->row.shard, s->state, s->row.servers_done, s->row.servers_total, s->rate_per_s, s->left_s,
                       s->row.systems_done, s->path);
        }
        char state[64];
        snprintf(state, sizeof state, "%d/%d done", finished, n);
        print_line("total", state, done, total_known ? total : -1, rate, left, systems,
                   running ? "(servers/s: of the shards running now)" : "");
    }
    free(st);
    return EXIT_OK;
}
