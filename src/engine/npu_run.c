/*
 * npu_run.c -- one NPU simulation: configuration -> op lists -> per-op
 * times -> batch-driver statistics (see npu_run.h; spec §9).
 */
#include "engine/npu_run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
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

const npu_phase_t *npu_run_chip_phase(const npu_run_t *r, int64_t c)
{
    int64_t k = r->chip_rep[c];
    return k == r->straggler ? &r->phase[0] : &r->chip_phase[k];
}

/* GLIGEN (spec §5.7, §9): one list, the UNet once per diffusion step */
static int run_gligen(npu_run_t *r, npu_tile_cache_t *cache, char *err, size_t errlen)
{
    const nsl_model_t *m = &r->model;
    if (r->training) {
        snprintf(err, errlen, "training: GLIGEN has no training op list (NeuSim's neither)");
        return 2;
    }
    if (m->pp != 1 || m->pp_dcn != 1) {
        snprintf(err, errlen, "GLIGEN supports no pipeline parallelism (pipeline_parallelism_degree %lld; NeuSim "
                              "neither)", (long long)(m->pp * m->pp_dcn));
        return 2;
    }
    if (m->num_chips < m->dp * m->tp || m->dp < 1 || m->tp < 1) {
        snprintf(err, errlen, "data_parallelism_degree %lld x tensor_parallelism_degree %lld does not fit num_chips %lld",
                 (long long)m->dp, (long long)m->tp, (long long)m->num_chips);
        return 2;
    }
    if (!m->use_flash_attention) {
        snprintf(err, errlen, "GLIGEN: only the flash-attention path is modelled (use_flash_attention true)");
        return 2;
    }
    nsg_model_t g = {0};
    if (nsg_model_read(&g, npu_config_str(&r->cfg, "unet_config"), npu_config_str(&r->cfg, "grounding_input_config"),
                       err, errlen))
        return 2;
    g.batch = (m->global_batch_size + m->dp - 1) / m->dp;
    g.image_num_channels = npu_config_int(&r->cfg, "image_num_channels");
    g.num_diffusion_steps = npu_config_int(&r->cfg, "num_diffusion_steps");
    g.q5 = (m->quirks & NSL_Q5) != 0;
    g.q15 = (m->quirks & NSL_Q15) != 0;
    g.q8 = (m->quirks & NSL_Q8) != 0;
    g.tp = m->tp;
    if (g.batch < 1 || g.image_num_channels < 1 || g.num_diffusion_steps < 1) {
        snprintf(err, errlen, "global_batch_size, image_num_channels and num_diffusion_steps must be >= 1");
        return 2;
    }
    npu_phase_t *ph = &r->phase[0];
    r->nphase = 1;
    ph->kind = NPU_PHASE_PREFILL;
    if (!nsg_ops(&g, m->ici_bw_GBps, m->ici_latency_ns, &ph->ops) || !time_phase(r, ph, cache))
        return 1;
    npu_stats_t *s = &ph->stats;
    trace_stats(ph, s);
    if (s->total_execution_time_chip_ns <= 0) {
        snprintf(err, errlen, "the configuration has no work (execution time 0)");
        return 2;
    }
    r->num_pods = 1;
    r->batch_size_per_pod = m->global_batch_size;
    /* run_sim: latency over all total_num_diffusion_steps.  NeuSim multiplies the simulated
     * time, which holds num_diffusion_steps UNet passes, by all the steps (an image num_diffusion_steps
     * times too slow when it is above 1, kept in compat); the fix scales one pass to the steps */
    double steps = (double)npu_config_int(&r->cfg, "total_num_diffusion_steps");
    double chip_s = (double)s->total_execution_time_chip_ns / 1e9;
    double image_s = r->compat ? chip_s * steps : chip_s / (double)g.num_diffusion_steps * steps;
    r->throughput_requests_per_sec = (double)m->global_batch_size / image_s;
    r->latency_sec = image_s;
    r->throughput_step_per_sec_per_request = (double)g.num_diffusion_steps / chip_s;
    /* one UNet step; NeuSim divides by total_num_diffusion_steps as well, a
     * step time 40 times too small at the default 40 steps (kept in compat) */
    r->latency_step_sec = chip_s / (double)g.num_diffusion_steps / (r->compat ? steps : 1.0);
    /* NeuSim's placeholder footprint: the HBM less 1 KiB */
    s->mem_footprint_GB = (m->hbm_size_GB * 1024 * 1024 * 1024 - 1024) / 1024 / 1024 / 1024;
    s->out_of_memory = m->hbm_size_GB < s->mem_footprint_GB;
    return 0;
}

double npu_run_dlrm_requests_per_sec(const npu_run_t *r, const npu_stats_t *s)
{
    return (double)r->dlrm->global_batch_size / (double)s->total_execution_time_chip_ns * 1e9;
}

/* DLRM (spec §5.5, §9): one list per chip, the straggler's is phase 0 */
static int run_dlrm(npu_run_t *r, unsigned keep_quirks, npu_tile_cache_t *cache, char *err, size_t errlen)
{
    if (r->training) {
        snprintf(err, errlen, "training: DLRM has no training op list (NeuSim's neither)");
        return 2;
    }
    /* DLRMConfig's default is use_vu_for_small_matmul = false */
    int vi = npu_config_index("use_vu_for_small_matmul");
    if (!r->cfg.v[vi].set) {
        r->cfg.v[vi].b = false;
        r->chip.use_vu_for_small_matmul = false;
    }
    r->dlrm = malloc(sizeof *r->dlrm);
    if (!r->dlrm)
        return 1;
    if (npu_family_dlrm_model(&r->cfg, r->compat, keep_quirks, r->chip.ici_axes, r->dlrm, err, errlen))
        return 2;
    const nsr_model_t *d = r->dlrm;
    r->nchip_phase = d->num_chips;
    r->chip_phase = calloc((size_t)d->num_chips, sizeof *r->chip_phase);
    r->chip_rep = calloc((size_t)d->num_chips, sizeof *r->chip_rep);
    if (!r->chip_phase || !r->chip_rep)
        return 1;
    /* chips that hold no whole table have the same list: time the first of them */
    int64_t bare = -1;
    for (int64_t c = 0; c < d->num_chips; c++) {
        bool whole = false;
        for (int64_t i = 0; i < d->ntables && !whole; i++)
            whole = d->table[i].chip == c;
        r->chip_rep[c] = c;
        if (!whole) {
            if (bare < 0)
                bare = c;
            r->chip_rep[c] = bare;
        }
    }
    int64_t worst = -1;
    for (int64_t c = 0; c < d->num_chips; c++) {
        if (r->chip_rep[c] != c)
            continue;
        npu_phase_t *ph = &r->chip_phase[c];
        ph->kind = NPU_PHASE_PREFILL;
        if (!nsr_chip_ops(d, c, &ph->ops) || !time_phase(r, ph, cache))
            return 1;
        trace_stats(ph, &ph->stats);
        /* NeuSim picks the first chip with the largest sum of execution times */
        int64_t sum = 0;
        for (size_t i = 0; i < ns_oplist_len(&ph->ops); i++)
            sum += (int64_t)ph->perf[i].exe_time_ns;
        if (sum > worst) {
            worst = sum;
            r->straggler = c;
        }
    }
    r->phase[0] = r->chip_phase[r->straggler];
    memset(&r->chip_phase[r->straggler], 0, sizeof r->chip_phase[0]);
    r->nphase = 1;
    npu_stats_t *s = &r->phase[0].stats;
    if (s->total_execution_time_chip_ns <= 0) {
        snprintf(err, errlen, "the configuration has no work (execution time 0)");
        return 2;
    }
    r->num_pods = 1;
    r->batch_size_per_pod = d->global_batch_size;
    r->throughput_requests_per_sec = npu_run_dlrm_requests_per_sec(r, s);
    r->latency_sec = (double)s->total_execution_time_chip_ns / 1e9;
    if (d->quirks & NSR_Q11) {
        /* NeuSim's placeholder: eight chips' HBM, checked against all chips */
        s->mem_footprint_GB = (8 * d->hbm_size_GB * 1024 * 1024 * 1024 - 1024) / 1024 / 1024 / 1024;
        s->out_of_memory = (double)d->num_chips * d->hbm_size_GB < s->mem_footprint_GB;
    } else {
        /* the fullest chip: its FP32 tables (shards) and the BF16 MLP weights */
        double w = 0, most = 0;
        for (int64_t i = 0; i < d->nbottom; i++)
            w += 2.0 * (double)(d->bottom[i][0] * d->bottom[i][1]);
        for (int64_t i = 0; i < d->ntop; i++)
            w += 2.0 * (double)(d->top[i][0] * d->top[i][1]);
        for (int64_t c = 0; c < d->num_chips; c++) {
            double b = w;
            for (int64_t i = 0; i < d->ntables; i++)
                if (d->table[i].chip < 0 || d->table[i].chip == c)
                    b += 4.0 * (double)((d->table[i].rows + d->table[i].row_shards - 1) / d->table[i].row_shards) *
                         (double)d->dim;
            if (b > most)
                most = b;
        }
        s->mem_footprint_GB = most / 1024 / 1024 / 1024;
        s->out_of_memory = d->hbm_size_GB < s->mem_footprint_GB;
    }
    return 0;
}

/* Zero every field of r but its configuration (106 KB, about to be
 * overwritten or already in place). */
static void clear_but_cfg(npu_run_t *r)
{
    size_t a = offsetof(npu_run_t, cfg), b = a + sizeof r->cfg;
    memset(r, 0, a);
    memset((char *)r + b, 0, sizeof *r - b);
}

int npu_run(const npu_config_t *cfg, bool compat, unsigned keep_quirks, bool training, npu_tile_cache_t *cache, npu_run_t *r, char *err,
            size_t errlen)
{
    r->cfg = *cfg;
    return npu_run_in_place(r, compat, keep_quirks, training, cache, err, errlen);
}

int npu_run_in_place(npu_run_t *r, bool compat, unsigned keep_quirks, bool training, npu_tile_cache_t *cache,
                     char *err, size_t errlen)
{
    clear_but_cfg(r);
    r->compat = compat;
    r->training = training;
    /* NeuSim's LLMConfig: num_kv_heads = -1 means multi-head */
    if (npu_config_int(&r->cfg, "num_kv_heads") == -1)
        npu_config_set_int(&r->cfg, "num_kv_heads", npu_config_int(&r->cfg, "num_heads"));
    r->family = npu_family_of(&r->cfg);
    if (r->family == NPU_FAM_DIT) /* DiT is an LLM prefill (spec §5.6) */
        snprintf(r->cfg.v[npu_config_index("ffn_type")].s, NPU_CFG_STR_MAX, "default");
    if (r->family == NPU_FAM_LLM && strcmp(npu_config_str(&r->cfg, "model_type"), "llm") != 0) {
        snprintf(err, errlen, "model_type '%s' is not supported yet (supported: llm)",
                 npu_config_str(&r->cfg, "model_type"));
        return 2;
    }
    const char *ffn = npu_config_str(&r->cfg, "ffn_type");
    if (r->family == NPU_FAM_LLM && strcmp(ffn, "llama") != 0 && strcmp(ffn, "default") != 0) {
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
    if (r->family == NPU_FAM_DIT)
        npu_family_dit_model(&r->cfg, compat || (keep_quirks & NSL_DIT_Q13), &r->model);
    if (r->family == NPU_FAM_DLRM)
        return run_dlrm(r, keep_quirks, cache, err, errlen);
    if (r->family == NPU_FAM_GLIGEN)
        return run_gligen(r, cache, err, errlen);
    char why[256];
    if (nsl_check(&r->model, why, sizeof why)) {
        snprintf(err, errlen, "%s", why);
        return 2;
    }
    if (r->family == NPU_FAM_MOE) {
        npu_family_moe_model(&r->cfg, &r->model, keep_quirks >> NSL_MOE_SHIFT, r->chip.ici_axes, &r->moe);
        if (nsd_check(&r->moe, why, sizeof why)) {
            snprintf(err, errlen, "%s", why);
            return 2;
        }
        if (training) {
            snprintf(err, errlen, "training: DeepSeek has no training op list (NeuSim's neither)");
            return 2;
        }
    }
    if (r->family == NPU_FAM_DIT && training) {
        snprintf(err, errlen, "training: DiT has no training op list (NeuSim's neither)");
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
    if (r->family == NPU_FAM_MOE ? !nsd_inference(&r->moe, &r->phase[0].ops, &r->phase[1].ops)
                                 : !nsl_inference(m, &r->phase[0].ops, &r->phase[1].ops))
        return 1;
    if (r->family == NPU_FAM_MOE && (r->moe.quirks & NSD_Q1))
        npu_family_name_lookup(&r->phase[0].ops, &r->phase[1].ops);
    if (r->family == NPU_FAM_DIT) {
        /* one phase: the prefill list, every op once per diffusion step */
        int64_t steps = npu_config_int(&r->cfg, "num_diffusion_steps");
        for (size_t i = 0; i < ns_oplist_len(&r->phase[0].ops); i++)
            op_graph_at(r->phase[0].ops.g, i)->count *= steps;
        ns_oplist_free(&r->phase[1].ops);
        memset(&r->phase[1].ops, 0, sizeof r->phase[1].ops);
        r->nphase = 1;
        if (!time_phase(r, &r->phase[0], cache))
            return 1;
        npu_stats_t *s = &r->phase[0].stats;
        trace_stats(&r->phase[0], s);
        if (s->total_execution_time_chip_ns <= 0) {
            snprintf(err, errlen, "the configuration has no work (execution time 0)");
            return 2;
        }
        r->num_pods = m->dp_dcn * m->pp_dcn;
        r->batch_size_per_pod = (m->global_batch_size + r->num_pods - 1) / r->num_pods;
        r->layers_per_pp_stage = (int64_t)ceil((double)m->num_layers / (double)(m->pp * m->pp_dcn));
        double chip_s = (double)s->total_execution_time_chip_ns / 1e9;
        r->throughput_requests_per_sec = (double)m->global_batch_size / chip_s;
        r->latency_sec = chip_s;
        r->throughput_step_per_sec_per_request = (double)steps / chip_s;
        r->latency_step_sec = chip_s / (double)steps; /* run_sim: total_num_steps = 1 for DiT */
        s->mem_footprint_GB = nsl_inference_mem_bytes(m, false) / 1024 / 1024 / 1024;
        s->out_of_memory = m->hbm_size_GB < s->mem_footprint_GB;
        return 0;
    }
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
    ps->mem_footprint_GB = (r->family == NPU_FAM_MOE ? nsd_mem_bytes(&r->moe, false) : nsl_inference_mem_bytes(m, false)) / 1024 / 1024 / 1024;
    ds->mem_footprint_GB = (r->family == NPU_FAM_MOE ? nsd_mem_bytes(&r->moe, true) : nsl_inference_mem_bytes(m, true)) / 1024 / 1024 / 1024;
    ps->out_of_memory = m->hbm_size_GB < ps->mem_footprint_GB;
    ds->out_of_memory = m->hbm_size_GB < ds->mem_footprint_GB;
    return 0;
}

void npu_run_free(npu_run_t *r)
{
    for (int64_t c = 0; r->chip_phase && c < r->nchip_phase; c++) {
        if (r->chip_phase[c].ops.g)
            ns_oplist_free(&r->chip_phase[c].ops);
        free(r->chip_phase[c].perf);
        free(r->chip_phase[c].detail);
    }
    free(r->chip_phase);
    free(r->chip_rep);
    free(r->dlrm);
    r->chip_rep = NULL;
    r->chip_phase = NULL;
    r->dlrm = NULL;
    for (int i = 0; i < 2; i++) {
        if (r->phase[i].ops.g)
            ns_oplist_free(&r->phase[i].ops);
        free(r->phase[i].perf);
        free(r->phase[i].detail);
        r->phase[i].perf = NULL;
        r->phase[i].detail = NULL;
    }
}
