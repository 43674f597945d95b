/*
 * workload.c -- a GEMM list turned into an ASTRA-sim workload: each row's
 * strategy resolved (global, or column 5 under HYBRID_CUSTOMIZED), then
 * sharded and timed by strategy.c.  Errors name the row's file:line:col.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "astra/astra.h"

#define UPDATE_DELAY_CYCLES 100 /* the generator's constant ("delay for 1KB communication size") */

void astra_workload_free(astra_workload_t *w)
{
    if (w)
        free(w->layers);
    if (w)
        memset(w, 0, sizeof *w);
}

int astra_workload_build(const gemm_list_t *list, const astra_opts_t *o, const scalesim_cfg_t *array,
                         astra_workload_t *w, cfg_err_t *err)
{
    memset(w, 0, sizeof *w);
    char msg[512];
    if (astra_check_opts(o, msg, sizeof msg)) {
        snprintf(err->msg, sizeof err->msg, "%s", msg);
        return -1;
    }
    w->parallel = o->parallel;
    w->num_npus = o->num_npus;
    w->num_packages = o->num_packages;
    w->datatype_bytes = o->datatype_bytes;
    w->update_delay_cycles = UPDATE_DELAY_CYCLES;
    w->array = *array;
    w->layers = calloc(list->n ? list->n : 1, sizeof *w->layers);
    if (!w->layers) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < list->n; i++) {
        const op_t *op = op_graph_get(list->g, i);
        int line = list->line[i];
        astra_strategy_t s = o->parallel;
        if (s == ASTRA_HYBRID_CUSTOMIZED) {
            if (!list->strategy[i][0]) {
                cfg_errorf(err, list->file, line, 1, "layer '%s': --parallel HYBRID_CUSTOMIZED needs a fifth "
                           "field with the layer's strategy (DATA, MODEL, HYBRID_DATA_MODEL, HYBRID_MODEL_DATA)",
                           op->name);
                goto fail;
            }
            int p = astra_strategy_parse(list->strategy[i], false, msg, sizeof msg);
            if (p < 0) {
                cfg_errorf(err, list->file, line, list->strategy_col[i] ? list->strategy_col[i] : 1,
                           "layer '%s': %s", op->name, msg);
                goto fail;
            }
            s = (astra_strategy_t)p;
        }
        astra_layer_t *ly = &w->layers[i];
        int rc = astra_layer_plan(s, (uint64_t)op->gemm_m, (uint64_t)op->gemm_n, (uint64_t)op->gemm_k,
                                  op->params > 0, o, array, ly);
        if (rc == -1) {
            uint64_t l = o->num_npus / o->num_packages;
            cfg_errorf(err, list->file, line, 1, "layer '%s' (m=%lld, n=%lld) under %s leaves %s per NPU "
                       "(P=%llu, G=%llu, L=%llu): every NPU needs at least one row and one column",
                       op->name, (long long)op->gemm_m, (long long)op->gemm_n, astra_strategy_name(s),
                       ly->m_shard == 0 ? "0 rows (m')" : "0 output features (n')", (unsigned long long)o->num_npus,
                       (unsigned long long)o->num_packages, (unsigned long long)l);
            goto fail;
        }
        int over = rc != 0;
        for (int p = 0; p < ASTRA_PASSES; p++)
            over |= ly->cycles[p] == UINT64_MAX;
        if (over) {
            cfg_errorf(err, list->file, line, 1, "layer '%s': cycle count or communication size overflows "
                       "64 bits", op->name);
            goto fail;
        }
        ly->name = op->name;
    }
    w->n = list->n;
    return 0;
fail:
    astra_workload_free(w);
    return -1;
}
