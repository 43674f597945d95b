/*
 * npu_run.c -- one NPU simulation: configuration -> op lists -> per-op
 * times -> batch-driver statistics (see npu_run.h; spec §9).
 */
#include "engine/npu_run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *npu_phase_name(npu_phase_kind_t k)
{
    static const char *const n[] = {"prefill", "decode", "training"};
    return k <= NPU_PHASE_TRAINING ? n[k] : "?";
}

const char *npu_bound_name(npu_bound_t b)
{
    static const char *const n[] = {"Compute", "Memory", "ICI/NVLink"};
    return b <= NPU_BOUND_ICI ? n[b] : "?";
}

void npu_run_model(const npu_config_t *c, bool compat, nsl_model_t *m)
{
    memset(m, 0, sizeof *m);
    m->d_model = npu_config_int(c, "d_model");
    m->num_heads = npu_config_int(c, "num_heads");
    m->num_kv_heads = npu_config_int(c, "num_kv_heads");
    m->d_head = npu_config_int(c, "d_head");
    m->d_ff = npu_config_int(c, "d_ff");
    m->num_layers = npu_config_int(c, "num_layers");
    m->input_seqlen = npu_config_int(c, "input_seqlen");
    m->output_seqlen = npu_config_int(c, "output_seqlen");
    m->decode_width = npu_config_int(c, "decode_width");
    m->llama_ffn = strcmp(npu_config_str(c, "ffn_type"), "llama") == 0;
    m->use_flash_attention = npu_config_bool(c, "use_flash_attention");
    m->enable_swap_kv_cache = npu_config_bool(c, "enable_swap_kv_cache");
    m->max_swap_prefill = npu_config_int(c, "max_swap_kv_cache_times_prefill");
    m->max_swap_decode = npu_config_int(c, "max_swap_kv_cache_times_decode");
    m->global_batch_size = npu_config_int(c, "global_batch_size");
    m->microbatch_size_ici = npu_config_int(c, "microbatch_size_ici");
    m->num_chips = npu_config_int(c, "num_chips");
    m->dp = npu_config_int(c, "data_parallelism_degree");
    m->tp = npu_config_int(c, "tensor_parallelism_degree");
    m->pp = npu_config_int(c, "pipeline_parallelism_degree");
    m->dp_dcn = npu_config_int(c, "data_parallel_degree_dcn");
    m->tp_dcn = npu_config_int(c, "tensor_parallel_degree_dcn");
    m->pp_dcn = npu_config_int(c, "pipeline_parallel_degree_dcn");
    m->num_dp_axes = (int)npu_config_int(c, "num_data_parallel_axes");
    m->num_tp_axes = (int)npu_config_int(c, "num_tensor_parallel_axes");
    m->num_pp_axes = (int)npu_config_int(c, "num_pipeline_parallel_axes");
    m->hbm_size_GB = npu_config_num(c, "hbm_size_GB");
    m->ici_bw_GBps = npu_config_num(c, "ici_bw_GBps");
    m->ici_latency_ns = npu_config_num(c, "ici_latency_ns");
    m->pcie_bw_GBps = npu_config_num(c, "pcie_bw_GBps");
    m->pcie_latency_ns = npu_config_num(c, "pcie_latency_ns");
    m->dcn_bw_GBps = npu_config_num(c, "dcn_bw_GBps");
    m->dcn_latency_ns = npu_config_num(c, "dcn_latency_ns");
    m->compat = compat;
}

static npu_op_type_t comm_type(ns_optype_t t)
{
    switch (t) {
    case NS_MXU: return NPU_OP_MXU;
    case NS_VPU: return NPU_OP_VPU;
    case NS_ICI: return NPU_OP_ICI;
    default: return NPU_OP_OTHER;
    }
}

static bool time_phase(npu_run_t *r, npu_phase_t *ph, npu_tile_cache_t *cache)
{
    size_t n = ns_oplist_len(&ph->ops);
    ph->perf = calloc(n ? n : 1, sizeof *ph->perf);
    ph->detail = calloc(n ? n : 1, sizeof *ph->detail);
    if (!ph->perf || !ph->detail)
        return false;
    npu_perf_opts_t opts = {.compat = (r->model.quirks & NSL_Q5) != 0};
    for (size_t i = 0; i < n; i++) {
        const ns_label_t *lab = &ph->ops.lab[i];
        npu_op_comm_t comm = {comm_type(lab->op_type), (double)lab->ici_out_bytes, (double)lab->ici_in_bytes,
                              (double)lab->ici_time_ns, (double)lab->pcie_time_ns, (double)lab->preset_bytes};
        npu_perf_op(&r->chip, op_graph_get(ph->ops.g, i), &comm, &opts, cache, &ph->perf[i], &ph->detail[i]);
    }
    return true;
}

/* get_statistics_from_trace_file */
static void trace_stats(const npu_phase_t *ph, npu_stats_t *s)
{
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < ns_oplist_len(&ph->ops); i++) {
        const char *desc = ph->ops.lab[i].description;
        const npu_op_perf_t *p = &ph->perf[i];
        int64_t cnt = op_graph_get(ph->ops.g, i)->count;
        int64_t exe = (int64_t)p->exe_time_ns, comp = (int64_t)p->compute_time_ns, mem = (int64_t)p->memory_time_ns,
                ici = (int64_t)p->ici_time_ns;
        if (strstr(desc, "Pipeline")) {
            s->total_pp_time_ns += exe * cnt;
            if (strstr(desc, "ICI"))
                s->total_pp_ici_time_ns += exe * cnt;
            if (strstr(desc, "DCN"))
                s->total_pp_dcn_time_ns += exe * cnt;
            continue;
        }
        int64_t mi = mem > ici ? mem : ici;
        s->total_execution_time_non_pp_ns += exe * cnt;
        s->overlapped_compute_time_non_pp_ns += (comp < mi ? comp : mi) * cnt;
        if (p->bound == NPU_BOUND_COMPUTE)
            s->compute_only_time_non_pp_ns += (comp - mi) * cnt;
        if (p->bound == NPU_BOUND_MEMORY)
            s->memory_only_time_non_pp_ns += (mem - (comp > ici ? comp : ici)) * cnt;
        if (p->bound == NPU_BOUND_ICI)
            s->ici_bound_time_non_pp_ns += llabs(ici - comp) * cnt;
    }
    s->total_execution_time_chip_ns = s->total_execution_time_non_pp_ns > s->total_pp_ici_time_ns
                                          ? s->total_execution_time_non_pp_ns
                                          : s->total_pp_ici_time_ns;
    s->overlapped_compute_time_chip_ns = s->overlapped_compute_time_non_pp_ns;
    s->compute_only_time_chip_ns = s->compute_only_time_non_pp_ns;
    s->memory_only_time_chip_ns = s->memory_only_time_non_pp_ns;
    if (s->total_pp_time_ns > s->total_execution_time_non_pp_ns) {
        s->ici_bound_time_chip_ns =
            s->total_pp_time_ns - (s->total_execution_time_non_pp_ns - s->ici_bound_time_non_pp_ns);
        s->bounded_by_pp_chip = true;
    } else {
        s->ici_bound_time_chip_ns = s->ici_bound_time_non_pp_ns;
    }
}

int npu_run(const npu_config_t *cfg, bool compat, unsigned keep_quirks, bool training, npu_tile_cache_t *cache, npu_run_t *r, char *err,
            size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->cfg = *cfg;
    r->compat = compat;
    r->training = training;
    /* NeuSim's LLMConfig: num_kv_heads = -1 means multi-head */
    if (npu_config_int(&r->cfg, "num_kv_heads") == -1)
        npu_config_set_int(&r->cfg, "num_kv_heads", npu_config_int(&r->cfg, "num_heads"));
    if (strcmp(npu_config_str(&r->cfg, "model_type"), "llm") != 0) {
        snprintf(err, errlen, "model_type '%s' is not supported yet (supported: llm)",
                 npu_config_str(&r->cfg, "model_type"));
        return 2;
    }
    const char *ffn = npu_config_str(&r->cfg, "ffn_type");
    if (strcmp(ffn, "llama") != 0 && strcmp(ffn, "default") != 0) {
        snprintf(err, errlen, "ffn_type '%s' is not supported (valid: llama, default)", ffn);
        return 2;
    }
    npu_config_chip(&r->cfg, &r->chip);
    if (r->chip.num_sa <= 0 || r->chip.num_vu <= 0 || r->chip.sa_dim <= 0 || r->chip.freq_GHz <= 0 ||
        r->chip.hbm_bw_GBps <= 0 || r->chip.vmem_size_MB <= 0 || r->chip.ici_bw_GBps <= 0 ||
        r->chip.num_vu_ports <= 0 || r->chip.pcie_bw_GBps <= 0) {
        snprintf(err, errlen, "chip sizes, clock and bandwidths must be > 0");
        return 2;
    }
    npu_run_model(&r->cfg, compat, &r->model);
    r->model.quirks = compat ? NSL_QALL : keep_quirks;
    char why[256];
    if (nsl_check(&r->model, why, sizeof why)) {
        snprintf(err, errlen, "%s", why);
        return 2;
    }
    const nsl_model_t *m = &r->model;
    if (training) {
        if (!m->llama_ffn) {
            snprintf(err, errlen, "training: ffn_type 'default' has no backward pass (NeuSim's neither); use llama");
            return 2;
        }
        npu_phase_t *ph = &r->phase[0];
        r->nphase = 1;
        ph->kind = NPU_PHASE_TRAINING;
        if (!nsl_training(m, &ph->ops) || !time_phase(r, ph, cache))
            return 1;
        npu_stats_t *s = &ph->stats;
        trace_stats(ph, s);
        r->num_pods = m->dp_dcn * m->pp_dcn;
        r->batch_size_per_pod = (m->global_batch_size + r->num_pods - 1) / r->num_pods;
        r->layers_per_pp_stage = (int64_t)ceil((double)m->num_layers / (double)(m->pp * m->pp_dcn));
        s->total_execution_time_pod_ns = s->total_execution_time_chip_ns * m->pp;
        s->compute_only_time_pod_ns = s->compute_only_time_chip_ns * m->pp;
        s->memory_only_time_pod_ns = s->memory_only_time_chip_ns * m->pp;
        s->ici_bound_time_pod_ns = s->ici_bound_time_chip_ns * m->pp;
        s->bounded_by_pp_dcn = s->total_pp_dcn_time_ns > s->total_execution_time_pod_ns;
        s->total_execution_time_ns =
            (s->bounded_by_pp_dcn ? s->total_pp_dcn_time_ns : s->total_execution_time_pod_ns) * m->pp_dcn;
        s->mem_footprint_GB = nsl_training_mem_bytes(m) / 1024 / 1024 / 1024;
        s->out_of_memory = (double)m->num_chips * m->hbm_size_GB < s->mem_footprint_GB;
        if (s->total_execution_time_ns <= 0) {
            snprintf(err, errlen, "the configuration has no work (execution time 0)");
            return 2;
        }
        return 0;
    }
    r->nphase = 2;
    r->phase[0].kind = NPU_PHASE_PREFILL;
    r->phase[1].kind = NPU_PHASE_DECODE;
    if (!nsl_inference(m, &r->phase[0].ops, &r->phase[1].ops))
        return 1;
    for (int i = 0; i < r->nphase; i++)
        if (!time_phase(r, &r->phase[i], cache))
            return 1;
    int64_t pp = m->pp, pp_dcn = m->pp_dcn, mb = m->microbatch_size_ici, L = m->input_seqlen,
            O = m->output_seqlen;
    r->num_pods = m->dp_dcn * pp_dcn;
    r->batch_size_per_pod = (m->global_batch_size + r->num_pods - 1) / r->num_pods;
    r->layers_per_pp_stage = (int64_t)ceil((double)m->num_layers / (double)(pp * pp_dcn));
    npu_stats_t *ps = &r->phase[0].stats, *ds = &r->phase[1].stats;
    trace_stats(&r->phase[0], ps);
    trace_stats(&r->phase[1], ds);
    if (ps->total_execution_time_chip_ns <= 0 || ds->total_execution_time_chip_ns <= 0) {
        snprintf(err, errlen, "the configuration has no work (execution time 0)");
        return 2;
    }
    ps->throughput_tokens_per_sec = (double)(mb * L) * 1e9 / (double)ps->total_execution_time_chip_ns;
    double pod = (double)((ps->total_execution_time_non_pp_ns + ps->total_pp_ici_time_ns) * pp);
    ps->TTFT_sec = (pod + (double)ps->total_pp_dcn_time_ns) * (double)pp_dcn / 1e9;
    double dpod = (double)((ds->total_execution_time_non_pp_ns + ds->total_pp_ici_time_ns) * pp) / (double)O;
    double dtot = (dpod + (double)ds->total_pp_dcn_time_ns / (double)O) * (double)pp_dcn;
    double stage = ceil((double)ds->total_execution_time_chip_ns / (double)O);
    ds->TPOT_ms_request = dtot / 1e6;
    ds->throughput_tokens_per_sec = (double)mb * 1e9 / stage;
    ds->throughput_tokens_per_sec_request = 1e3 / ds->TPOT_ms_request;
    ps->mem_footprint_GB = nsl_inference_mem_bytes(m, false) / 1024 / 1024 / 1024;
    ds->mem_footprint_GB = nsl_inference_mem_bytes(m, true) / 1024 / 1024 / 1024;
    ps->out_of_memory = m->hbm_size_GB < ps->mem_footprint_GB;
    ds->out_of_memory = m->hbm_size_GB < ds->mem_footprint_GB;
    return 0;
}

void npu_run_free(npu_run_t *r)
{
    for (int i = 0; i < 2; i++) {
        if (r->phase[i].ops.g)
            ns_oplist_free(&r->phase[i].ops);
        free(r->phase[i].perf);
        free(r->phase[i].detail);
        r->phase[i].perf = NULL;
        r->phase[i].detail = NULL;
    }
}
