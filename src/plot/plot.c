/*
 * plot.c -- the table of plot kinds, the choice of model and eval length,
 * and the renderer: terminal, the kind's commands and data, one gnuplot
 * run.  Each kind lives in its own file (plot_KIND.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/named.h"
#include "plot/plot.h"

const plot_kind_t plot_kinds[] = {
    {"pareto", plot_pareto, "TCO per million output tokens against generate latency, frontier highlighted", 1,
     PQ_PERF},
    {"latency-batch", plot_latency_batch, "generate latency and throughput against batch for the best systems", 1,
     PQ_PERF},
    {"tco-breakdown", plot_tco_breakdown, "TCO per million output tokens of the best designs, stacked by part", 1,
     PQ_PERF},
    {"area-power", plot_area_power, "die area against power of every hardware point, by validity and reason", 0,
     PQ_HW},
    {"invalid", plot_invalid, "invalid points by level and reason", 0, PQ_HW},
    {"npu-energy", plot_npu_energy, "NPU energy per token by power-gating strategy (table npu_points)", 0, PQ_NPU},
};
const size_t plot_n_kinds = sizeof plot_kinds / sizeof plot_kinds[0];

const plot_kind_t *plot_kind_find(const char *name, char *err, size_t errlen)
{
    long i = named_find(plot_kinds, plot_n_kinds, sizeof plot_kinds[0], name, "plot", err, errlen);
    return i < 0 ? NULL : &plot_kinds[i];
}

/* "P,G" -> two positive numbers. */
static int parse_eval(const char *s, double *p, double *g)
{
    char *end;
    *p = strtod(s, &end);
    if (end == s || *end != ',')
        return -1;
    const char *rest = end + 1;
    *g = strtod(rest, &end);
    return end == rest || *end != '\0' || *p <= 0 || *g <= 0 ? -1 : 0;
}

static void list_names(const pq_names_t *m, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < m->n; i++) {
        size_t u = strlen(buf);
        snprintf(buf + u, len - u, "%s%s", i ? ", " : "", m->name[i]);
    }
}

static void list_evals(const pq_evals_t *e, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < e->n; i++) {
        size_t u = strlen(buf);
        snprintf(buf + u, len - u, "%s%g,%g", i ? " " : "", e->prefill_len[i], e->generate_len[i]);
    }
}

static int select_model(sqlite3 *db, const plot_kind_t *kind, const char *model, pq_sel_t *sel, char *note,
                        size_t notelen, char *err, size_t errlen)
{
    pq_names_t m = {0};
    char list[2048];
    if (pq_models(db, &m, err, errlen))
        return 1;
    list_names(&m, list, sizeof list);
    int status = 0;
    if (model) {
        size_t i = 0;
        while (i < m.n && strcmp(m.name[i], model) != 0)
            i++;
        if (i == m.n) {
            snprintf(err, errlen, "unknown model '%s'; models present: %s", model,
                     m.n ? list : "none (no sw run yet)");
            status = 2;
        }
        sel->model = model;
    } else if (kind->per_eval) {
        if (m.n == 0) {
            snprintf(err, errlen, "no model evaluated in this database yet (run hwsweep sw or a sweep with models)");
            status = 2;
        } else {
            snprintf(sel->model_buf, sizeof sel->model_buf, "%s", m.name[0]);
            sel->model = sel->model_buf;
            if (m.n > 1)
                snprintf(note, notelen, "model %s (present: %s; choose with --model)", sel->model, list);
        }
    }
    pq_names_free(&m);
    return status;
}

int plot_select(sqlite3 *db, const plot_kind_t *kind, const char *model, const char *eval_len, const char *where,
                pq_sel_t *sel, char *note, size_t notelen, char *err, size_t errlen)
{
    memset(sel, 0, sizeof *sel);
    note[0] = '\0';
    sel->where = where;
    if (eval_len && parse_eval(eval_len, &sel->prefill_len, &sel->generate_len)) {
        snprintf(err, errlen, "--eval-len takes P,G: the prefill and generate lengths, e.g. 256,64 (got '%s')",
                 eval_len);
        return 2;
    }
    sel->has_eval = eval_len != NULL;
    if (kind->family == PQ_NPU) {
        sel->model = model;
        return 0;
    }
    int status = select_model(db, kind, model, sel, note, notelen, err, errlen);
    if (status || (!kind->per_eval && !eval_len))
        return status;
    pq_evals_t e = {0};
    char list[2048];
    if (pq_eval_lens(db, sel->model, &e, err, errlen))
        return 1;
    list_evals(&e, list, sizeof list);
    if (eval_len) {
        size_t i = 0;
        while (i < e.n && !(e.prefill_len[i] == sel->prefill_len && e.generate_len[i] == sel->generate_len))
            i++;
        if (i == e.n) {
            snprintf(err, errlen, "eval length %g,%g not evaluated%s%s; present: %s", sel->prefill_len,
                     sel->generate_len, sel->model ? " for model " : "", sel->model ? sel->model : "",
                     e.n ? list : "none");
            status = 2;
        }
    } else if (e.n == 0) {
        snprintf(err, errlen, "model %s has no eval lengths", sel->model);
        status = 2;
    } else {
        sel->has_eval = 1;
        sel->prefill_len = e.prefill_len[0];
        sel->generate_len = e.generate_len[0];
        if (e.n > 1) {
            size_t u = strlen(note);
            snprintf(note + u, notelen - u, "%seval length %g,%g (present: %s; choose with --eval-len)",
                     u ? ", " : "", sel->prefill_len, sel->generate_len, list);
        }
    }
    pq_evals_free(&e);
    return status;
}

void plot_series(plot_ctx_t *ctx, const char *title, size_t n)
{
    if (ctx->sum->n_series < PLOT_MAX_SERIES) {
        plot_series_t *s = &ctx->sum->series[ctx->sum->n_series++];
        snprintf(s->title, sizeof s->title, "%s", title);
        s->points = n;
    }
}

void plot_axis_scale(plot_ctx_t *ctx, const char *axis, double min, double max)
{
    if (!(max > min)) {   /* one value: a range around it */
        double lo = min > 0 ? min / 2 : min - 1, hi = min > 0 ? max * 2 : max + 1;
        gp_printf(ctx->gp, "set %srange [%.17g:%.17g]\n", axis, lo, hi);
    }
    if (min > 0 && max / min >= 10)
        gp_printf(ctx->gp, "set logscale %s 10\nset format %s '%%g'\nset %srange [%.17g:%.17g]\n", axis, axis, axis,
                  min / 1.5, max * 1.5);
    else
        gp_printf(ctx->gp, "unset logscale %s\n", axis);
}

void plot_header(plot_ctx_t *ctx, const char *what)
{
    char title[512];
    snprintf(title, sizeof title, "%s%s%s", what, ctx->context && *ctx->context ? " -- " : "",
             ctx->context ? ctx->context : "");
    gp_printf(ctx->gp, "set title ");
    gp_string(ctx->gp, title);
    gp_printf(ctx->gp, " font 'sans,15'\nset grid back lc rgb '#d0d0d0'\n"
                       "set key outside top center horizontal box opaque samplen 2 spacing 1.2\n"
                       "set border lw 1.2\nset tics nomirror\n");
}

int plot_fail(plot_ctx_t *ctx, int bad_input, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->err, sizeof ctx->err, fmt, ap);
    va_end(ap);
    ctx->bad_input = bad_input;
    return -1;
}

void plot_design_label(char *buf, size_t len, const char *hardware, long long server_id)
{
    snprintf(buf, len, "%s #%lld", hardware, server_id);
}

int plot_render(sqlite3 *db, const plot_kind_t *kind, const pq_sel_t *sel, const char *format, int width,
                int height, unsigned flags, gp_buf_t *picture, plot_summary_t *sum, char *err, size_t errlen)
{
    if (pq_check_where(db, kind->family, sel->where, err, errlen)) {
        char msg[PLOT_ERR_MAX];
        snprintf(msg, sizeof msg, "--where: %s", err);
        snprintf(err, errlen, "%s", msg);
        return 2;
    }
    char context[256] = "";
    if (kind->per_eval && sel->model)
        snprintf(context, sizeof context, "%s, prefill %g / generate %g tokens", sel->model, sel->prefill_len,
                 sel->generate_len);
    else if (sel->model)
        snprintf(context, sizeof context, "%s", sel->model);
    gp_buf_t gp = {0};
    plot_ctx_t ctx;
    memset(&ctx, 0, sizeof ctx);
    memset(sum, 0, sizeof *sum);
    ctx.db = db;
    ctx.sel = *sel;
    ctx.context = context;
    ctx.gp = &gp;
    ctx.sum = sum;
    ctx.flags = flags;
    gp_terminal(&gp, format, width, height);
    int status = 0;
    if (kind->fn(&ctx)) {
        snprintf(err, errlen, "%s", ctx.err);
        status = ctx.bad_input ? 2 : 1;
    } else if (gp_run(&gp, picture, err, errlen)) {
        status = 1;
    } else if (strcmp(format, "png") == 0 &&
               (picture->len < 8 || memcmp(picture->buf, "\x89PNG\r\n\x1a\n", 8) != 0)) {
        snprintf(err, errlen, "gnuplot did not write a PNG");
        status = 1;
    }
    if (getenv("HWSWEEP_PLOT_SCRIPT")) {   /* debugging: the script sent to gnuplot */
        FILE *f = fopen(getenv("HWSWEEP_PLOT_SCRIPT"), "w");
        if (f) {
            fwrite(gp.buf ? gp.buf : "", 1, gp.len, f);
            fclose(f);
        }
    }
    gp_free(&gp);
    return status;
}
