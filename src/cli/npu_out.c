/*
 * npu_out.c -- NeuSim-compatible per-op CSV and statistics JSON of
 * `hwsweep npu` (see npu_out.h; spec §7, §9).
 */
#include "cli/npu_out.h"

#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "config/numfmt.h"
#include "config/strfmt.h"
#include "npu/npu_dvfs.h"

const char *const npu_csv_columns[] = {
    "Fusion index", "Description", "Config", "Name", "OpType", "Count", "Bounded-by", "Execution time",
    "Compute time", "Memory time", "ICI/NVLink time", "ICI/NVLink outbound traffic", "ICI/NVLink inbound traffic",
    "Aggregated DCN time", "DCN 0 time", "PCIe time", "Temporary memory size", "Persistent memory size",
    "MXU time", "VPU time", "Transpose time", "Permute time", "Bytes accessed", "Input Tensor Shapes",
    "Output Tensor Shapes", "FLOP Count", "Op Name", "Op Code", "Weight Size", "Output Shape", "parsed_op_type",
    "dim_labels", "tile_shapes", "num_tiles", "max_vmem_demand_bytes", "num_mxu_ops", "einsum_B_size",
    "einsum_M_size", "einsum_N_size", "einsum_K_size", "vu_softmax_time_ns", "Compute Time (ns)",
    "Bytes Accessed", "DVFS SA Policy", "DVFS SA Voltage (V)", "DVFS SA Frequency (GHz)", "DVFS VU Policy",
    "DVFS VU Voltage (V)", "DVFS VU Frequency (GHz)", "DVFS SRAM Policy", "DVFS SRAM Voltage (V)",
    "DVFS SRAM Frequency (GHz)", "DVFS HBM Policy", "DVFS HBM Voltage (V)", "DVFS HBM Frequency (GHz)",
    "DVFS ICI Policy", "DVFS ICI Voltage (V)", "DVFS ICI Frequency (GHz)", "Vmem time", "static_energy_sa_J",
    "static_energy_vu_J", "static_energy_sram_J", "static_energy_hbm_J", "static_energy_ici_J",
    "static_energy_other_J", "dynamic_energy_sa_J", "dynamic_energy_vu_J", "dynamic_energy_sram_J",
    "dynamic_energy_hbm_J", "dynamic_energy_ici_J", "dynamic_energy_other_J", "static_energy_J",
    "dynamic_energy_J", "total_energy_J", "static_power_W", "dynamic_power_W", "total_power_W", "num_setpm_sa",
    "num_setpm_vu", "num_setpm_sram", "num_setpm_hbm", "num_setpm_ici", "tflops_per_sec", "hbm_bw_GBps",
    "flops_util", "hbm_bw_util", "DVFS SA Scaling Time (ns)", "DVFS SA Power Efficiency (%)",
    "DVFS VU Scaling Time (ns)", "DVFS VU Power Efficiency (%)", "DVFS SRAM Scaling Time (ns)",
    "DVFS SRAM Power Efficiency (%)", "DVFS HBM Scaling Time (ns)", "DVFS HBM Power Efficiency (%)",
    "DVFS ICI Scaling Time (ns)", "DVFS ICI Power Efficiency (%)", "DVFS SA Activity Factor",
    "DVFS VU Activity Factor", "DVFS SRAM Activity Factor", "DVFS HBM Activity Factor", "DVFS ICI Activity Factor",
};
const int npu_csv_ncolumns = (int)(sizeof npu_csv_columns / sizeof npu_csv_columns[0]);

/* The rows are built in memory (a growing buffer, one copy of each field)
 * and handed to stdio in one write: the per-op CSV is about 100 fields a
 * row, and per-character stdio calls were most of writing it. */
typedef struct {
    char *p;
    size_t n, cap;
    bool bad; /* out of memory */
} cbuf_t;

static bool cb_grow(cbuf_t *b, size_t need)
{
    size_t nc = b->cap ? b->cap : 65536; /* a phase of llama3-8b: about 16 KB */
    while (nc < b->n + need)
        nc *= 2;
    char *np = realloc(b->p, nc);
    if (!np) {
        b->bad = true;
        return false;
    }
    b->p = np;
    b->cap = nc;
    return true;
}

static inline bool cb_room(cbuf_t *b, size_t need)
{
    return b->n + need <= b->cap || cb_grow(b, need);
}

static inline void cb_put(cbuf_t *b, const char *s, size_t n)
{
    if (cb_room(b, n)) {
        memcpy(b->p + b->n, s, n);
        b->n += n;
    }
}

static inline void cb_c(cbuf_t *b, char c)
{
    if (cb_room(b, 1))
        b->p[b->n++] = c;
}

/* one field, csv.QUOTE_MINIMAL */
static void field(cbuf_t *b, const char *s, bool first)
{
    if (!first)
        cb_c(b, ',');
    size_t n = strcspn(s, ",\"\r\n");
    if (!s[n]) {
        cb_put(b, s, n);
        return;
    }
    cb_c(b, '"');
    for (;;) { /* runs up to each '"', which is doubled */
        const char *q = strchr(s, '"');
        size_t run = q ? (size_t)(q - s) + 1 : strlen(s);
        cb_put(b, s, run);
        if (!q)
            break;
        cb_c(b, '"');
        s = q + 1;
    }
    cb_c(b, '"');
}

/* an integer field (most of a row): digits by hand, two at a time, no quoting needed */
static void fint(cbuf_t *b, double v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    if (!cb_room(b, 24))
        return;
    long long x = (long long)v;
    unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
    char *d = b->p + b->n;
    *d++ = ',';
    if (x < 0)
        *d++ = '-';
    int nd = 1; /* digits, written from the last one back */
    for (unsigned long long t = u; t >= 10; t /= 10)
        nd++;
    char *e = d + nd;
    b->n = (size_t)(e - b->p);
    while (u >= 100) {
        unsigned k = (unsigned)(u % 100) * 2;
        u /= 100;
        *--e = pairs[k + 1];
        *--e = pairs[k];
    }
    if (u >= 10) {
        *--e = pairs[u * 2 + 1];
        *--e = pairs[u * 2];
    } else {
        *--e = (char)('0' + u);
    }
}

/* constant runs of a perf-only row (no energy pass): NeuSim's defaults */
#define PUT_CONST(b, s) cb_put(b, s, sizeof s - 1)
static const char dvfs_none[] = ",None,0.0,0.0,None,0.0,0.0,None,0.0,0.0,None,0.0,0.0,None,0.0,0.0";
static const char energy_zero[] = ",0,0,0,0,0,0,0,0,0,0,0,0,0,0,0";
static const char dvfs_tail_none[] = ",20,100.0,20,100.0,20,100.0,20,100.0,20,100.0";
static const char activity_one[] = ",1.0,1.0,1.0,1.0,1.0\r\n";

/* The rows of a phase repeat numbers (equal ops, the DVFS defaults): each
 * is formatted once per writer call. */
typedef struct {
    uint64_t bits[64];
    char text[64][32];
    unsigned char len[64];
    bool used[64];
} memo_t;

static void ffloat(cbuf_t *b, double v, memo_t *m)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    size_t h = (size_t)((bits * 0x9E3779B97F4A7C15ULL) >> 58);
    if (!m->used[h] || m->bits[h] != bits) {
        num_repr(m->text[h], sizeof m->text[h], v);
        m->len[h] = (unsigned char)strlen(m->text[h]);
        m->bits[h] = bits;
        m->used[h] = true;
    }
    /* Python's float repr has no comma or quote */
    if (cb_room(b, 1 + (size_t)m->len[h])) {
        b->p[b->n++] = ',';
        memcpy(b->p + b->n, m->text[h], m->len[h]);
        b->n += m->len[h];
    }
}

static void fstr(cbuf_t *b, const char *s) { field(b, s ? s : "", false); }

static void row(cbuf_t *f, const npu_phase_t *ph, size_t i, memo_t *m)
{
    const op_t *op = op_graph_get(ph->ops.g, i);
    const ns_label_t *lab = &ph->ops.lab[i];
    const npu_op_perf_t *p = &ph->perf[i];
    const npu_op_detail_t *d = &ph->detail[i];
    char b[24];
    b[str_i64(b, lab->fusion_id)] = 0;
    field(f, b, true);
    fstr(f, lab->description);
    fstr(f, lab->config);
    fstr(f, op->name);
    fstr(f, ns_optype_name(lab->op_type));
    fint(f, (double)op->count);
    fstr(f, npu_bound_name(p->bound));
    fint(f, p->exe_time_ns);
    fint(f, p->compute_time_ns);
    fint(f, p->memory_time_ns);
    fint(f, p->ici_time_ns);
    fint(f, p->ici_out_bytes);
    fint(f, p->ici_in_bytes);
    fint(f, 0);
    fint(f, 0);
    fint(f, p->pcie_time_ns);
    fint(f, 0);
    fint(f, 0);
    fint(f, p->mxu_time_ns);
    fint(f, p->vpu_time_ns);
    fint(f, 0);
    fint(f, 0);
    fint(f, p->bytes);
    fstr(f, lab->in_shapes);
    fstr(f, lab->out_shapes);
    fint(f, op->flops);
    fstr(f, op->name);
    fstr(f, op->opcode);
    fint(f, op->weight_bytes);
    fstr(f, "[]");
    fstr(f, lab->parsed_type);
    /* dim_labels: the einsum with ',' between the operands */
    char dl[64] = "";
    if (op->kind == OPK_MATMUL && op->einsum) {
        snprintf(dl, sizeof dl, "%s", op->einsum);
        char *semi = strchr(dl, ';');
        if (semi)
            *semi = ',';
    } else if (op->kind == OPK_CONV && op->einsum) {
        snprintf(dl, sizeof dl, "%s", op->einsum); /* NeuSim keeps the ';' for convolutions */
    }
    fstr(f, dl);
    fstr(f, d->tile_shapes);
    if (d->num_tiles >= 0)
        fint(f, (double)d->num_tiles);
    else
        fstr(f, "");
    if (d->has_vmem_demand)
        fint(f, p->max_vmem_demand_bytes);
    else
        fstr(f, "");
    fint(f, p->num_mxu_ops);
    if (d->has_einsum_sizes) {
        fint(f, (double)d->einsum_B);
        fint(f, (double)d->einsum_M);
        fint(f, (double)d->einsum_N);
        fint(f, (double)d->einsum_K);
    } else {
        for (int k = 0; k < 4; k++)
            fstr(f, "");
    }
    fint(f, d->vu_softmax_time_ns);
    fint(f, p->compute_time_ns);
    fint(f, p->bytes);
    if (!p->energy_done)
        PUT_CONST(f, dvfs_none);
    for (int c = 0; c < 5 && p->energy_done; c++) {
        fstr(f, npu_dvfs_policy_name((npu_dvfs_policy_t)p->dvfs_policy));
        ffloat(f, p->dvfs_voltage_V[c], m);
        ffloat(f, p->dvfs_freq_GHz[c], m);
    }
    fint(f, p->vmem_time_ns);
    const double en[] = {p->static_energy_sa_J,  p->static_energy_vu_J,  p->static_energy_sram_J,
                         p->static_energy_hbm_J, p->static_energy_ici_J, p->static_energy_other_J,
                         p->dynamic_energy_sa_J, p->dynamic_energy_vu_J, p->dynamic_energy_sram_J,
                         p->dynamic_energy_hbm_J, p->dynamic_energy_ici_J, p->dynamic_energy_other_J,
                         p->static_energy_J,     p->dynamic_energy_J,    p->total_energy_J};
    if (!p->energy_done)
        PUT_CONST(f, energy_zero); /* perf-only: NeuSim's integer defaults */
    for (size_t k = 0; k < sizeof en / sizeof en[0] && p->energy_done; k++)
        ffloat(f, en[k], m);
    if (p->exe_time_ns == 0) {
        fint(f, -1);
        fint(f, -1);
        fint(f, -1);
    } else if (p->energy_done) {
        ffloat(f, p->static_power_W, m);
        ffloat(f, p->dynamic_power_W, m);
        ffloat(f, p->total_power_W, m);
    } else {
        ffloat(f, 0.0, m);
        ffloat(f, 0.0, m);
        ffloat(f, 0.0, m);
    }
    const double pm[] = {p->num_setpm_sa, p->num_setpm_vu, p->num_setpm_sram, p->num_setpm_hbm, p->num_setpm_ici};
    for (int k = 0; k < 5; k++)
        fint(f, pm[k]);
    if (p->exe_time_ns == 0) {
        fint(f, 0);
        fint(f, 0);
    } else {
        ffloat(f, p->tflops_per_sec, m);
        ffloat(f, p->hbm_bw_GBps, m);
    }
    ffloat(f, p->flops_util, m);
    ffloat(f, p->hbm_bw_util, m);
    if (!p->energy_done)
        PUT_CONST(f, dvfs_tail_none);
    for (int c = 0; c < 5 && p->energy_done; c++) {
        fint(f, p->dvfs_scaling_time_ns[c]);
        ffloat(f, p->dvfs_efficiency_pct[c], m);
    }
    PUT_CONST(f, activity_one);
}

void npu_csv_header(FILE *f)
{
    cbuf_t b = {0};
    for (int c = 0; c < npu_csv_ncolumns; c++)
        field(&b, npu_csv_columns[c], c == 0);
    cb_put(&b, "\r\n", 2);
    if (!b.bad)
        fwrite(b.p, 1, b.n, f);
    free(b.p);
}

/* the rows of ph appended to b */
static void rows_into(cbuf_t *b, const npu_phase_t *ph, memo_t *memo)
{
    for (size_t i = 0; i < ns_oplist_len(&ph->ops); i++)
        row(b, ph, i, memo);
}

char *npu_csv_rows(const npu_phase_t *ph, size_t *len)
{
    cbuf_t b = {0};
    memo_t *memo = calloc(1, sizeof *memo);
    if (!memo)
        return NULL;
    rows_into(&b, ph, memo);
    free(memo);
    if (b.bad || !cb_room(&b, 1)) {
        free(b.p);
        return NULL;
    }
    b.p[b.n] = 0; /* open_memstream's NUL, kept for callers that read it as a string */
    *len = b.n;
    return b.p;
}

bool npu_csv_write(FILE *f, const npu_phase_t *const *phases, int nphase)
{
    npu_csv_header(f);
    memo_t *memo = calloc(1, sizeof *memo);
    if (!memo)
        return false;
    cbuf_t b = {0};
    for (int k = 0; k < nphase; k++)
        rows_into(&b, phases[k], memo);
    free(memo);
    bool ok = !b.bad;
    if (ok && b.n)
        fwrite(b.p, 1, b.n, f);
    free(b.p);
    return ok && !ferror(f);
}

/* "    \"key\": text,\n" in one write */
static void jline(FILE *f, const char *k, const char *text)
{
    char line[256];
    str_buf_t b = str_buf(line, sizeof line);
    str_put(&b, "    \"");
    str_put(&b, k);
    str_put(&b, "\": ");
    str_put(&b, text);
    str_put(&b, ",\n");
    if (b.o < sizeof line)
        fwrite(line, 1, b.o, f);
    else
        fprintf(f, "    \"%s\": %s,\n", k, text);
}
static void jint(FILE *f, const char *k, int64_t v)
{
    char t[24];
    t[str_i64(t, v)] = 0;
    jline(f, k, t);
}
static void jnum(FILE *f, const char *k, double v)
{
    char b[40];
    num_repr(b, sizeof b, v);
    jline(f, k, b);
}
static void jbool(FILE *f, const char *k, bool v) { jline(f, k, v ? "true" : "false"); }

/* LLMConfig's fields: DLRMConfig and GLIGENConfig derive from ModelConfig and have none of them */
static const char *const llm_keys[] = {"input_seqlen", "output_seqlen", "d_model", "num_heads", "num_kv_heads",
                                       "d_head", "d_ff", "num_layers", "ffn_type", "decode_width",
                                       "use_flash_attention", "enable_swap_kv_cache",
                                       "max_swap_kv_cache_times_prefill", "max_swap_kv_cache_times_decode"};
/* GLIGENConfig's own fields, dumped at their defaults when no file gave them */
static const char *const gligen_keys[] = {"num_diffusion_steps", "total_num_diffusion_steps", "image_resolution",
                                          "image_num_channels", "fourier_embedder_config", "text_embedder_config",
                                          "image_embedder_config", "spatial_condition_embedder_config",
                                          "grounding_input_config", "unet_config", "output_dir"};
/* NeuSim's defaults of the two records our table keeps as {} */
static const char unet_default[] = "{\"noisy_latent_resolution\": [64, 64], \"model_channels\": 320, "
                                   "\"attention_resolutions\": [4, 2, 1], \"num_res_blocks\": 2, "
                                   "\"channel_mult\": [1, 2, 4, 4], \"num_heads\": 8, \"context_dim\": 768}";
static const char grounding_default[] =
    "{\"text\": {\"input_seqlen\": 512, \"feature_dim\": 768}, \"bbox\": {\"input_seqlen\": 8, "
    "\"feature_dim\": 4, \"grounding_token_feature_dim\": 768}, \"image\": {\"resolution\": [1024, 1024], "
    "\"image_num_channels\": 3}, \"keypoint\": {\"num_persons\": 10, \"num_keypoints\": 17, \"feature_dim\": 256}, "
    "\"spatial_condition\": {\"resolution\": [256, 256], \"num_channels\": 1}}";

/* sim_config as run_sim writes it: the model_dump of the family's config
 * class (LLMConfig/DeepSeekConfig, DiTConfig, DLRMConfig, GLIGENConfig)
 * plus the keys its dump_stats_* adds (num_pods, batch_size_per_pod, and
 * layers_per_pp_stage for LLMs; nothing for DiT and GLIGEN) */
char *npu_json_config_text(const npu_run_t *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return NULL;
    const char *ek[16], *ej[16];
    char text[3][24], val[16][NPU_CFG_STR_MAX];
    size_t ne = 0, nomit = 0;
    const char *const *omit = NULL;
    if (r->family == NPU_FAM_LLM || r->family == NPU_FAM_MOE || r->family == NPU_FAM_DLRM) {
        const char *const pk[] = {"num_pods", "batch_size_per_pod", "layers_per_pp_stage"};
        const int64_t pv[] = {r->num_pods, r->batch_size_per_pod, r->layers_per_pp_stage};
        for (int i = 0; i < (r->family == NPU_FAM_DLRM ? 2 : 3); i++) {
            snprintf(text[i], sizeof text[i], "%lld", (long long)pv[i]);
            ek[ne] = pk[i];
            ej[ne++] = text[i];
        }
    }
    if (r->family == NPU_FAM_DLRM) {
        omit = llm_keys;
        nomit = sizeof llm_keys / sizeof llm_keys[0];
    } else if (r->family == NPU_FAM_DIT) {
        /* DiTConfig: input_seqlen and output_seqlen default to 0 (derived / unused) */
        const char *const zk[] = {"input_seqlen", "output_seqlen"};
        for (int i = 0; i < 2; i++)
            if (!r->cfg.v[npu_config_index(zk[i])].set) {
                ek[ne] = zk[i];
                ej[ne++] = "0";
            }
    } else if (r->family == NPU_FAM_GLIGEN) {
        /* LLMConfig's fields less use_flash_attention, a GLIGENConfig field too */
        static const char *const gl_omit[] = {"input_seqlen", "output_seqlen", "d_model", "num_heads",
                                               "num_kv_heads", "d_head", "d_ff", "num_layers", "ffn_type",
                                               "decode_width", "enable_swap_kv_cache",
                                               "max_swap_kv_cache_times_prefill",
                                               "max_swap_kv_cache_times_decode"};
        omit = gl_omit;
        nomit = sizeof gl_omit / sizeof gl_omit[0];
        for (size_t i = 0; i < sizeof gligen_keys / sizeof gligen_keys[0]; i++) {
            int k = npu_config_index(gligen_keys[i]);
            const npu_cfg_val_t *v = &r->cfg.v[k];
            if (v->set)
                continue;
            ek[ne] = gligen_keys[i];
            if (npu_cfg_keys[k].type == NCT_INT)
                snprintf(val[ne], sizeof val[ne], "%lld", (long long)v->i);
            else if (npu_cfg_keys[k].type == NCT_STR)
                snprintf(val[ne], sizeof val[ne], "\"%s\"", v->s);
            else if (strcmp(gligen_keys[i], "unet_config") == 0)
                snprintf(val[ne], sizeof val[ne], "%s", unet_default);
            else if (strcmp(gligen_keys[i], "grounding_input_config") == 0)
                snprintf(val[ne], sizeof val[ne], "%s", grounding_default);
            else
                snprintf(val[ne], sizeof val[ne], "%s", v->s);
            ej[ne] = val[ne];
            ne++;
        }
    }
    npu_config_dump_json_as(&r->cfg, m, 8, omit, nomit, ek, ej, ne);
    if (fclose(m) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* get_statistics_from_trace_file's keys */
static void trace_keys(FILE *f, const npu_stats_t *s)
{
    jint(f, "total_pp_time_ns", s->total_pp_time_ns);
    jint(f, "total_pp_ici_time_ns", s->total_pp_ici_time_ns);
    jint(f, "total_pp_dcn_time_ns", s->total_pp_dcn_time_ns);
    jint(f, "total_execution_time_non_pp_ns", s->total_execution_time_non_pp_ns);
    jint(f, "overlapped_compute_time_non_pp_ns", s->overlapped_compute_time_non_pp_ns);
    jint(f, "compute_only_time_non_pp_ns", s->compute_only_time_non_pp_ns);
    jint(f, "memory_only_time_non_pp_ns", s->memory_only_time_non_pp_ns);
    jint(f, "ici_bound_time_non_pp_ns", s->ici_bound_time_non_pp_ns);
    jint(f, "total_execution_time_chip_ns", s->total_execution_time_chip_ns);
    jint(f, "overlapped_compute_time_chip_ns", s->overlapped_compute_time_chip_ns);
    jint(f, "compute_only_time_chip_ns", s->compute_only_time_chip_ns);
    jint(f, "memory_only_time_chip_ns", s->memory_only_time_chip_ns);
    jint(f, "ici_bound_time_chip_ns", s->ici_bound_time_chip_ns);
    jbool(f, "bounded_by_pp_chip", s->bounded_by_pp_chip);
}

bool npu_json_write(FILE *f, const npu_run_t *r, const npu_phase_t *ph)
{
    char *cfg = npu_json_config_text(r);
    bool ok = cfg && npu_json_write_with(f, r, ph, cfg);
    free(cfg);
    return ok;
}

bool npu_json_write_with(FILE *f, const npu_run_t *r, const npu_phase_t *ph, const char *config_text)
{
    const npu_stats_t *s = &ph->stats;
    fputs("{\n", f);
    trace_keys(f, s);
    if (r->family == NPU_FAM_DLRM) {
        jnum(f, "throughput_requests_per_sec", r->throughput_requests_per_sec);
        jint(f, "latency_ns", s->total_execution_time_chip_ns);
    } else if (r->family == NPU_FAM_DIT || r->family == NPU_FAM_GLIGEN) {
        jnum(f, "throughput_requests_per_sec", r->throughput_requests_per_sec);
        jnum(f, "latency_sec", r->latency_sec);
        jnum(f, "throughput_step_per_sec_per_request", r->throughput_step_per_sec_per_request);
        jnum(f, "latency_step_sec", r->latency_step_sec);
    } else if (ph->kind == NPU_PHASE_PREFILL) {
        jnum(f, "throughput_tokens_per_sec", s->throughput_tokens_per_sec);
        jnum(f, "TTFT_sec", s->TTFT_sec);
    } else if (ph->kind == NPU_PHASE_DECODE) {
        jnum(f, "TPOT_ms_request", s->TPOT_ms_request);
        jnum(f, "throughput_tokens_per_sec", s->throughput_tokens_per_sec);
        jnum(f, "throughput_tokens_per_sec_request", s->throughput_tokens_per_sec_request);
    }
    if (ph->kind == NPU_PHASE_TRAINING) {
        jint(f, "total_execution_time_pod_ns", s->total_execution_time_pod_ns);
        jint(f, "compute_only_time_pod_ns", s->compute_only_time_pod_ns);
        jint(f, "memory_only_time_pod_ns", s->memory_only_time_pod_ns);
        jint(f, "ici_bound_time_pod_ns", s->ici_bound_time_pod_ns);
        jbool(f, "bounded_by_pp_dcn", s->bounded_by_pp_dcn);
        jint(f, "total_execution_time_ns", s->total_execution_time_ns);
    }
    jnum(f, "mem_footprint_GB", s->mem_footprint_GB);
    jbool(f, "out_of_memory", s->out_of_memory);
    (void)r;
    fputs("    \"sim_config\": {\n", f);
    fputs(config_text, f);
    fputs("    }\n}", f);
    return !ferror(f);
}

bool npu_json_write_chip(FILE *f, const npu_run_t *r, int64_t chip, const char *config_text)
{
    const npu_stats_t *s = &npu_run_chip_phase(r, chip)->stats;
    fputs("{\n", f);
    trace_keys(f, s);
    jnum(f, "throughput_requests_per_sec", npu_run_dlrm_requests_per_sec(r, s));
    jint(f, "latency_ns", s->total_execution_time_chip_ns);
    fputs("    \"sim_config\": {\n", f);
    fputs(config_text, f);
    fputs("    }\n}", f);
    return !ferror(f);
}
