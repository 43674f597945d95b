/*
 * test_kernels.c -- the kernel model (src/kernels): notebook parity in
 * compat mode against the BenchRoofline notebook's own outputs (every
 * row of six runs, tests/golden/kernels/notebook_*.csv, and the numbers
 * spec §7.7 quotes), each default-mode fix's changed number for
 * Llama-3.1-8B, and bad hardware / model input.
 */
#include <check.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernels/kern_eval.h"
#include "kernels/report.h"

#define REL_TOL 1e-9
#define GOLD "tests/golden/kernels/"
#define LLAMA GOLD "llama-3.1-8b.json"
#define NVL "inputs/kernels/hw/nvl-ax.yaml"
#define JGS "inputs/kernels/hw/jgs.yaml"

/* NVL-AX of the notebook's commit 56637de: 3 GHz, 1K MACs per cycle */
static const char *old_nvl_yaml = "name: NVL-AX-56637de\ncores: 32\nfrequency_hz: 3.0e9\nmacs_per_cycle: 1024\n"
                                  "bandwidth_bytes_per_s: 367219703808\ncache_bytes: 37748736\n";

static void load_hw(const char *id, kern_hw_t *hw)
{
    cfg_err_t err;
    int rc = strcmp(id, "nvl-ax-56637de") == 0 ? kern_hw_load_text("old.yaml", old_nvl_yaml, hw, &err)
             : kern_hw_load(strcmp(id, "jgs") == 0 ? JGS : NVL, hw, &err);
    ck_assert_msg(rc == 0, "%s", err.msg);
}

static void load_model(const char *path, kern_model_t *m)
{
    cfg_err_t err;
    ck_assert_msg(kern_model_load(path, m, &err) == 0, "%s", err.msg);
}

static void run(const char *model, const char *hw_id, kern_mode_t mode, int64_t in, int64_t out, int64_t pb,
                int64_t db, int64_t chunk, kern_model_t *m, kern_hw_t *hw, kern_run_t *r, kern_result_t *res)
{
    char err[512];
    load_model(model, m);
    load_hw(hw_id, hw);
    *r = (kern_run_t){.mode = mode, .input_len = in, .output_len = out, .batch = db, .prefill_batch = pb,
                      .chunk = chunk};
    ck_assert_msg(kern_evaluate(m, hw, r, res, err, sizeof err) == 0, "%s", err);
}

static const kern_row_t *find_row(const kern_result_t *res, const char *profile, const char *name)
{
    for (size_t p = 0; p < res->n; p++)
        if (strcmp(res->prof[p].name, profile) == 0)
            for (size_t i = 0; i < res->prof[p].n; i++)
                if (strcmp(res->prof[p].rows[i].name, name) == 0)
                    return &res->prof[p].rows[i];
    ck_abort_msg("no row %s/%s", profile, name);
    return NULL;
}

static const kern_workload_t *find_prof(const kern_result_t *res, const char *profile)
{
    for (size_t p = 0; p < res->n; p++)
        if (strcmp(res->prof[p].name, profile) == 0)
            return &res->prof[p];
    ck_abort_msg("no profile %s", profile);
    return NULL;
}

/* ---- notebook parity: every row of six runs of the notebook ---------- */

/* A golden CSV (no quoted cells): cell[row][col], row 0 = header. */
typedef struct {
    size_t rows, cols;
    char ***cell;
} table_t;

static int table_read_csv(const char *path, table_t *t)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    memset(t, 0, sizeof *t);
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        char **cells = calloc(64, sizeof *cells);
        size_t n = 0;
        for (char *p = line;; n++) {
            char *comma = strchr(p, ',');
            if (comma)
                *comma = '\0';
            cells[n] = strdup(p);
            if (!comma || n == 62)
                break;
            p = comma + 1;
        }
        n++;
        if (t->rows == 0)
            t->cols = n;
        ck_assert_msg(n == t->cols, "%s: row %zu has %zu cells, not %zu", path, t->rows, n, t->cols);
        t->cell = realloc(t->cell, (t->rows + 1) * sizeof *t->cell);
        t->cell[t->rows++] = cells;
    }
    fclose(f);
    return 0;
}

static void table_free(table_t *t)
{
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t c = 0; c < t->cols; c++)
            free(t->cell[r][c]);
        free(t->cell[r]);
    }
    free(t->cell);
}

typedef struct {
    const char *id, *config, *hw;
    int64_t in, out, pbatch, dbatch, chunk;
} nb_case_t;

/* The runs that made tests/golden/kernels/notebook_*.csv (see README.md there). */
static const nb_case_t nb_cases[] = {
    {"seed", LLAMA, "nvl-ax", 8192, 512, 1, 256, 256},
    {"head-jgs", LLAMA, "jgs", 8192, 512, 1, 256, 512},
    {"short", LLAMA, "nvl-ax", 1024, 1024, 1, 16, 512},
    {"qwen3", GOLD "qwen3-0.6b.json", "nvl-ax", 2048, 256, 1, 64, 128},
    {"mistral-pb4", GOLD "mistral-7b-v0.3.json", "jgs", 4096, 4096, 4, 32, 1024},
    {"old-nvl", LLAMA, "nvl-ax-56637de", 1024, 1024, 1, 256, 256},
};

typedef struct {
    size_t cells;
    double worst;
} tally_t;

/* An exact integer cell ("206158430208.0" or "" for NaN/None). */
static void check_int(tally_t *t, const char *want, bool has, int64_t got, const char *what)
{
    t->cells++;
    if (want[0] == '\0') {
        ck_assert_msg(!has, "%s: got %lld, notebook has none", what, (long long)got);
        return;
    }
    ck_assert_msg(has, "%s: missing, notebook has %s", what, want);
    double w = strtod(want, NULL);
    ck_assert_msg((double)got == w, "%s: got %lld, notebook %s", what, (long long)got, want);
}

static void check_dbl(tally_t *t, const char *want, double got, const char *what)
{
    t->cells++;
    if (want[0] == '\0') {
        ck_assert_msg(isnan(got), "%s: got %.17g, notebook NaN", what, got);
        return;
    }
    double w = strtod(want, NULL);
    double d = w == got ? 0 : fabs(got - w) / fmax(fabs(w), fabs(got));
    if (d > t->worst)
        t->worst = d;
    ck_assert_msg(d <= REL_TOL, "%s: got %.17g, notebook %s (rel %.3g)", what, got, want, d);
}

static void check_str(tally_t *t, const char *want, const char *got, const char *what)
{
    t->cells++;
    ck_assert_msg(strcmp(want, got) == 0, "%s: got '%s', notebook '%s'", what, got, want);
}

START_TEST(notebook_rows_match)
{
    table_t g;
    ck_assert_int_eq(table_read_csv(GOLD "notebook_rows.csv", &g), 0);
    ck_assert_int_eq(g.cols, 21);
    tally_t t = {0, 0};
    size_t row = 1;
    for (size_t c = 0; c < sizeof nb_cases / sizeof nb_cases[0]; c++) {
        const nb_case_t *k = &nb_cases[c];
        kern_model_t m;
        kern_hw_t hw;
        kern_run_t r;
        kern_result_t res;
        run(k->config, k->hw, KM_NOTEBOOK, k->in, k->out, k->pbatch, k->dbatch, k->chunk, &m, &hw, &r, &res);
        ck_assert_int_eq(res.n, 3);
        for (size_t p = 0; p < res.n; p++)
            for (size_t i = 0; i < res.prof[p].n; i++, row++) {
                const kern_row_t *x = &res.prof[p].rows[i];
                char **want = g.cell[row], what[128], tile[64], num[32];
                snprintf(what, sizeof what, "%s/%s/%s", k->id, res.prof[p].name, x->name);
                ck_assert_msg(row < g.rows, "%s: more rows than the notebook", what);
                check_str(&t, want[0], k->id, what);
                check_str(&t, want[1], res.prof[p].name, what);
                check_str(&t, want[2], kern_type_name(x->type), what);
                check_str(&t, want[3], x->name, what);
                const int64_t dims[5] = {x->m, x->k, x->n, x->batch, x->grouped_q};
                for (int j = 0; j < 5; j++) {
                    snprintf(num, sizeof num, "%lld", (long long)dims[j]);
                    check_str(&t, want[4 + j], num, what);
                }
                check_int(&t, want[9], x->has_compute, x->compute, what);
                check_int(&t, want[10], x->has_weight, x->weight, what);
                check_int(&t, want[11], x->has_kv, x->kv, what);
                if (x->tiled)
                    snprintf(tile, sizeof tile, "%.1fx%.1fx%.1f", x->tile[0], x->tile[1], x->tile[2]);
                else
                    tile[0] = '\0';
                check_str(&t, want[12], tile, what);
                check_dbl(&t, want[13], x->exec_cycle, what);
                check_dbl(&t, want[14], x->cmp_cycle, what);
                check_dbl(&t, want[15], x->mem_cycle, what);
                check_dbl(&t, want[16], x->mem_to_cmp, what);
                check_str(&t, want[17], x->bound == KB_NONE ? "" : kern_bound_name(x->bound), what);
                check_dbl(&t, want[18], x->compute_time_s, what);
                check_dbl(&t, want[19], x->memory_time_s, what);
                check_dbl(&t, want[20], x->roofline_time_s, what);
            }
        kern_result_free(&res);
    }
    ck_assert_msg(row == g.rows, "%zu rows checked, the notebook has %zu", row - 1, g.rows - 1);
    printf("notebook parity: %zu rows, %zu cells, worst relative difference %.3g\n", row - 1, t.cells, t.worst);
    table_free(&g);
}
END_TEST

START_TEST(notebook_totals_match)
{
    table_t g;
    ck_assert_int_eq(table_read_csv(GOLD "notebook_totals.csv", &g), 0);
    size_t row = 1;
    tally_t t = {0, 0};
    for (size_t c = 0; c < sizeof nb_cases / sizeof nb_cases[0]; c++) {
        const nb_case_t *k = &nb_cases[c];
        kern_model_t m;
        kern_hw_t hw;
        kern_run_t r;
        kern_result_t res;
        run(k->config, k->hw, KM_NOTEBOOK, k->in, k->out, k->pbatch, k->dbatch, k->chunk, &m, &hw, &r, &res);
        for (size_t p = 0; p < res.n; p++, row++) {
            char **want = g.cell[row], buf[64], what[64];
            snprintf(what, sizeof what, "%s/%s", k->id, res.prof[p].name);
            kern_totals_t tot = kern_workload_totals(&res.prof[p], KS_LAYER);
            check_int(&t, want[2], true, tot.compute, what);
            check_int(&t, want[3], true, tot.weight, what);
            check_int(&t, want[4], true, tot.kv, what);
            kern_count_str(buf, sizeof buf, (double)tot.compute * (double)m.layers);
            check_str(&t, want[5], buf, what);
            kern_count_str(buf, sizeof buf, (double)tot.weight * (double)m.layers);
            check_str(&t, want[6], buf, what);
            kern_count_str(buf, sizeof buf, (double)tot.kv * (double)m.layers);
            check_str(&t, want[7], buf, what);
            double cmp, mem, roof = 0;
            kern_bound_cycles(&res.prof[p], KS_LAYER, &cmp, &mem);
            snprintf(buf, sizeof buf, "%.0f", cmp);
            check_str(&t, want[8], buf, what);
            snprintf(buf, sizeof buf, "%.0f", mem);
            check_str(&t, want[9], buf, what);
            for (size_t i = 0; i < res.prof[p].n; i++)
                roof += res.prof[p].rows[i].roofline_time_s;
            check_dbl(&t, want[10], roof, what);
        }
        kern_result_free(&res);
    }
    ck_assert_int_eq(row, g.rows);
    printf("notebook totals: %zu profiles, %zu cells, worst relative difference %.3g\n", row - 1, t.cells, t.worst);
    table_free(&g);
}
END_TEST

/* The numbers spec §7.7 quotes from the notebook's printed output. */
START_TEST(spec_77_numbers)
{
    kern_model_t m;
    kern_hw_t hw;
    kern_run_t r;
    kern_result_t res;
    run(LLAMA, "nvl-ax", KM_NOTEBOOK, 8192, 512, 1, 256, 256, &m, &hw, &r, &res);
    ck_assert_int_eq(r.chunk_dtokens, 15);
    ck_assert_int_eq(r.chunk_ptokens, 241);
    ck_assert_int_eq(r.decode_ctx, 8448);
    ck_assert_int_eq(r.chunk_pctx, 4615);
    ck_assert_double_eq(hw.macs_per_s, 1.6384e14);
    kern_totals_t t = kern_workload_totals(find_prof(&res, "prefill"), KS_LAYER);
    ck_assert_int_eq(t.compute, 2336462209024LL);
    ck_assert_int_eq(t.compute * m.layers, 74766790688768LL);
    ck_assert_int_eq(t.weight * m.layers, 6979321856LL);
    ck_assert_int_eq(t.kv * m.layers, 536870912LL);
    char s[32];
    kern_count_str(s, sizeof s, (double)(t.compute * m.layers));
    ck_assert_str_eq(s, "68.0T");
    double cmp, mem;
    kern_bound_cycles(find_prof(&res, "prefill"), KS_LAYER, &cmp, &mem);
    ck_assert_double_eq(cmp, 35651584.0);
    const kern_row_t *x = find_row(&res, "prefill", "FFN_up");
    ck_assert_int_eq(x->compute, 481036337152LL);
    ck_assert_double_eq_tol(x->mem_cycle, 5222474.5, 0.1);
    ck_assert_double_eq_tol(x->mem_to_cmp, 0.711506, 1e-6);
    ck_assert_double_eq_tol(find_row(&res, "prefill", "KVCache_Store")->roofline_time_s, 9.137427e-5, 1e-11);
    t = kern_workload_totals(find_prof(&res, "decode"), KS_LAYER);
    ck_assert_int_eq(t.compute, 73551314944LL);
    ck_assert_int_eq(t.kv, 4429185024LL);
    ck_assert_double_eq_tol(find_row(&res, "decode", "Q/K/V*W")->mem_cycle, 364069.35, 0.01);
    ck_assert_double_eq_tol(find_row(&res, "decode", "KVCache_Read")->exec_cycle, 60307017.5, 0.1);
    t = kern_workload_totals(find_prof(&res, "chunked"), KS_LAYER);
    ck_assert_int_eq(t.compute, 65071669248LL);
    ck_assert_int_eq(t.kv, 269467648LL);
    kern_bound_cycles(find_prof(&res, "chunked"), KS_LAYER, &cmp, &mem);
    ck_assert_double_eq(cmp, 0);
    ck_assert_double_eq(round(mem), 7349613.0);
    kern_result_free(&res);

    run(LLAMA, "jgs", KM_NOTEBOOK, 8192, 512, 1, 256, 512, &m, &hw, &r, &res);
    kern_bound_cycles(find_prof(&res, "chunked"), KS_LAYER, &cmp, &mem);
    ck_assert_double_eq(round(cmp), 82279.0);
    ck_assert_double_eq(round(mem), 47992.0);
    kern_result_free(&res);
}
END_TEST

/* ---- default mode: each fix of spec §7.6 and its changed number ------ */

typedef struct {
    kern_model_t m;
    kern_hw_t hw;
    kern_run_t r;
    kern_result_t nb, fix;
} pair_t;

static void run_pair(pair_t *p, const char *model)
{
    kern_model_t m2;
    kern_hw_t hw2;
    kern_run_t r2;
    run(model, "nvl-ax", KM_NOTEBOOK, 8192, 512, 1, 256, 256, &m2, &hw2, &r2, &p->nb);
    run(model, "nvl-ax", KM_DEFAULT, 8192, 512, 1, 256, 256, &p->m, &p->hw, &p->r, &p->fix);
}

static void free_pair(pair_t *p)
{
    kern_result_free(&p->nb);
    kern_result_free(&p->fix);
}

START_TEST(fix_gqa_attention_and_causal)
{
    pair_t p;
    run_pair(&p, LLAMA);
    /* prefill QK^T: notebook S*H*S = 274,877,906,944; fixed nq*d*S(S+1)/2 */
    const kern_row_t *a = find_row(&p.nb, "prefill", "Q*gK"), *b = find_row(&p.fix, "prefill", "Q*gK");
    ck_assert_int_eq(a->compute, 274877906944LL);
    ck_assert_int_eq(b->compute, 32LL * 128 * 8192 * 8193 / 2);
    ck_assert_int_eq(b->compute, 137455730688LL);
    ck_assert_int_eq(b->grouped_q, 4);
    ck_assert_int_eq(b->k, 128);
    ck_assert_int_eq(b->batch, 8);
    /* decode QK^T: the MACs were right (k = H = nq*d) but the tiler folded
     * 256 sequences' K into one shared operand: 500,595 cycles; per
     * sequence and KV head the K read is 30,167,786 cycles */
    a = find_row(&p.nb, "decode", "Q*gK");
    b = find_row(&p.fix, "decode", "Q*gK");
    ck_assert_int_eq(a->compute, b->compute);
    ck_assert_double_eq_tol(a->exec_cycle, 500595.360471, 1e-5);
    ck_assert_str_eq(kern_bound_name(b->bound), "Memory");
    /* (4x128 + 128x8448) x 2 bytes x 2048 GEMMs / (342 GiB/s) x 2.5 GHz */
    double want = (4.0 * 128 + 128.0 * 8448) * 2 * 2048 / 367219703808.0 * 2.5e9;
    ck_assert_double_eq_tol(b->exec_cycle, want, want * 1e-9);
    /* fused PV: the probabilities stay on chip, only V is loaded */
    b = find_row(&p.fix, "decode", "Q*gK*gV");
    ck_assert(b->a_on_chip);
    want = 8448.0 * 128 * 2 * 2048 / 367219703808.0 * 2.5e9;
    ck_assert_double_eq_tol(b->exec_cycle, want, want * 1e-9);
    free_pair(&p);
}
END_TEST

START_TEST(fix_head_dim)
{
    pair_t p;
    run_pair(&p, GOLD "qwen3-0.6b.json");
    ck_assert_int_eq(p.m.head_dim, 128);
    ck_assert_int_eq(p.m.head_dim_floor, 64);
    /* Q/K/V width d*(nq + 2 nkv): 64*32 = 2048 -> 128*32 = 4096 */
    ck_assert_int_eq(find_row(&p.nb, "prefill", "Q/K/V*W")->n, 2048);
    ck_assert_int_eq(find_row(&p.fix, "prefill", "Q/K/V*W")->n, 4096);
    /* O projection reads nq*d = 2048 inputs, not H = 1024 */
    ck_assert_int_eq(find_row(&p.nb, "prefill", "O*W")->k, 1024);
    ck_assert_int_eq(find_row(&p.fix, "prefill", "O*W")->k, 2048);
    /* KV per token per layer 2*nkv*d: 1024 -> 2048 elements */
    ck_assert_int_eq(find_row(&p.nb, "prefill", "KVCache_Store")->kv, 8192LL * 1024);
    ck_assert_int_eq(find_row(&p.fix, "prefill", "KVCache_Store")->kv, 8192LL * 2048);
    free_pair(&p);
}
END_TEST

START_TEST(fix_chunked_decode_width)
{
    pair_t p;
    run_pair(&p, LLAMA);
    /* dQ*gK: n = d*nkv = 1024 -> dC = 8448 keys: 62.9M -> 519M MACs (8.25x) */
    const kern_row_t *a = find_row(&p.nb, "chunked", "dQ*gK"), *b = find_row(&p.fix, "chunked", "dQ*gK");
    ck_assert_int_eq(a->n, 1024);
    ck_assert_int_eq(a->compute, 62914560LL);
    ck_assert_int_eq(b->n, 8448);
    ck_assert_int_eq(b->compute, 519045120LL);
    ck_assert_int_eq(b->compute * 4, a->compute * 33);
    free_pair(&p);
}
END_TEST

START_TEST(fix_async_kv_rows_timed)
{
    pair_t p;
    run_pair(&p, LLAMA);
    /* prefill KV store: notebook untimed; fixed 16,777,216 x 2 B / BW x f */
    const kern_row_t *a = find_row(&p.nb, "prefill", "KVCache_Store"), *b = find_row(&p.fix, "prefill", "KVCache_Store");
    ck_assert(isnan(a->exec_cycle));
    double want = 16777216.0 * 2 / 367219703808.0 * 2.5e9;
    ck_assert_double_eq_tol(b->exec_cycle, want, want * 1e-12);
    ck_assert_double_eq_tol(b->exec_cycle, 228435.67, 0.01);
    /* chunked: the prefix read is a KVCache read carried by the attention
     * rows; the store covers the 15 decode tokens as well (241 -> 256) */
    ck_assert_int_eq(find_row(&p.nb, "chunked", "pKVCache_Read")->type, KT_ASYNC_KVCACHE);
    ck_assert_int_eq(find_row(&p.fix, "chunked", "pKVCache_Read")->type, KT_KVCACHE);
    ck_assert(find_row(&p.fix, "chunked", "pKVCache_Read")->kv_in_attention);
    ck_assert_int_eq(find_row(&p.nb, "chunked", "KVCache_Store")->kv, 241LL * 128 * 16);
    ck_assert_int_eq(find_row(&p.fix, "chunked", "KVCache_Store")->kv, 256LL * 128 * 16);
    /* decode writes the new token's K and V: 256 x 128 x 16 elements */
    ck_assert_int_eq(find_row(&p.fix, "decode", "KVCache_Store")->kv, 524288);
    free_pair(&p);
}
END_TEST

START_TEST(fix_norms_lm_head_units)
{
    pair_t p;
    run_pair(&p, LLAMA);
    const kern_row_t *n = find_row(&p.fix, "prefill", "input_norm");
    ck_assert_int_eq(n->type, KT_VW_VA);
    ck_assert_int_eq(n->weight, 4096);
    ck_assert_int_eq(n->compute, 4096LL * 8192);
    const kern_row_t *h = find_row(&p.fix, "decode", "lm_head");
    ck_assert_int_eq(h->scope, KS_MODEL);
    ck_assert_int_eq(h->weight, 525336576LL);
    ck_assert_int_eq(h->compute, 525336576LL * 256);
    /* weights read per decode step: 6,979,321,856 elements labelled "Bytes"
     * by the notebook; fixed: 32 x (218,103,808 + 2 x 4096) + 4096 +
     * 525,336,576 = 7,504,924,672 elements x 2 = 15,009,849,344 bytes */
    kern_summary_t s = kern_summarize(find_prof(&p.fix, "decode"), &p.m, &p.hw, 2.0);
    ck_assert_double_eq(s.weight_bytes, 15009849344.0);
    kern_summary_t o = kern_summarize(find_prof(&p.nb, "decode"), &p.m, &p.hw, 2.0);
    ck_assert_double_eq(o.weight_bytes, 2 * 6979321856.0);
    /* decode step of 32 layers + lm_head on NVL-AX: the tiler's 2.04e9
     * memory-bound cycles, 0.816 s (notebook: 32 x 64,463,476 cycles, 0.825 s) */
    ck_assert_double_eq_tol(s.tiler_s, 0.816004, 1e-6);
    ck_assert_double_eq_tol(o.tiler_s, 32 * 64463476.0 / 2.5e9, 1e-6);
    free_pair(&p);
}
END_TEST

START_TEST(default_model_yaml)
{
    kern_model_t m;
    kern_hw_t hw;
    kern_run_t r;
    kern_result_t res;
    run("inputs/software/model/llama3-70B.yaml", "nvl-ax", KM_DEFAULT, 1024, 128, 1, 8, 0, &m, &hw, &r, &res);
    ck_assert_int_eq(res.n, 2);
    ck_assert(m.gated);
    ck_assert_int_eq(m.kv_heads, 8);
    ck_assert_int_eq(m.vocab, 0);
    const kern_workload_t *d = find_prof(&res, "decode");
    for (size_t i = 0; i < d->n; i++)
        ck_assert_str_ne(d->rows[i].name, "lm_head");
    ck_assert_int_eq(find_row(&res, "decode", "FFN_gate")->weight, 8192LL * 28672);
    kern_result_free(&res);
}
END_TEST

/* Default mode with every fix off is the notebook, row for row. */
START_TEST(no_fix_is_notebook)
{
    kern_model_t m;
    kern_hw_t hw;
    kern_run_t r, r0;
    kern_result_t nb, none;
    char err[512];
    run(LLAMA, "nvl-ax", KM_NOTEBOOK, 8192, 512, 1, 256, 256, &m, &hw, &r, &nb);
    r0 = (kern_run_t){.mode = KM_DEFAULT, .fixes_off = KF_ALL, .input_len = 8192, .output_len = 512, .batch = 256,
                      .prefill_batch = 1, .chunk = 256};
    ck_assert_int_eq(kern_evaluate(&m, &hw, &r0, &none, err, sizeof err), 0);
    for (size_t p = 0; p < 3; p++) {
        ck_assert_int_eq(nb.prof[p].n, none.prof[p].n);
        for (size_t i = 0; i < nb.prof[p].n; i++) {
            const kern_row_t *a = &nb.prof[p].rows[i], *b = &none.prof[p].rows[i];
            ck_assert_str_eq(a->name, b->name);
            ck_assert_int_eq(a->compute, b->compute);
            ck_assert(a->exec_cycle == b->exec_cycle || (isnan(a->exec_cycle) && isnan(b->exec_cycle)));
        }
    }
    kern_result_free(&nb);
    kern_result_free(&none);
    unsigned bits;
    ck_assert_int_eq(kern_fixes_parse("causal,gqa", &bits, err, sizeof err), 0);
    ck_assert_uint_eq(bits, KF_CAUSAL | KF_GQA);
    ck_assert_int_eq(kern_fixes_parse("casual", &bits, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "unknown fix 'casual' (valid: gqa, head_dim,"), "%s", err);
}
END_TEST

/* ---- bad input ------------------------------------------------------- */

static void hw_error(const char *text, const char *want)
{
    kern_hw_t hw;
    cfg_err_t err;
    ck_assert_int_eq(kern_hw_load_text("bad.yaml", text, &hw, &err), -1);
    ck_assert_msg(strstr(err.msg, want), "got '%s', want '%s'", err.msg, want);
}

START_TEST(bad_hardware_yaml)
{
    const char *base = "name: X\ncores: 32\nfrequency_hz: 2.5e9\nmacs_per_cycle: 2048\n"
                       "bandwidth_bytes_per_s: 3.0e11\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%scache_byte: 1024\n", base);
    hw_error(buf, "bad.yaml:6:1: unknown key 'cache_byte' in kernel hardware (did you mean 'cache_bytes'?)");
    hw_error(base, "missing required key 'cache_bytes'");
    snprintf(buf, sizeof buf, "%scache_bytes: 0\n", base);
    hw_error(buf, "bad.yaml:6:14: kernel hardware.cache_bytes: 0 must be > 0");
    snprintf(buf, sizeof buf, "%scache_bytes: lots\n", base);
    hw_error(buf, "bad.yaml:6:14: kernel hardware.cache_bytes: expected a number");
    hw_error("name: X\ncores: [1\n", "bad.yaml:");
    hw_error("name: X\ncores: 2.5\nfrequency_hz: 1\nmacs_per_cycle: 1\nbandwidth_bytes_per_s: 1\ncache_bytes: 1\n",
             "bad.yaml:2:8: kernel hardware.cores: 2.5 must be a whole number");
    kern_hw_t hw;
    cfg_err_t err;
    ck_assert_int_eq(kern_hw_load("inputs/kernels/hw/no-such.yaml", &hw, &err), -1);
}
END_TEST

static void model_error(const char *json, const char *want)
{
    char dir[] = "/tmp/hwsweep-kern-XXXXXX", path[64];
    ck_assert(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/config.json", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert(fd >= 0);
    ck_assert(write(fd, json, strlen(json)) == (ssize_t)strlen(json));
    close(fd);
    kern_model_t m;
    cfg_err_t err;
    int rc = kern_model_load(path, &m, &err);
    unlink(path);
    rmdir(dir);
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strstr(err.msg, want), "got '%s', want '%s'", err.msg, want);
}

START_TEST(bad_model)
{
    model_error("{\"model_type\": \"mixtral\", \"architectures\": [\"MixtralForCausalLM\"], \"hidden_size\": 4096,"
                "\"intermediate_size\": 14336, \"num_attention_heads\": 32, \"num_key_value_heads\": 8,"
                "\"num_hidden_layers\": 32, \"vocab_size\": 32000, \"num_local_experts\": 8,"
                "\"num_experts_per_tok\": 2}",
                "uses mixture of experts, which the kernel model does not represent");
    model_error("{\"model_type\": \"llama\", \"hidden_size\": 4096}", "missing key");
    model_error("{\"model_type\": \"llama\",\n \"hidden_size\": }", ":2:");
}
END_TEST

START_TEST(bad_lengths)
{
    kern_model_t m;
    kern_hw_t hw;
    load_model(LLAMA, &m);
    load_hw("nvl-ax", &hw);
    char err[512];
    kern_result_t res;
    kern_run_t r = {.mode = KM_NOTEBOOK, .input_len = 16, .output_len = 16, .batch = 1, .prefill_batch = 1,
                    .chunk = 64};
    /* dT = 64*16//32 = 32, pT = 32: int(16/1.73 - 32//2) = int(-6.75) = -6 */
    ck_assert_int_eq(kern_evaluate(&m, &hw, &r, &res, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "gives -6 prompt tokens"), "%s", err);
    r = (kern_run_t){.mode = KM_DEFAULT, .input_len = 0, .output_len = 16, .batch = 1, .prefill_batch = 1};
    ck_assert_int_eq(kern_evaluate(&m, &hw, &r, &res, err, sizeof err), -1);
    /* 2^24-token prompts at batch 2^20 overflow 64-bit MAC counts: refused, not wrapped */
    r = (kern_run_t){.mode = KM_DEFAULT, .input_len = 1 << 24, .output_len = 1, .batch = 1,
                     .prefill_batch = 1 << 20};
    ck_assert_int_eq(kern_evaluate(&m, &hw, &r, &res, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "overflow"), "%s", err);
}
END_TEST

/* The command line: exit status 2 and a located message on bad input,
 * the notebook's final line on the seed run.  Runs bin/hwsweep (make test
 * builds it first). */
static int cli(const char *args, char *out, size_t len)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "bin/hwsweep kernels %s 2>&1", args);
    FILE *p = popen(cmd, "r");
    ck_assert(p != NULL);
    size_t n = fread(out, 1, len - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(command_line)
{
    static char out[1 << 16];
    const char *seed = "-m " LLAMA " --hw " NVL " --input-len 8192 --output-len 512 --batch 256 --chunk 256";
    char args[512];
    snprintf(args, sizeof args, "%s --compat notebook", seed);
    ck_assert_int_eq(cli(args, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "Total compute-bound cycles: 0\nTotal memory-bound cycles: 7349613\n"), "%s", out);
    snprintf(args, sizeof args, "%s --csv", seed);
    ck_assert_int_eq(cli(args, out, sizeof out), 0);
    ck_assert(strncmp(out, "mode,profile,scope,type,name,", 29) == 0);
    ck_assert(strstr(out, "\ndefault,chunked,layer,Va_Mqa,dQ*gK,1,128,8448,120,4,519045120,,,"));

    char dir[] = "/tmp/hwsweep-kcli-XXXXXX", hw[128];
    ck_assert(mkdtemp(dir) != NULL);
    snprintf(hw, sizeof hw, "%s/hw.yaml", dir);
    FILE *f = fopen(hw, "w");
    fputs("name: X\ncores: 32\nfrequncy_hz: 2.5e9\n", f);
    fclose(f);
    snprintf(args, sizeof args, "-m " LLAMA " --hw %s --input-len 8 --output-len 8 --batch 1", hw);
    ck_assert_int_eq(cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "hw.yaml:3:1: unknown key 'frequncy_hz' in kernel hardware (did you mean 'frequency_hz'?)"),
                  "%s", out);
    unlink(hw);
    rmdir(dir);
    snprintf(args, sizeof args, "%s --compat colab", seed);
    ck_assert_int_eq(cli(args, out, sizeof out), 2);
    ck_assert(strstr(out, "unknown --compat 'colab' (valid: notebook)"));
    snprintf(args, sizeof args, "%s --fixes gqa,casual", seed);
    ck_assert_int_eq(cli(args, out, sizeof out), 2);
    ck_assert(strstr(out, "unknown fix 'casual'"));
    snprintf(args, sizeof args, "%s --batch -3", seed);
    ck_assert_int_eq(cli(args, out, sizeof out), 2);
    ck_assert_int_eq(cli("-m " LLAMA " --hw " NVL " --input-len 8", out, sizeof out), 2);
    ck_assert_int_eq(cli("-m no/such/config.json --hw " NVL " --input-len 8 --output-len 8 --batch 1", out, sizeof out), 2);
    ck_assert_int_eq(cli("--help", out, sizeof out), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kernels");
    TCase *tc = tcase_create("kernels");
    tcase_add_test(tc, notebook_rows_match);
    tcase_add_test(tc, notebook_totals_match);
    tcase_add_test(tc, spec_77_numbers);
    tcase_add_test(tc, fix_gqa_attention_and_causal);
    tcase_add_test(tc, fix_head_dim);
    tcase_add_test(tc, fix_chunked_decode_width);
    tcase_add_test(tc, fix_async_kv_rows_timed);
    tcase_add_test(tc, fix_norms_lm_head_units);
    tcase_add_test(tc, default_model_yaml);
    tcase_add_test(tc, no_fix_is_notebook);
    tcase_add_test(tc, bad_hardware_yaml);
    tcase_add_test(tc, bad_model);
    tcase_add_test(tc, bad_lengths);
    tcase_add_test(tc, command_line);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
