/*
 * report.c -- table, summary and CSV output of the kernel model (see
 * report.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/numfmt.h"
#include "kernels/estimate.h"
#include "kernels/report.h"

void kern_count_str(char *buf, size_t len, double count)
{
    static const char suffix[] = {'M', 'G', 'T', 'P'};
    for (int i = 3; i >= 0; i--) {
        double mult = pow(1024.0, i + 2);
        if (count >= mult) {
            snprintf(buf, len, "%.1f%c", count / mult, suffix[i]);
            return;
        }
    }
    snprintf(buf, len, "%.0f", count);
}

/* Bytes with binary units: "13.0 GiB". */
static void bytes_str(char *buf, size_t len, double bytes)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int i = 0;
    while (i < 5 && bytes >= 1024.0) {
        bytes /= 1024.0;
        i++;
    }
    snprintf(buf, len, i ? "%.1f %s" : "%.0f %s", bytes, unit[i]);
}

kern_summary_t kern_summarize(const kern_workload_t *w, const kern_model_t *m, const kern_hw_t *hw, double b)
{
    kern_summary_t s;
    memset(&s, 0, sizeof s);
    double L = (double)m->layers;
    for (size_t i = 0; i < w->n; i++) {
        const kern_row_t *r = &w->rows[i];
        double times = r->scope == KS_LAYER ? L : 1;
        s.compute_macs += times * (double)r->compute;
        s.weight_bytes += times * (double)r->weight * b;
        s.kv_bytes += times * (double)r->kv * b;
        s.roofline_s += times * r->roofline_time_s;
        if (r->bound == KB_COMPUTE)
            s.compute_cycles += times * r->exec_cycle;
        else if (r->bound == KB_MEMORY)
            s.memory_cycles += times * r->exec_cycle;
    }
    s.tiler_s = (s.compute_cycles + s.memory_cycles) / hw->frequency_hz;
    return s;
}

void kern_report_header(FILE *f, const kern_model_t *m, const kern_hw_t *hw, const kern_run_t *r)
{
    fprintf(f, "model %s: %lld layers, hidden %lld, FFN %lld%s, %lld heads / %lld KV heads, head_dim %lld%s\n", m->name,
            (long long)m->layers, (long long)m->hidden, (long long)m->ffn, m->gated ? " (gated)" : "",
            (long long)m->heads, (long long)m->kv_heads,
            (long long)(kern_run_fixes(r) & KF_HEAD_DIM ? m->head_dim : m->head_dim_floor),
            kern_run_fixes(r) & KF_HEAD_DIM ? "" : " (hidden // heads)");
    char bw[32], cache[32];
    bytes_str(bw, sizeof bw, hw->bandwidth_bytes_per_s);
    bytes_str(cache, sizeof cache, hw->cache_bytes);
    fprintf(f, "hardware %s: %g cores x %g GHz x %g MACs/cycle = %.6g MAC/s, %s/s, cache %s\n", hw->name, hw->cores,
            hw->frequency_hz / 1e9, hw->macs_per_cycle, hw->macs_per_s, bw, cache);
    unsigned fx = kern_run_fixes(r);
    const char *mode = r->mode == KM_NOTEBOOK ? "notebook (BenchRoofline, bugs kept)"
                       : fx == KF_ALL         ? "default (notebook bugs fixed)"
                                              : "default with fixes";
    fprintf(f, "mode %s", mode);
    if (r->mode != KM_NOTEBOOK && fx != KF_ALL) {
        const char *sep = " ";
        if (!fx)
            fprintf(f, " none");
        for (size_t i = 0; i < sizeof kern_fixes / sizeof kern_fixes[0]; i++)
            if (fx & kern_fixes[i].bit) {
                fprintf(f, "%s%s", sep, kern_fixes[i].name);
                sep = ",";
            }
    }
    fprintf(f, ": input %lld, output %lld, decode batch %lld at %lld keys, prefill batch %lld",
            (long long)r->input_len, (long long)r->output_len, (long long)r->batch, (long long)r->decode_ctx,
            (long long)r->prefill_batch);
    if (r->chunk)
        fprintf(f, ", chunk %lld = %lld prompt + %lld decode tokens (prompt context %lld)", (long long)r->chunk,
                (long long)r->chunk_ptokens, (long long)r->chunk_dtokens, (long long)r->chunk_pctx);
    fprintf(f, "\n");
}

static void opt_int(char *buf, size_t len, bool has, int64_t v)
{
    if (has)
        snprintf(buf, len, "%lld", (long long)v);
    else
        snprintf(buf, len, "-");
}

static void opt_dbl(char *buf, size_t len, double v, const char *fmt)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, fmt, v);
}

static void tile_str(char *buf, size_t len, const kern_row_t *r)
{
    if (r->tiled)
        snprintf(buf, len, "%.1fx%.1fx%.1f", r->tile[0], r->tile[1], r->tile[2]);
    else
        snprintf(buf, len, "-");
}

void kern_report_table(FILE *f, const kern_workload_t *w, const kern_model_t *m, const kern_hw_t *hw,
                       const kern_run_t *r, double b)
{
    const char *prof = w->name;
    fprintf(f, "\n== %s (per layer; [model] rows run once per model) ==\n", prof);
    fprintf(f, "%-13s %-18s %6s %6s %6s %6s %2s %15s %10s %11s %-22s %11s %11s %11s %-7s %12s\n", "type", "name", "m",
            "k", "n", "batch", "g", "compute_MACs", "weight_el", "kv_el", "tile", "cmp_cycles", "mem_cycles",
            "exec_cycles", "bound", "roofline_s");
    for (size_t i = 0; i < w->n; i++) {
        const kern_row_t *x = &w->rows[i];
        char c[32], wt[32], kv[32], tile[64], cc[32], mc[32], ec[32], name[40];
        opt_int(c, sizeof c, x->has_compute, x->compute);
        opt_int(wt, sizeof wt, x->has_weight, x->weight);
        opt_int(kv, sizeof kv, x->has_kv, x->kv);
        tile_str(tile, sizeof tile, x);
        opt_dbl(cc, sizeof cc, x->cmp_cycle, "%.1f");
        opt_dbl(mc, sizeof mc, x->mem_cycle, "%.1f");
        opt_dbl(ec, sizeof ec, x->exec_cycle, "%.1f");
        snprintf(name, sizeof name, "%s%s", x->name, x->scope == KS_MODEL ? " [model]" : "");
        fprintf(f, "%-13s %-18s %6lld %6lld %6lld %6lld %2lld %15s %10s %11s %-22s %11s %11s %11s %-7s %12.6e\n",
                kern_type_name(x->type), name, (long long)x->m, (long long)x->k, (long long)x->n,
                (long long)x->batch, (long long)x->grouped_q, c, wt, kv, tile, cc, mc, ec,
                x->kv_in_attention ? "in-attn" : kern_bound_name(x->bound), x->roofline_time_s);
    }
    kern_totals_t t = kern_workload_totals(w, KS_LAYER);
    double cmp, mem;
    kern_bound_cycles(w, KS_LAYER, &cmp, &mem);
    double roof = 0;
    for (size_t i = 0; i < w->n; i++)
        if (w->rows[i].scope == KS_LAYER)
            roof += w->rows[i].roofline_time_s;
    if (r->mode == KM_NOTEBOOK) {
        /* the notebook's DEBUG_PRINT and DETAIL_PRINT lines */
        char label[16], num[40], s1[24], s2[24], s3[24];
        snprintf(label, sizeof label, "%s", strcmp(prof, "chunked") == 0 ? "Chunked" : strcmp(prof, "decode") == 0 ? "Decode" : "Prefill");
        num_repr(num, sizeof num, (double)t.compute);
        fprintf(f, "%s Compute %s\n", label, num);
        num_repr(num, sizeof num, (double)t.weight);
        fprintf(f, "%s Weights %s\n", label, num);
        num_repr(num, sizeof num, (double)t.kv);
        fprintf(f, "%s KV cache %s\n", label, num);
        kern_count_str(s1, sizeof s1, (double)t.compute * (double)m->layers);
        kern_count_str(s2, sizeof s2, (double)t.weight * (double)m->layers);
        kern_count_str(s3, sizeof s3, (double)t.kv * (double)m->layers);
        fprintf(f, "   Layers: %lld\n   Total Compute (MACs): %s\n   Total Weights Footprint (Bytes): %s\n"
                   "   Total KV Cache Footprint (Bytes): %s\n",
                (long long)m->layers, s1, s2, s3);
        fprintf(f, "   Tiler per layer: compute-bound cycles %.0f, memory-bound cycles %.0f\n", cmp, mem);
        fprintf(f, "   Simple roofline per layer: Total estimated time: %.6f seconds\n", roof);
        return;
    }
    kern_summary_t s = kern_summarize(w, m, hw, b);
    char wb[32], kb[32];
    bytes_str(wb, sizeof wb, s.weight_bytes);
    bytes_str(kb, sizeof kb, s.kv_bytes);
    fprintf(f, "%s per layer: %lld MACs, %lld weight and %lld KV elements; tiler %.0f cycles (%.0f compute-bound, "
               "%.0f memory-bound)\n",
            prof, (long long)t.compute, (long long)t.weight, (long long)t.kv, cmp + mem, cmp, mem);
    fprintf(f, "%s model (%lld layers + [model] rows): %.6g MACs, weights %s, KV %s (%g bytes per value)\n", prof,
            (long long)m->layers, s.compute_macs, wb, kb, b);
    fprintf(f, "%s time: tiler %.6g s (%.6g cycles compute-bound, %.6g memory-bound), simple roofline %.6g s", prof,
            s.tiler_s, s.compute_cycles, s.memory_cycles, s.roofline_s);
    if (strcmp(prof, "decode") == 0)
        fprintf(f, "; %.6g tokens/s over %lld sequences", (double)r->batch / s.tiler_s, (long long)r->batch);
    else if (strcmp(prof, "chunked") == 0)
        fprintf(f, "; %.6g prompt + %.6g decode tokens/s", (double)r->chunk_ptokens / s.tiler_s,
                (double)r->chunk_dtokens / s.tiler_s);
    else
        fprintf(f, "; %.6g prompt tokens/s", (double)(r->input_len * r->prefill_batch) / s.tiler_s);
    fprintf(f, "\n");
}

void kern_report_footer(FILE *f, const kern_workload_t *last, const kern_run_t *r)
{
    if (r->mode != KM_NOTEBOOK || !last)
        return;
    double cmp, mem;
    kern_bound_cycles(last, KS_LAYER, &cmp, &mem);
    fprintf(f, "\nTotal compute-bound cycles: %.0f\nTotal memory-bound cycles: %.0f\n", cmp, mem);
}

void kern_report_csv_header(FILE *f)
{
    fprintf(f, "mode,profile,scope,type,name,m,k,n,batch,grouped_q,compute_macs,weight_elems,kv_elems,tile_m,tile_k,"
               "tile_n,cmp_cycles,mem_cycles,mem_to_cmp,exec_cycles,bound,compute_time_s,memory_time_s,"
               "roofline_time_s\n");
}

static void csv_dbl(FILE *f, double v)
{
    char buf[40];
    if (isnan(v)) {
        fputs(",", f);
        return;
    }
    num_shortest(buf, sizeof buf, v);
    fprintf(f, ",%s", buf);
}

static void csv_int(FILE *f, bool has, int64_t v)
{
    if (has)
        fprintf(f, ",%lld", (long long)v);
    else
        fputs(",", f);
}

void kern_report_csv(FILE *f, const kern_workload_t *w, const kern_run_t *r)
{
    for (size_t i = 0; i < w->n; i++) {
        const kern_row_t *x = &w->rows[i];
        /* kernel names hold '/' and '*' but never a comma or a quote */
        fprintf(f, "%s,%s,%s,%s,%s,%lld,%lld,%lld,%lld,%lld", r->mode == KM_NOTEBOOK ? "notebook" : "default",
                w->name, x->scope == KS_MODEL ? "model" : "layer", kern_type_name(x->type), x->name, (long long)x->m,
                (long long)x->k, (long long)x->n, (long long)x->batch, (long long)x->grouped_q);
        csv_int(f, x->has_compute, x->compute);
        csv_int(f, x->has_weight, x->weight);
        csv_int(f, x->has_kv, x->kv);
        for (int j = 0; j < 3; j++)
            csv_dbl(f, x->tiled ? x->tile[j] : NAN);
        csv_dbl(f, x->cmp_cycle);
        csv_dbl(f, x->mem_cycle);
        csv_dbl(f, x->mem_to_cmp);
        csv_dbl(f, x->exec_cycle);
        fprintf(f, ",%s", x->kv_in_attention ? "in-attn" : kern_bound_name(x->bound));
        csv_dbl(f, x->compute_time_s);
        csv_dbl(f, x->memory_time_s);
        csv_dbl(f, x->roofline_time_s);
        fputc('\n', f);
    }
}
