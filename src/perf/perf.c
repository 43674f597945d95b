/*
 * perf.c -- one (system, mapping, batch) evaluation: the micro-batch pass
 * (six matmuls per layer, attention and FFN communication, stage-to-stage
 * hand-off), the pipeline schedules of prefill and generate, throughput,
 * utilization, core energy and power, server TCO and TCO per token, the
 * bottleneck, and the latency and TCO breakdowns of the model CSV.
 *
 * Every formula keeps the reference's evaluation order so that the results
 * match it bit for bit.
 */
#include <math.h>
#include <string.h>

#include "hw/tco.h"
#include "config/numfmt.h"
#include "perf/perf.h"
#include "perf/perf_model.h"
#include "perf/system.h"

/* ---- micro-batch pass --------------------------------------------------- */

stage_links_t perf_stage_links(const system_t *sys, double p)
{
    const server_t *srv = sys->srv;
    stage_links_t l;
    double t_srv = sys->num_servers / p;
    if (t_srv > 1) {
        l.links[0] = &srv->io;
        l.links[1] = &srv->package->io;
        l.nlinks = 2;
        l.stage2stage_bw = srv->io.bandwidth;
    } else {
        l.links[0] = &srv->package->io;
        l.links[1] = NULL;
        l.nlinks = 1;
        l.stage2stage_bw = t_srv == 1 ? srv->io.bandwidth : srv->package->io.bandwidth;
    }
    return l;
}

/* Context the attention of one token attends to: the prompt for prefill;
 * for generate the prompt plus half the output, fractional. */
static double attention_ctx(const system_t *sys, perf_stage_t stage)
{
    if (stage == STAGE_PREFILL)
        return sys->prefill_len;
    return sys->prefill_len + sys->generate_len / 2; /* quirk: non-integer decode context */
}

/* Attention-output communication from the all-reduce and the all-to-all. */
static double atten_output_comm(attn_comm_t kind, double all_reduce, double all_to_all)
{
    switch (kind) {
    case ATTN_COMM_PALM: return 2 * all_to_all;
    case ATTN_COMM_LLAMA: return all_reduce + 2 * all_to_all;
    default: return all_reduce;
    }
}

/* Per-layer matmuls of one micro-batch, split by tensor size t. */
static void micro_batch_matmuls(const system_t *sys, perf_stage_t stage, double t,
                                double micro_batch, double activation_row, micro_batch_t *o)
{
    const model_t *m = &sys->model;
    matmul_chip_t c = {sys->srv->package->chip, sys->compute_perf_efficiency};
    matmul_fn mm = sys->dataflow->latency;
    double wbw = sys->weight_bw_per_chip, kvbw = sys->kv_bw_per_chip;
    double d_atten = m->d_head * m->num_heads;
    double atten_cols = ceil(d_atten / t); /* quirk: shapes use ceil(d_atten / t) */
    double ff_cols = ceil(m->d_ff / t);
    double pl = sys->prefill_len, ctx = attention_ctx(sys, stage);

    o->atten_qkv = mm(&c, 1, activation_row, m->d, ceil(3 * d_atten / t), wbw);
    if (stage == STAGE_PREFILL) {
        o->atten_matmul1 = mm(&c, micro_batch, pl, atten_cols, pl, kvbw);
        o->atten_matmul2 = mm(&c, micro_batch, pl, pl, atten_cols, kvbw);
    } else {
        o->atten_matmul1 = mm(&c, micro_batch, 1, atten_cols, ctx, kvbw);
        o->atten_matmul2 = mm(&c, micro_batch, 1, ctx, atten_cols, kvbw);
    }
    o->atten_fc = mm(&c, 1, activation_row, atten_cols, m->d, wbw);
    o->fc1 = mm(&c, m->gated ? 2 : 1, activation_row, m->d, ff_cols, wbw);
    o->fc2 = mm(&c, 1, activation_row, ff_cols, m->d, wbw);
}

/* Per-layer collectives and the stage-to-stage hand-off. */
static void micro_batch_comms(const system_t *sys, perf_stage_t stage, double t, double p,
                              double activation_row, micro_batch_t *o)
{
    const model_t *m = &sys->model;
    double data_bytes = m->bytes_per_number;
    double eff = sys->io_bandwidth_efficiency;
    double activation_size = activation_row * m->d;
    stage_links_t l = perf_stage_links(sys, p);
    const allreduce_algo_t *ar = sys->allreduce;

    o->stage2stage = activation_size * data_bytes / (l.stage2stage_bw * eff) +
                     sys->srv->io.init_time_s;
    allreduce_link_t link = allreduce_link(l.links, l.nlinks, eff);
    o->atten_communication1 = 0.0;
    if (t > m->num_heads) {
        double chips_per_head = trunc(t / m->num_heads);
        o->atten_communication1 =
            allreduce_time(ar, chips_per_head, attention_ctx(sys, stage) * data_bytes, &link);
    }
    double all_to_all = allreduce_time(ar, t, m->d * data_bytes, &link) / 2;
    double all_reduce = allreduce_time(ar, t, activation_row * m->d * data_bytes, &link);
    o->atten_communication2 = atten_output_comm(m->attn_comm, all_reduce, all_to_all);
    o->fc_communication = allreduce_time(ar, t, activation_size * data_bytes, &link);
}

/* Pipeline totals of the pass (MicroBatchLatency). */
static void micro_batch_totals(const system_t *sys, double p, micro_batch_t *o)
{
    double layer_compute = o->atten_qkv.time + o->atten_matmul1.time + o->atten_matmul2.time +
                           o->atten_fc.time + o->fc1.time + o->fc2.time;
    double layer_communication =
        o->atten_communication1 + o->atten_communication2 + o->fc_communication;
    double layers_per_stage = ceil(sys->model.num_layers / p);
    o->pipeline_stage = (layer_compute + layer_communication) * layers_per_stage + o->stage2stage;
    o->total = o->pipeline_stage * p;
    o->compute = layer_compute * layers_per_stage * p;
    o->communication = o->total - o->compute;
}

static const matmul_lat_t *micro_batch_op(const micro_batch_t *o, int i)
{
    const matmul_lat_t *ops[6] = {&o->atten_qkv, &o->atten_matmul1, &o->atten_matmul2,
                                  &o->atten_fc,  &o->fc1,           &o->fc2};
    return ops[i];
}

/* Compute, Memory or Interconnect when one strictly dominates, else "". */
const char *perf_micro_batch_bottleneck(const system_t *sys, const micro_batch_t *o)
{
    double t_io = o->communication, t_mem = 0, t_comp = 0;
    for (int i = 0; i < 6; i++) {
        const matmul_lat_t *mm = micro_batch_op(o, i);
        if (mm->block_ldst_time > mm->block_comp_time)
            t_mem += mm->block_ldst_time * sys->model.num_layers;
        else
            t_comp += mm->block_comp_time * sys->model.num_layers;
    }
    if (t_io > t_mem && t_io > t_comp)
        return "Interconnect";
    if (t_mem > t_io && t_mem > t_comp)
        return "Memory";
    if (t_comp > t_io && t_comp > t_mem)
        return "Compute";
    return "";
}

/* Shares of interconnect, compute and memory time (get_latency_breakdown). */
void perf_micro_batch_breakdown(micro_batch_t *o)
{
    double layer_compute = 0, layer_mem = 0;
    for (int i = 0; i < 6; i++) {
        const matmul_lat_t *mm = micro_batch_op(o, i);
        if (mm->block_ldst_time > mm->block_comp_time)
            layer_mem += mm->block_ldst_time;
        else
            layer_compute += mm->block_comp_time;
    }
    o->io_ratio = o->communication / o->total;
    o->mem_ratio = (1 - o->io_ratio) * layer_mem / (layer_compute + layer_mem);
    o->compute_ratio = (1 - o->io_ratio) * layer_compute / (layer_compute + layer_mem);
}

/* pJ per byte of the memory holding weights and KV cache: HBM, else 3D
 * memory, else on-chip SRAM. */
static double weight_mem_pj_per_byte(const system_t *sys)
{
    const package_t *pkg = sys->srv->package;
    if (pkg->num_hbm_stacks > 0)
        return pkg->hbm.pj_per_byte;
    if (pkg->chip->mem_3d_vaults > 0)
        return pkg->mem_3d.pj_per_byte;
    return sys->hc->energy.sram_wgt;
}

static double link_pj_per_byte(const system_t *sys)
{
    const chip_t *chip = sys->srv->package->chip;
    return chip->chip2chip_io.present ? chip->chip2chip_io.pj_per_byte
                                      : chip->pkg2pkg_io.pj_per_byte;
}

/* Core energy (pJ) of one micro-batch pass: weights, KV cache and
 * activations read once, every FMA, two all-reduces per layer. */
void perf_micro_batch_energy(const system_t *sys, perf_stage_t stage, double t,
                               double micro_batch, micro_batch_t *o)
{
    const energy_constants_t *k = &sys->hc->energy;
    const model_t *m = &sys->model;
    double d = m->d, n_layers = m->num_layers, bytes_per_word = m->bytes_per_number;
    double mem_pj = weight_mem_pj_per_byte(sys);
    double tokens = stage == STAGE_PREFILL ? sys->prefill_len : 1;

    double num_weights_per_layer = 12 * d * d; /* quirk: 12 d^2 whatever GQA and d_ff */
    double num_weights_total = n_layers * num_weights_per_layer;
    double weight_mem_energy = num_weights_total * bytes_per_word * mem_pj;

    double acts_fc = 7 * d * tokens * micro_batch;
    double acts_matmul = 2 * d * tokens * micro_batch;
    double num_acts_total = n_layers * (acts_fc + acts_matmul);
    double num_kvcache_total = n_layers * (2 * d * attention_ctx(sys, stage));
    double gemm_fma_energy = num_weights_total * tokens * micro_batch * k->fma_fp16;
    double matmul_fma_energy = num_kvcache_total * tokens * micro_batch * k->fma_fp16;
    double num_allreduce_total = n_layers * (2 * d * tokens * micro_batch * t);

    double acts_energy = num_acts_total * bytes_per_word * k->sram_act;
    double kvcache_energy = num_kvcache_total * bytes_per_word * mem_pj;
    o->mem_pj = weight_mem_energy + acts_energy + kvcache_energy;
    o->fma_pj = gemm_fma_energy + matmul_fma_energy;
    o->comm_pj = num_allreduce_total * bytes_per_word * link_pj_per_byte(sys);
}

/* A pass's fields only reports read, left for perf_micro_batch_finish. */
static void micro_batch_unfinished(micro_batch_t *out)
{
    out->bottleneck = NULL;
    out->io_ratio = out->compute_ratio = out->mem_ratio = NAN;
}

void perf_micro_batch_times(const system_t *sys, perf_stage_t stage, double t, double p,
                            double micro_batch, micro_batch_t *out)
{
    const perf_model_t *pm = sys->perf_model ? sys->perf_model : &perf_models[0];
    pm->micro_batch(sys, stage, t, p, micro_batch, out);
    micro_batch_unfinished(out);
}

void perf_micro_batch_times_at(const system_t *sys, const void *stage_size, perf_stage_t stage,
                               double micro_batch, micro_batch_t *out)
{
    sys->perf_model->micro_batch_at(sys, stage_size, stage, micro_batch, out);
    micro_batch_unfinished(out);
}

void perf_micro_batch_finish(const system_t *sys, micro_batch_t *o)
{
    o->bottleneck = perf_micro_batch_bottleneck(sys, o);
    perf_micro_batch_breakdown(o);
}

void perf_micro_batch(const system_t *sys, perf_stage_t stage, double t, double p,
                      double micro_batch, micro_batch_t *out)
{
    perf_micro_batch_times(sys, stage, t, p, micro_batch, out);
    perf_micro_batch_finish(sys, out);
}

void perf_micro_batch_reference(const system_t *sys, perf_stage_t stage, double t, double p,
                                double micro_batch, micro_batch_t *out)
{
    out->nonmatmul = 0;
    out->overhead = 0;
    out->lm_head = 0;
    out->layout = 0;
    out->kv_batch_sharded = 0;
    double activation_row =
        stage == STAGE_PREFILL ? sys->prefill_len * micro_batch : micro_batch;
    micro_batch_matmuls(sys, stage, t, micro_batch, activation_row, out);
    micro_batch_comms(sys, stage, t, p, activation_row, out);
    micro_batch_totals(sys, p, out);
    perf_micro_batch_energy(sys, stage, t, micro_batch, out);
}

/* ---- stages ------------------------------------------------------------- */

static perf_energy_t energy_of(const micro_batch_t *mb, double num_iters)
{
    perf_energy_t e;
    e.fma = mb->fma_pj * num_iters / 1e12;
    e.mem = mb->mem_pj * num_iters / 1e12;
    e.comm = mb->comm_pj * num_iters / 1e12;
    e.total = e.fma + e.mem + e.comm;
    return e;
}

/* Prefill: the first micro-batch crosses every stage, the others follow one
 * stage apart. */
static void prefill_eval(const system_t *sys, const perf_mapping_t *map, double batch,
                         const micro_batch_t *mb, perf_t *o)
{
    double num_iters = batch / map->prefill_micro_batch;
    /* quirk: floating-point count of extra micro-batches */
    o->prefill_latency = mb->total + (num_iters - 1) * mb->pipeline_stage;
    o->prefill_throughput = batch * sys->prefill_len / o->prefill_latency;
    double sys_peak_flops = sys->perf * o->prefill_latency;
    o->prefill_utilization = sys->prefill_flops * batch / sys_peak_flops;
    o->prefill_energy = energy_of(mb, num_iters);
    o->prefill_power = o->prefill_energy.total / o->prefill_latency + sys->other_tdp;
    o->prefill_bottleneck = mb->bottleneck;
}

/* Generate: a token of a micro-batch needs its previous token done, and the
 * first stage must have passed every micro-batch. */
static void generate_eval(const system_t *sys, const perf_mapping_t *map, double batch,
                          const micro_batch_t *mb, perf_t *o)
{
    double avg_token_latency =
        py_max(mb->total, mb->pipeline_stage * (batch / map->micro_batch));
    o->generate_latency = mb->total + (sys->generate_len - 1) * avg_token_latency;
    o->generate_throughput = 1 / avg_token_latency * batch;
    o->generate_utilization = o->generate_throughput * sys->generate_flops / sys->perf;
    o->generate_energy = energy_of(mb, batch / map->micro_batch * sys->generate_len);
    o->generate_power = o->generate_energy.total / o->generate_latency + sys->other_tdp;
    o->generate_bottleneck = mb->bottleneck;
}

/* The server's TDP for its TCO: the latency-weighted utilization (or, with
 * the energy model, power) of both stages, from the prefill fields of pre
 * and the generate fields of gen; *both_s is the latency of one inference. */
static double tco_server_tdp_w(const system_t *sys, const perf_t *pre, const perf_t *gen, double *both_s)
{
    double both = pre->prefill_latency + gen->generate_latency;
    double prefill_ratio = pre->prefill_latency / both;
    double generate_ratio = gen->generate_latency / both;
    double utilization =
        gen->generate_utilization * generate_ratio + pre->prefill_utilization * prefill_ratio;
    double srv_power = (gen->generate_power * generate_ratio + pre->prefill_power * prefill_ratio) /
                       sys->num_servers;
    *both_s = both;
    return sys->energy_model ? srv_power : sys->srv->tdp * utilization;
}

/* The system's TCO (USD) spread over one inference of `batch` requests, at
 * the server TDP of pre's prefill and gen's generate stage (tco_server_tdp_w);
 * the server's TCO in *t: hw_tco_eval_with(tdp, sys->srv->cost), its server
 * part computed once per system. */
static double tco_per_inference_usd(const system_t *sys, double batch, const perf_t *pre, const perf_t *gen,
                                    tco_t *t)
{
    const hw_constants_t *hc = sys->hc;
    double both, tdp = tco_server_tdp_w(sys, pre, gen, &both);
    *t = sys->srv_tco_server_part;
    hw_tco_add_power(&hc->tco, &sys->tco_factors, tdp, hc->server.SrvLife, t);
    double inference_throughput = batch / both;
    double srv_life_sec = hc->server.SrvLife * 365 * 24 * 3600;
    double tco_per_sec = t->total * sys->num_servers / srv_life_sec;
    return tco_per_sec / inference_throughput;
}

/* One inference's TCO per prefill and per generated token. */
static void tco_per_token_usd(const system_t *sys, double batch, double tco_per_inference, double *prefill,
                              double *generate)
{
    *prefill = tco_per_inference / (batch * sys->prefill_len);
    *generate = tco_per_inference / (batch * sys->generate_len);
}

/* Server TCO at the latency-weighted power of both stages, spread over the
 * tokens of one inference. */
static void tco_eval(const system_t *sys, double batch, perf_t *o)
{
    double tco_per_inference = tco_per_inference_usd(sys, batch, o, o, &o->srv_tco);
    tco_per_token_usd(sys, batch, tco_per_inference, &o->prefill_tco_per_token, &o->generate_tco_per_token);
    /* get_tco_breakdown */
    o->tco_per_Mtoken = o->generate_tco_per_token * 1e6;
    o->capex = o->srv_tco.fix_part * sys->num_servers;
    o->opex = o->srv_tco.power_part * sys->num_servers;
}

double perf_tco_per_token(const system_t *sys, double batch, const perf_t *pre, const perf_t *gen,
                          double not_below_usd, double *prefill_tco_per_token, double *generate_tco_per_token)
{
    tco_t t;
    double tco_per_inference = tco_per_inference_usd(sys, batch, pre, gen, &t);
    if (tco_per_inference >= not_below_usd)
        *prefill_tco_per_token = *generate_tco_per_token = INFINITY;
    else
        tco_per_token_usd(sys, batch, tco_per_inference, prefill_tco_per_token, generate_tco_per_token);
    return tco_per_inference;
}

void perf_tco_estimate_init(const system_t *sys, double batch, perf_tco_estimate_t *e)
{
    double life_s = sys->hc->server.SrvLife * 365 * 24 * 3600;
    const tco_t *per_w = &sys->srv_tco_per_w;
    double fix = sys->srv_tco_server_part.fix_part;
    double unit_w = sys->energy_model ? 1 / sys->num_servers : sys->srv->tdp;
    double scale = sys->num_servers / (life_s * batch);
    e->energy_model = sys->energy_model;
    e->fix_usd_per_s = fix * scale;
    e->power_usd_per_s = per_w->power_part * scale * unit_w;
    /* every part non-negative, so the sums cancel nothing */
    e->usable = per_w->dc_amortization >= 0 && per_w->dc_interest >= 0 && per_w->dc_opex >= 0 &&
                per_w->srv_power >= 0 && per_w->pue_overhead >= 0 && fix >= 0 && unit_w >= 0 &&
                scale > 0 && isfinite(e->fix_usd_per_s) && isfinite(e->power_usd_per_s);
}

/* Interconnect / compute / memory time of each stage (get_latency_breakdown),
 * from the mapping's own passes. */
static void breakdown_eval(const micro_batch_t *prefill, const micro_batch_t *generate,
                           perf_t *o)
{
    o->prefill_io_sec = prefill->io_ratio * o->prefill_latency;
    o->prefill_compute_sec = prefill->compute_ratio * o->prefill_latency;
    o->prefill_mem_sec = prefill->mem_ratio * o->prefill_latency;
    o->generate_io_sec = generate->io_ratio * o->generate_latency;
    o->generate_compute_sec = generate->compute_ratio * o->generate_latency;
    o->generate_mem_sec = generate->mem_ratio * o->generate_latency;
}

void perf_eval_metrics(const system_t *sys, const perf_mapping_t *map, double batch,
                       const micro_batch_t *prefill, const micro_batch_t *generate,
                       perf_t *out)
{
    out->map = *map;
    out->batch = batch;
    prefill_eval(sys, map, batch, prefill, out);
    generate_eval(sys, map, batch, generate, out);
    tco_eval(sys, batch, out);
    breakdown_eval(prefill, generate, out);
}

void perf_eval_prefill(const system_t *sys, const perf_mapping_t *map, double batch,
                       const micro_batch_t *prefill, perf_t *out)
{
    prefill_eval(sys, map, batch, prefill, out);
}

void perf_eval_generate(const system_t *sys, const perf_mapping_t *map, double batch,
                        const micro_batch_t *generate, perf_t *out)
{
    generate_eval(sys, map, batch, generate, out);
}

void perf_eval(const system_t *sys, const perf_mapping_t *map, double batch,
               const micro_batch_t *prefill, const micro_batch_t *generate, perf_t *out)
{
    perf_eval_metrics(sys, map, batch, prefill, generate, out);
    out->prefill_mb = *prefill;
    out->generate_mb = *generate;
}

void perf_eval_mapping(const system_t *sys, const perf_mapping_t *map, double batch,
                       perf_t *out)
{
    micro_batch_t prefill, generate;
    perf_micro_batch(sys, STAGE_PREFILL, map->t, map->p, map->prefill_micro_batch, &prefill);
    perf_micro_batch(sys, STAGE_GENERATE, map->t, map->p, map->micro_batch, &generate);
    perf_eval(sys, map, batch, &prefill, &generate, out);
}

void perf_eval_dynamic_metrics(const system_t *sys, const perf_mapping_t *map, double batch,
                               const micro_batch_t *prefill, const micro_batch_t *generate,
                               const system_t *sub, const perf_mapping_t *sub_map,
                               double sub_batch, const micro_batch_t *sub_prefill,
                               double num_sub_sys, perf_t *out)
{
    perf_t s;
    prefill_eval(sub, sub_map, sub_batch, sub_prefill, &s);
    out->map = *map;
    out->batch = batch;
    out->prefill_latency = s.prefill_latency;
    out->prefill_throughput = s.prefill_throughput * num_sub_sys;
    out->prefill_utilization = s.prefill_utilization;
    out->prefill_energy.fma = s.prefill_energy.fma * num_sub_sys;
    out->prefill_energy.mem = s.prefill_energy.mem * num_sub_sys;
    out->prefill_energy.comm = s.prefill_energy.comm * num_sub_sys;
    out->prefill_energy.total =
        out->prefill_energy.fma + out->prefill_energy.mem + out->prefill_energy.comm;
    out->prefill_power = s.prefill_power * num_sub_sys;
    out->prefill_bottleneck = s.prefill_bottleneck;
    generate_eval(sys, map, batch, generate, out);
    tco_eval(sys, batch, out);
    breakdown_eval(prefill, generate, out);
}

void perf_eval_dynamic(const system_t *sys, const perf_mapping_t *map, double batch,
                       const micro_batch_t *prefill, const micro_batch_t *generate,
                       const system_t *sub, const perf_mapping_t *sub_map, double sub_batch,
                       const micro_batch_t *sub_prefill, double num_sub_sys, perf_t *out)
{
    perf_eval_dynamic_metrics(sys, map, batch, prefill, generate, sub, sub_map, sub_batch,
                              sub_prefill, num_sub_sys, out);
    out->prefill_mb = *prefill;
    out->generate_mb = *generate;
}
