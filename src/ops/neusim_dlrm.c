/*
 * neusim_dlrm.c -- DLRM inference: table placement, per-chip op lists and
 * the placement record (see neusim_dlrm.h, spec §5.5).
 */
#include "ops/neusim_dlrm.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "config/numfmt.h"
#include "config/strfmt.h"

static int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

#define KEEP(m, b) (((m)->quirks & (b)) != 0)

/* FP32 table size in GiB at which a table is row-sharded / replicated */
#define ROW_SHARD_GB 6.0
#define REPLICATE_GB 2.0

static bool int_list(const char *text, int64_t *out, int64_t max, int64_t *n)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    bool ok = j && json_is_array(j) && (int64_t)json_array_size(j) <= max;
    *n = 0;
    for (size_t i = 0; ok && i < json_array_size(j); i++) {
        json_t *v = json_array_get(j, i);
        ok = json_is_integer(v) && json_integer_value(v) > 0;
        if (ok)
            out[(*n)++] = (int64_t)json_integer_value(v);
    }
    json_decref(j);
    return ok;
}

static bool mlp_list(const char *text, int64_t (*out)[2], int64_t *n)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    bool ok = j && json_is_array(j) && json_array_size(j) <= NSR_MAX_MLP;
    *n = 0;
    for (size_t i = 0; ok && i < json_array_size(j); i++) {
        json_t *v = json_array_get(j, i);
        json_t *a = json_object_get(v, "in_features"), *b = json_object_get(v, "out_features");
        ok = json_is_object(v) && json_is_integer(a) && json_is_integer(b) && json_integer_value(a) > 0 &&
             json_integer_value(b) > 0;
        if (ok) {
            out[*n][0] = (int64_t)json_integer_value(a);
            out[*n][1] = (int64_t)json_integer_value(b);
            (*n)++;
        }
    }
    json_decref(j);
    return ok;
}

const char *nsr_model_read(nsr_model_t *m, const char *sizes_json, const char *indices_json,
                           const char *bottom_json, const char *top_json, char *buf, size_t len)
{
    int64_t rows[NSR_MAX_TABLES], idx[NSR_MAX_TABLES], nr, ni;
    if (!int_list(sizes_json, rows, NSR_MAX_TABLES, &nr) || nr == 0) {
        str_fmt(buf, len, "embedding_table_sizes: expected a list of 1 to %d positive integers", NSR_MAX_TABLES);
        return buf;
    }
    if (!int_list(indices_json, idx, NSR_MAX_TABLES, &ni) || ni != nr) {
        str_fmt(buf, len, "num_indices_per_lookup: expected %lld positive integers, one per table", (long long)nr);
        return buf;
    }
    if (!mlp_list(bottom_json, m->bottom, &m->nbottom) || m->nbottom == 0 || !mlp_list(top_json, m->top, &m->ntop) ||
        m->ntop == 0) {
        str_fmt(buf, len, "bottom_mlp_config / top_mlp_config: expected non-empty lists of "
                           "{in_features: N, out_features: N} with positive sizes");
        return buf;
    }
    m->ntables = nr;
    /* placement (split_embedding_tables); NeuSim fixes each table's batch at
     * construction, before the placement changes its data parallelism, so every
     * table looks up the global batch */
    int64_t mid = 0;
    for (int64_t i = 0; i < nr; i++) {
        nsr_table_t *t = &m->table[i];
        t->rows = rows[i];
        t->indices = idx[i];
        double gb = (double)rows[i] * (double)m->dim * 4 / 1024 / 1024 / 1024;
        t->batch = m->global_batch_size;
        if (gb >= ROW_SHARD_GB) {
            t->row_shards = m->tp;
            t->dp = 1;
            t->chip = -1;
        } else if (gb <= REPLICATE_GB) {
            t->row_shards = 1;
            t->dp = m->dp;
            t->chip = -1;
            if (!KEEP(m, NSR_Q11))
                t->batch = cdiv(m->global_batch_size, m->dp);
        } else {
            t->row_shards = 1;
            t->dp = 1;
            t->chip = mid++ % m->num_chips;
        }
    }
    return NULL;
}

const char *nsr_check(const nsr_model_t *m, char *buf, size_t len)
{
    if (m->dim <= 0 || m->global_batch_size <= 0) {
        str_fmt(buf, len, "embedding_dim and global_batch_size must be > 0");
        return buf;
    }
    if (m->pp != 1) {
        str_fmt(buf, len, "DLRM has no pipeline parallelism (pipeline_parallelism_degree %lld; NeuSim's neither)",
                 (long long)m->pp);
        return buf;
    }
    if (m->dp != m->num_chips || m->tp != m->num_chips) {
        str_fmt(buf, len,
                 "DLRM: data_parallelism_degree and tensor_parallelism_degree must both equal num_chips "
                 "(got dp %lld, tp %lld, %lld chips; spec §9)",
                 (long long)m->dp, (long long)m->tp, (long long)m->num_chips);
        return buf;
    }
    double hbm = m->hbm_size_GB * (double)m->num_chips * 1024 * 1024 * 1024;
    for (int64_t i = 0; i < m->ntables; i++) {
        double bytes = (double)m->table[i].rows * (double)m->dim * 4;
        if (bytes > hbm) {
            str_fmt(buf, len,
                     "embedding table %lld (%lld rows x %lld FP32) needs %.4g GiB, more than the HBM of all %lld "
                     "chips (%.4g GiB)",
                     (long long)i, (long long)m->table[i].rows, (long long)m->dim, bytes / 1024 / 1024 / 1024,
                     (long long)m->num_chips, hbm / 1024 / 1024 / 1024);
            return buf;
        }
    }
    return NULL;
}

static int64_t last_fid(const ns_oplist_t *L) { return L->lab[ns_oplist_len(L) - 1].fusion_id; }

static void mlp(ns_oplist_t *L, const int64_t (*layers)[2], int64_t n, int64_t first_in, int64_t B, const char *desc,
                const char *name, int64_t fid)
{
    /* each layer's id grows by the previous layer's (NeuSim's labels) */
    for (int64_t i = 0; i < n; i++) {
        char d[64], nm[64];
        if (first_in > 0 && i == 0) {
            str_fmt(d, sizeof d, "%s_init_einsum", desc);
            str_fmt(nm, sizeof nm, "%s_init_einsum", name);
        } else {
            int64_t k = first_in > 0 ? i - 1 : i;
            str_fmt(d, sizeof d, "%s_%lld_einsum", desc, (long long)k);
            str_fmt(nm, sizeof nm, "%s_%lld_einsum", name, (long long)k);
        }
        ns_einsum(L, (int64_t[]){B, layers[i][0]}, 2, (int64_t[]){layers[i][0], layers[i][1]}, 2, "BI;IO->BO",
                  "0_0_0", fid, d, nm, 1, -1);
        fid += fid;
    }
}

bool nsr_chip_ops(const nsr_model_t *m, int64_t chip, ns_oplist_t *L)
{
    if (!ns_oplist_init(L, m->ici_bw_GBps, m->ici_latency_ns, 0, 0))
        return false;
    int64_t Bm = cdiv(m->global_batch_size, m->dp), T = m->ntables, imax = 0;
    for (int64_t i = 0; i < T; i++)
        if (m->table[i].indices > imax)
            imax = m->table[i].indices;
    bool q11 = KEEP(m, NSR_Q11), a2a = KEEP(m, NSR_Q12) || m->num_chips > 1;
    double bis = ns_bisection_bw_GBps(m->ici_bw_GBps, m->num_chips, m->ici_axes, NULL, NULL);
    /* all-to-all: NeuSim moves the whole global batch with a latency term per
     * table; the fix moves this chip's share among the chips */
    int64_t a2a_b = q11 ? m->global_batch_size : cdiv(m->global_batch_size, m->num_chips);
    int64_t a2a_n = q11 ? T : m->num_chips;
    int64_t fid = 2;
    mlp(L, m->bottom, m->nbottom, 0, Bm, "BottomMLP", "bottom_mlp", fid);
    fid += last_fid(L);
    char d[64], nm[64];
    if (a2a) {
        ns_set_dtype(L, DT_INT32, NULL);
        str_fmt(d, sizeof d, "EmbeddingIndicesAllToAll-%lld", (long long)fid);
        ns_all_to_all(L, (int64_t[]){a2a_b, T, imax}, 3, bis, a2a_n, fid, d, "EmbeddingIndicesAllToAll", 1);
        ns_set_dtype(L, DT_BF16, NULL);
    }
    fid++;
    int64_t efid = fid;
    size_t before = ns_oplist_len(L);
    for (int64_t i = 0; i < T; i++) {
        const nsr_table_t *t = &m->table[i];
        if (t->chip >= 0 && t->chip != chip)
            continue;
        int64_t batch = t->batch;
        /* row sharding: NeuSim looks every index up on every shard (Q11) */
        if (!q11 && t->row_shards > 1)
            batch = cdiv(batch, t->row_shards);
        str_fmt(d, sizeof d, "EmbeddingBag%lld", (long long)efid);
        str_fmt(nm, sizeof nm, "embedding_bag_%lld", (long long)efid);
        ns_embedding_bag(L, batch, t->indices, cdiv(t->rows, t->row_shards), m->dim, efid, d, nm, 1);
        efid += efid;
    }
    (void)before;
    fid += last_fid(L);
    if (a2a) {
        ns_set_dtype(L, DT_FP32, NULL);
        str_fmt(d, sizeof d, "EmbeddingAllToAll-%lld", (long long)fid);
        ns_all_to_all(L, (int64_t[]){a2a_b, T, imax, m->dim}, 4, bis, a2a_n, fid, d, "EmbeddingAllToAll", 1);
        ns_set_dtype(L, DT_BF16, NULL);
    }
    fid++;
    long it = ns_einsum(L, (int64_t[]){Bm, T + 1, m->dim}, 3, (int64_t[]){Bm, m->dim, T + 1}, 3, "BNE;BEN->BNN",
                        "0_0_0", fid, "DotInteraction_einsum", "DotInteraction_einsum", 1, -1);
    if (it >= 0 && !q11) /* every pair of the N features: 2*B*N*N*E */
        op_graph_at(L->g, (size_t)it)->flops = 2.0 * (double)Bm * (double)(T + 1) * (double)(T + 1) * (double)m->dim;
    fid += last_fid(L);
    /* the first top layer takes the padded interaction width */
    int64_t top[NSR_MAX_MLP + 1][2];
    top[0][0] = cdiv(m->dim + (T + 1) * T / 2, 128) * 128;
    top[0][1] = m->top[0][0];
    for (int64_t i = 0; i < m->ntop; i++) {
        top[i + 1][0] = m->top[i][0];
        top[i + 1][1] = m->top[i][1];
    }
    mlp(L, (const int64_t(*)[2])top, m->ntop + 1, top[0][0], Bm, "TopMLP", "top_mlp", fid);
    return !L->failed;
}

bool nsr_config_stats_write(FILE *f, const nsr_model_t *m)
{
    int64_t topo[64];
    int nt = 0;
    double bis = ns_bisection_bw_GBps(m->ici_bw_GBps, m->num_chips, m->ici_axes, topo, &nt);
    char num[64];
    num_repr(num, sizeof num, bis);
    fprintf(f, "{\n    \"ICI_bisection_BW_per_chip_GBps\": %s,\n    \"topology\": [", num);
    for (int i = 0; i < nt; i++)
        fprintf(f, "%s\n        %lld", i ? "," : "", (long long)topo[i]);
    fputs(nt ? "\n    ],\n" : "],\n", f);
    fputs("    \"table_sharding\": [\n", f);
    for (int64_t i = 0; i < m->ntables; i++) {
        const nsr_table_t *t = &m->table[i];
        fprintf(f,
                "        {\n            \"embed_dim\": %lld,\n            \"num_entries\": %lld,\n"
                "            \"num_indices_per_lookup\": %lld,\n            \"row_sharding_degree\": %lld,\n"
                "            \"column_sharding_degree\": 1,\n            \"data_parallel_degree\": %lld,\n"
                "            \"chip_assignment\": [",
                (long long)m->dim, (long long)t->rows, (long long)t->indices, (long long)t->row_shards,
                (long long)t->dp);
        int64_t lo = t->chip >= 0 ? t->chip : 0, hi = t->chip >= 0 ? t->chip + 1 : m->num_chips;
        for (int64_t c = lo; c < hi; c++)
            fprintf(f, "%s\n                %lld", c > lo ? "," : "", (long long)c);
        fprintf(f, "\n            ],\n            \"batch_size\": %lld\n        }%s\n", (long long)t->batch,
                i + 1 < m->ntables ? "," : "");
    }
    fputs("    ]\n}", f);
    return !ferror(f);
}
