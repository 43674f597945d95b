/*
 * report.c -- the HTML report of a database: the run's inputs and
 * commands, the point counts, the invalid reasons, then per model and eval
 * length the Pareto picture and frontier table, the best designs with
 * their parameters, their TCO breakdown and their latency against batch.
 * Pictures are gnuplot SVG inlined (ids prefixed so that several coexist);
 * the page needs no script and no network.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot/plot.h"
#include "plot/report.h"
#include "version.h"

#define FRONT_ROWS_MAX 60

static void esc(gp_buf_t *h, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': gp_printf(h, "&lt;"); break;
        case '>': gp_printf(h, "&gt;"); break;
        case '&': gp_printf(h, "&amp;"); break;
        case '"': gp_printf(h, "&quot;"); break;
        default: gp_append(h, s, 1);
        }
    }
}

static void cell_text(gp_buf_t *h, const char *s)
{
    gp_printf(h, "<td class=\"t\">");
    esc(h, s);
    gp_printf(h, "</td>");
}

static void cell_num(gp_buf_t *h, double v)
{
    gp_printf(h, "<td>%.6g</td>", v);
}

static void head_row(gp_buf_t *h, const char *const *cols, size_t n)
{
    gp_printf(h, "<table>\n<thead><tr>");
    for (size_t i = 0; i < n; i++) {
        gp_printf(h, "<th>");
        esc(h, cols[i]);
        gp_printf(h, "</th>");
    }
    gp_printf(h, "</tr></thead>\n<tbody>\n");
}

/* gnuplot's SVG inline: no XML prolog, ids and references prefixed with
 * the picture's number so that several pictures coexist, and an id that
 * gnuplot repeats inside one picture (a series' key entry reuses its
 * group's id) made unique with a suffix, so that the page's ids are. */
static void inline_svg(gp_buf_t *h, const gp_buf_t *svg, int n)
{
    const char *p = svg->buf ? strstr(svg->buf, "<svg") : NULL;
    if (!p)
        return;
    char prefix[16];
    snprintf(prefix, sizeof prefix, "f%d_", n);
    static const char *const pats[] = {"id='", "id=\"", "href='#", "href=\"#", "url(#"};
    enum { SEEN_MAX = 512 };
    char (*seen)[48] = calloc(SEEN_MAX, 48);
    size_t n_seen = 0;
    const char *run = p;   /* text not yet copied */
    for (; *p; p++) {
        if (*p != 'i' && *p != 'h' && *p != 'u')
            continue;
        for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
            size_t l = strlen(pats[i]);
            if (strncmp(p, pats[i], l) != 0)
                continue;
            gp_append(h, run, (size_t)(p - run) + l);
            gp_printf(h, "%s", prefix);
            run = p + l;
            if (i < 2 && seen) {   /* an id: its value up to the closing quote */
                const char *v = p + l, *e = strchr(v, pats[i][3]);
                size_t vl = e ? (size_t)(e - v) : 0, dup = 0;
                for (size_t k = 0; k < n_seen; k++)
                    dup += vl < 48 && strncmp(seen[k], v, vl) == 0 && seen[k][vl] == '\0';
                if (e && vl < 48 && n_seen < SEEN_MAX) {
                    memcpy(seen[n_seen], v, vl);
                    seen[n_seen++][vl] = '\0';
                }
                if (dup) {
                    gp_append(h, v, vl);
                    gp_printf(h, "_%zu", dup + 1);
                    run = e;
                }
            }
            p += l - 1;
            break;
        }
    }
    gp_append(h, run, (size_t)(p - run));
    free(seen);
}

typedef struct {
    sqlite3 *db;
    gp_buf_t *h;
    int figures;
    char *err;
    size_t errlen;
} report_t;

/* A picture of kind on sel, inline; a line of text when there is nothing
 * to draw.  -1 on failure. */
static int figure(report_t *r, const char *kind_name, const pq_sel_t *sel, const char *caption)
{
    char err[PLOT_ERR_MAX];
    const plot_kind_t *kind = plot_kind_find(kind_name, err, sizeof err);
    gp_buf_t svg = {0};
    plot_summary_t sum;
    int rc = kind ? plot_render(r->db, kind, sel, "svg", PLOT_WIDTH, PLOT_HEIGHT, 0, &svg, &sum, err, sizeof err) : 1;
    if (rc == 2) {
        gp_printf(r->h, "<p class=\"none\">");
        esc(r->h, err);
        gp_printf(r->h, "</p>\n");
    } else if (rc == 0) {
        gp_printf(r->h, "<figure>\n");
        inline_svg(r->h, &svg, r->figures++);
        gp_printf(r->h, "\n<figcaption>");
        esc(r->h, caption);
        gp_printf(r->h, "</figcaption>\n</figure>\n");
    } else {
        snprintf(r->err, r->errlen, "%s picture: %s", kind_name, err);
    }
    gp_free(&svg);
    return rc == 1 ? -1 : 0;
}

static int inputs_section(report_t *r)
{
    gp_buf_t *h = r->h;
    pq_input_t *in = NULL;
    pq_run_t *runs = NULL;
    size_t n_in = 0, n_runs = 0;
    if (pq_inputs(r->db, &in, &n_in, r->err, r->errlen) || pq_runs(r->db, &runs, &n_runs, r->err, r->errlen)) {
        free(in);
        return -1;
    }
    gp_printf(h, "<h2 id=\"inputs\">Inputs and runs</h2>\n");
    static const char *const in_cols[] = {"role", "path", "SHA-256"};
    head_row(h, in_cols, 3);
    for (size_t i = 0; i < n_in; i++) {
        gp_printf(h, "<tr>");
        cell_text(h, in[i].role);
        cell_text(h, in[i].path);
        gp_printf(h, "<td class=\"t hash\">");
        esc(h, in[i].sha256);
        gp_printf(h, "</td></tr>\n");
    }
    gp_printf(h, "</tbody></table>\n");
    static const char *const run_cols[] = {"kind", "command", "started (UTC)", "ended (UTC)", "status", "threads",
                                           "version"};
    head_row(h, run_cols, 7);
    for (size_t i = 0; i < n_runs; i++) {
        gp_printf(h, "<tr>");
        cell_text(h, runs[i].kind);
        gp_printf(h, "<td class=\"t\"><code>");
        esc(h, runs[i].command);
        gp_printf(h, "</code></td>");
        cell_text(h, runs[i].started_at);
        cell_text(h, runs[i].ended_at);
        cell_text(h, runs[i].status);
        gp_printf(h, "<td>%d</td>", runs[i].threads);
        cell_text(h, runs[i].tool_version);
        gp_printf(h, "</tr>\n");
    }
    gp_printf(h, "</tbody></table>\n");
    free(in);
    free(runs);
    return 0;
}

static int counts_section(report_t *r)
{
    gp_buf_t *h = r->h;
    pq_counts_t c;
    pq_reason_count_t *rc = NULL;
    size_t n = 0;
    pq_sel_t all;
    memset(&all, 0, sizeof all);
    if (pq_counts(r->db, &c, r->err, r->errlen) || pq_invalid_counts(r->db, &all, &rc, &n, r->err, r->errlen))
        return -1;
    gp_printf(h, "<h2 id=\"counts\">Points</h2>\n");
    static const char *const cols[] = {"level", "points", "valid", "invalid", "valid share"};
    head_row(h, cols, 5);
    const char *const names[] = {"chips", "packages", "servers", "systems"};
    long long tot[] = {c.chips, c.packages, c.servers, c.systems};
    long long ok[] = {c.valid_chips, c.valid_packages, c.valid_servers, c.valid_systems};
    for (int i = 0; i < 4; i++) {
        gp_printf(h, "<tr>");
        cell_text(h, names[i]);
        gp_printf(h, "<td>%lld</td><td>%lld</td><td>%lld</td><td>%.1f%%</td></tr>\n", tot[i], ok[i], tot[i] - ok[i],
                  tot[i] ? 100.0 * (double)ok[i] / (double)tot[i] : 0.0);
    }
    gp_printf(h, "</tbody></table>\n<p>%lld perf rows (valid system x batch x objective).</p>\n", c.perf_rows);
    gp_printf(h, "<h2 id=\"invalid\">Invalid points by reason</h2>\n");
    if (n == 0) {
        gp_printf(h, "<p class=\"none\">Every point is valid.</p>\n");
    } else {
        static const char *const rcols[] = {"level", "reason (numbers as #)", "points"};
        head_row(h, rcols, 3);
        for (size_t i = 0; i < n; i++) {
            gp_printf(h, "<tr>");
            cell_text(h, rc[i].level);
            cell_text(h, rc[i].reason);
            gp_printf(h, "<td>%lld</td></tr>\n", rc[i].count);
        }
        gp_printf(h, "</tbody></table>\n");
    }
    free(rc);
    if (n && figure(r, "invalid", &all, "Invalid points by level and reason."))
        return -1;
    return figure(r, "area-power", &all,
                  "Every hardware point where it stopped: chip die area against server core power (chip or "
                  "package TDP for points refused before the server), by validity and reason.");
}

static void design_label(char *buf, size_t len, const char *hw, long long server_id)
{
    plot_design_label(buf, len, hw, server_id);
}

static int frontier_table(report_t *r, const pq_sel_t *sel)
{
    gp_buf_t *h = r->h;
    pq_point_t *p = NULL;
    size_t n = 0, shown = 0, front = 0;
    if (pq_pareto_points(r->db, sel, &p, &n, r->err, r->errlen))
        return -1;
    for (size_t i = 0; i < n; i++)
        front += (size_t)p[i].on_front;
    gp_printf(h, "<h4>Pareto frontier: %zu of %zu points (generate latency against TCO per million output tokens, "
                 "over every batch)</h4>\n", front, n);
    static const char *const cols[] = {"design", "system", "batch", "t", "p", "micro-batch",
                                       "generate latency (s)", "TCO per M output tokens (USD)",
                                       "generate throughput (tokens/s)"};
    head_row(h, cols, 9);
    for (size_t i = 0; i < n && shown < FRONT_ROWS_MAX; i++) {
        if (!p[i].on_front)
            continue;
        char d[200];
        design_label(d, sizeof d, p[i].hardware, p[i].server_id);
        gp_printf(h, "<tr>");
        cell_text(h, d);
        gp_printf(h, "<td>%lld</td><td>%d</td>", p[i].system_id, p[i].batch);
        cell_num(h, p[i].t);
        cell_num(h, p[i].p);
        cell_num(h, p[i].micro_batch);
        cell_num(h, p[i].generate_latency_s);
        cell_num(h, p[i].tco_per_Mtoken_usd);
        cell_num(h, p[i].generate_throughput);
        gp_printf(h, "</tr>\n");
        shown++;
    }
    gp_printf(h, "</tbody></table>\n");
    if (shown < front)
        gp_printf(h, "<p>(the first %zu of %zu frontier points, by latency)</p>\n", shown, front);
    free(p);
    return 0;
}

static int designs_table(report_t *r, const pq_sel_t *sel)
{
    gp_buf_t *h = r->h;
    int batch = pq_summary_batch(r->db, sel);
    pq_design_t *d = NULL;
    size_t n = 0;
    if (pq_best_designs(r->db, sel, batch, PLOT_BEST_DESIGNS, &d, &n, r->err, r->errlen))
        return -1;
    gp_printf(h, "<h4>Best designs at batch %d (lowest TCO per million output tokens)</h4>\n", batch);
    static const char *const cols[] = {
        "design", "system", "chip area (mm²)", "chip TOPS", "chip SRAM (MB)", "chips / package", "DRAM / package (GB)",
        "DRAM BW / package (TB/s)", "packages / server", "server TDP (W)", "server price (USD)", "servers", "chips",
        "t", "p", "micro-batch", "generate latency (s)", "throughput (tokens/s)", "TCO per M output tokens (USD)"};
    head_row(h, cols, sizeof cols / sizeof cols[0]);
    for (size_t i = 0; i < n; i++) {
        char lbl[200];
        design_label(lbl, sizeof lbl, d[i].hardware, d[i].server_id);
        gp_printf(h, "<tr>");
        cell_text(h, lbl);
        gp_printf(h, "<td>%lld</td>", d[i].system_id);
        const double v[] = {d[i].chip_area_mm2, d[i].chip_tops, d[i].chip_sram_mb, d[i].pkg_num_chips,
                            d[i].pkg_dram_gb, d[i].pkg_dram_bw_TB_per_sec, d[i].srv_num_packages, d[i].srv_tdp_w,
                            d[i].srv_cost_usd, d[i].num_servers, d[i].num_chips, d[i].t, d[i].p, d[i].micro_batch,
                            d[i].generate_latency_s, d[i].generate_throughput, d[i].tco_per_Mtoken_usd};
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
            cell_num(h, v[j]);
        gp_printf(h, "</tr>\n");
    }
    gp_printf(h, "</tbody></table>\n");
    free(d);
    return 0;
}

static int model_sections(report_t *r)
{
    gp_buf_t *h = r->h;
    pq_names_t models = {0};
    if (pq_models(r->db, &models, r->err, r->errlen))
        return -1;
    if (models.n == 0)
        gp_printf(h, "<h2>Models</h2>\n<p class=\"none\">No model evaluated yet (hwsweep sw or a sweep with "
                     "models).</p>\n");
    int rc = 0;
    for (size_t m = 0; m < models.n && rc == 0; m++) {
        pq_evals_t ev = {0};
        if (pq_eval_lens(r->db, models.name[m], &ev, r->err, r->errlen)) {
            rc = -1;
            break;
        }
        gp_printf(h, "<h2 id=\"model-%zu\">Model ", m);
        esc(h, models.name[m]);
        gp_printf(h, "</h2>\n");
        for (size_t e = 0; e < ev.n && rc == 0; e++) {
            pq_sel_t sel;
            memset(&sel, 0, sizeof sel);
            snprintf(sel.model_buf, sizeof sel.model_buf, "%s", models.name[m]);
            sel.model = sel.model_buf;
            sel.has_eval = 1;
            sel.prefill_len = ev.prefill_len[e];
            sel.generate_len = ev.generate_len[e];
            gp_printf(h, "<h3>");
            esc(h, models.name[m]);
            gp_printf(h, ": prefill %g, generate %g tokens</h3>\n", sel.prefill_len, sel.generate_len);
            rc = figure(r, "pareto", &sel, "Every generate point (valid system x batch, mapping best for latency or "
                                           "TCO) and the frontier over all batches.") ||
                 frontier_table(r, &sel) || designs_table(r, &sel) ||
                 figure(r, "tco-breakdown", &sel, "TCO per million output tokens of the best designs, by part.") ||
                 figure(r, "latency-batch", &sel, "Generate latency and throughput against batch of the best "
                                                  "systems (cheapest at the summary batch, then the fastest).")
                     ? -1 : 0;
        }
        pq_evals_free(&ev);
    }
    pq_names_free(&models);
    return rc;
}

static const char *style =
    "body{font-family:sans-serif;margin:1.5em auto;max-width:1300px;padding:0 1em;color:#1a1a1a;line-height:1.4}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #c0392b;padding-bottom:.2em;margin-top:2em}"
    "h3{margin-top:1.6em}h4{margin:1.2em 0 .4em}"
    "table{border-collapse:collapse;margin:.6em 0 1em;font-size:.85em;display:block;overflow-x:auto}"
    "th,td{border:1px solid #ccc;padding:.25em .55em;text-align:right;white-space:nowrap}"
    "th{background:#f0f0f0;text-align:left}td.t{text-align:left}td.hash{font-family:monospace;font-size:.9em}"
    "tbody tr:nth-child(even){background:#fafafa}code{font-size:.95em}"
    "figure{margin:1em 0}figure svg{width:100%;height:auto;max-width:1200px;border:1px solid #ddd}"
    "figcaption{font-size:.9em;color:#444}p.none{color:#666;font-style:italic}nav a{margin-right:1em}";

int report_html(sqlite3 *db, const char *db_path, gp_buf_t *html, char *err, size_t errlen)
{
    report_t r = {db, html, 0, err, errlen};
    const char *base = strrchr(db_path, '/');
    base = base ? base + 1 : db_path;
    gp_printf(html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<link rel=\"icon\" href=\"data:,\">\n<title>hwsweep report: ");
    esc(html, base);
    gp_printf(html, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>hwsweep report: ", style);
    esc(html, base);
    gp_printf(html, "</h1>\n<p>Database <code>");
    esc(html, db_path);
    gp_printf(html, "</code>, written by hwsweep %s. Costs in USD, times in seconds, TCO per million output "
                    "tokens.</p>\n<nav><a href=\"#inputs\">inputs</a><a href=\"#counts\">points</a>"
                    "<a href=\"#invalid\">invalid reasons</a><a href=\"#model-0\">models</a></nav>\n",
              HWSWEEP_VERSION);
    int rc = inputs_section(&r) || counts_section(&r) || model_sections(&r) ? -1 : 0;
    if (rc == 0 && pq_has_table(db, "npu_points")) {
        pq_sel_t all;
        memset(&all, 0, sizeof all);
        gp_printf(html, "<h2 id=\"npu\">NPU energy</h2>\n");
        rc = figure(&r, "npu-energy", &all, "NPU energy per token by power-gating strategy (npu_points).");
    }
    gp_printf(html, "</body>\n</html>\n");
    if (rc == 0 && html->oom) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    return rc;
}
