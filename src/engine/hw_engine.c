/*
 * hw_engine.c -- parallel evaluation of hardware points (see hw_engine.h).
 *
 * Each stage evaluates its points independently in parallel, then numbers
 * them sequentially as the reference does (chip_id and package_id count
 * valid parts; server_id counts every server).  Heat sink searches depend
 * only on (heat source length, width, packages per lane): the distinct keys
 * are collected, sorted, searched once each, and looked up.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/hw_engine.h"
#include "hw/heatsink.h"
#include "hw/hw_eval.h"

static int hs_cmp(const void *a, const void *b)
{
    const hs_entry_t *x = a, *y = b;
    if (x->length_mm != y->length_mm)
        return x->length_mm < y->length_mm ? -1 : 1;
    if (x->width_mm != y->width_mm)
        return x->width_mm < y->width_mm ? -1 : 1;
    if (x->ppl != y->ppl)
        return x->ppl < y->ppl ? -1 : 1;
    return 0;
}

static void eval_chips(chip_t *chips, size_t n, const chip_constants_t *c, int threads)
{
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads)
    for (size_t i = 0; i < n; i++)
        hw_chip_eval(&chips[i], c);
    size_t valid = 0;
    for (size_t i = 0; i < n; i++) {
        if (!chips[i].chip_id_given)   /* the reference numbers chips by valid ones so far */
            snprintf(chips[i].chip_id, sizeof chips[i].chip_id, "%zu", valid);
        valid += chips[i].valid;
    }
}

static package_t *make_packages(const hw_config_t *cfg, const chip_t *chips, size_t *n_out)
{
    size_t n_valid = 0;
    for (size_t i = 0; i < cfg->n_chips; i++)
        n_valid += chips[i].valid;
    size_t n = n_valid * cfg->n_packages;
    package_t *pk = calloc(n ? n : 1, sizeof *pk);
    if (!pk)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < cfg->n_chips; i++) {
        if (!chips[i].valid)
            continue;
        for (size_t j = 0; j < cfg->n_packages; j++, k++) {
            pk[k] = cfg->packages[j];
            pk[k].chip = &chips[i];
        }
    }
    *n_out = n;
    return pk;
}

static void eval_packages(package_t *pk, size_t n, const package_constants_t *c, int threads)
{
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads)
    for (size_t i = 0; i < n; i++)
        hw_package_eval(&pk[i], c);
    int id = 0;
    for (size_t i = 0; i < n; i++) {
        pk[i].package_id = id;
        id += pk[i].valid;
    }
}

static server_t *make_servers(const hw_config_t *cfg, const package_t *pk, size_t n_pk, size_t *n_out)
{
    size_t n_valid = 0;
    for (size_t i = 0; i < n_pk; i++)
        n_valid += pk[i].valid;
    size_t n = n_valid * cfg->n_servers;
    server_t *sv = calloc(n ? n : 1, sizeof *sv);
    if (!sv)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n_pk; i++) {
        if (!pk[i].valid)
            continue;
        for (size_t j = 0; j < cfg->n_servers; j++, k++) {
            sv[k] = cfg->servers[j];
            sv[k].package = &pk[i];
            sv[k].server_id = (int)k;
            sv[k].shape_index = (int)j;
        }
    }
    *n_out = n;
    return sv;
}

int hs_table_build(hs_table_t *t, hs_entry_t *keys, size_t n, int threads)
{
    qsort(keys, n, sizeof *keys, hs_cmp);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || hs_cmp(&keys[u - 1], &keys[i]) != 0)
            keys[u++] = keys[i];
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (size_t i = 0; i < u; i++)
        keys[i].hs = hw_heatsink_design(keys[i].length_mm, keys[i].width_mm, keys[i].ppl);
    t->keys = keys;
    t->n = u;
    return 0;
}

heatsink_t hs_table_get(const hs_table_t *t, const server_t *s)
{
    hs_entry_t key = {s->package->heatsource_length, s->package->heatsource_width, s->packages_per_lane,
                      {0, 0, 0}};
    const hs_entry_t *hit = bsearch(&key, t->keys, t->n, sizeof *t->keys, hs_cmp);
    return hit ? hit->hs : hw_heatsink_design(key.length_mm, key.width_mm, key.ppl);
}

hs_entry_t hs_key(const server_t *s)
{
    return (hs_entry_t){s->package->heatsource_length, s->package->heatsource_width, s->packages_per_lane,
                        {0, 0, 0}};
}

static int eval_servers(server_t *sv, size_t n, const hw_constants_t *hc, int threads, size_t *searches)
{
    unsigned char *lane_ok = malloc(n ? n : 1);
    hs_entry_t *keys = malloc((n ? n : 1) * sizeof *keys);
    if (!lane_ok || !keys) {
        free(lane_ok);
        free(keys);
        return -1;
    }
#pragma omp parallel for schedule(static) num_threads(threads)
    for (size_t i = 0; i < n; i++)
        lane_ok[i] = hw_server_lane_ok(&sv[i], &hc->server);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (lane_ok[i])
            keys[k++] = hs_key(&sv[i]);
    hs_table_t table;
    hs_table_build(&table, keys, k, threads);
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads)
    for (size_t i = 0; i < n; i++)
        if (lane_ok[i])
            hw_server_eval(&sv[i], hc, hs_table_get(&table, &sv[i]));
    *searches = table.n;
    free(keys);
    free(lane_ok);
    return 0;
}

int hw_engine_parts(const hw_config_t *cfg, const hw_constants_t *hc, int threads, hw_points_t *out)
{
    memset(out, 0, sizeof *out);
    out->chips = malloc((cfg->n_chips ? cfg->n_chips : 1) * sizeof *out->chips);
    if (!out->chips)
        return -1;
    memcpy(out->chips, cfg->chips, cfg->n_chips * sizeof *out->chips);
    out->n_chips = cfg->n_chips;
    eval_chips(out->chips, out->n_chips, &hc->chip, threads);
    out->packages = make_packages(cfg, out->chips, &out->n_packages);
    if (!out->packages) {
        hw_points_free(out);
        return -1;
    }
    eval_packages(out->packages, out->n_packages, &hc->package, threads);
    return 0;
}

int hw_engine_eval(const hw_config_t *cfg, const hw_constants_t *hc, int threads, hw_points_t *out,
                   hw_stats_t *stats)
{
    memset(stats, 0, sizeof *stats);
    if (hw_engine_parts(cfg, hc, threads, out))
        return -1;
    out->servers = make_servers(cfg, out->packages, out->n_packages, &out->n_servers);
    if (!out->servers || eval_servers(out->servers, out->n_servers, hc, threads, &stats->heatsink_searches)) {
        hw_points_free(out);
        return -1;
    }
    for (size_t i = 0; i < out->n_chips; i++)
        stats->valid_chips += out->chips[i].valid;
    for (size_t i = 0; i < out->n_packages; i++)
        stats->valid_packages += out->packages[i].valid;
    for (size_t i = 0; i < out->n_servers; i++)
        stats->valid_servers += out->servers[i].valid;
    return 0;
}
