/*
 * validate.c -- the validation table (see validate.h): CSV reading, one
 * prediction per row and metric, the error summary.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/named.h"
#include "engine/hw_engine.h"
#include "hw/hw_config.h"
#include "perf/sw_config.h"
#include "perf/system.h"
#include "validate/validate.h"

/* ---- CSV ------------------------------------------------------------------ */

#define VAL_MAX_FIELDS 32
#define VAL_MAX_ROWS 10000

/* Split one record (RFC 4180, quotes doubled inside quoted fields) starting
 * at *p into fields (pointers into buf).  Returns the count, -1 on an
 * unterminated quote. */
static int csv_record(const char **p, char *buf, size_t buflen, char **fields, int max)
{
    const char *s = *p;
    size_t o = 0;
    int n = 0;
    fields[n++] = buf;
    bool quoted = false;
    for (; *s; s++) {
        if (quoted) {
            if (*s == '"' && s[1] == '"')
                s++;
            else if (*s == '"') {
                quoted = false;
                continue;
            }
        } else if (*s == '"') {
            quoted = true;
            continue;
        } else if (*s == ',') {
            if (o + 1 >= buflen || n >= max)
                return -1;
            buf[o++] = '\0';
            fields[n++] = buf + o;
            continue;
        } else if (*s == '\n' || *s == '\r') {
            break;
        }
        if (o + 1 >= buflen)
            return -1;
        buf[o++] = *s;
    }
    if (quoted)
        return -1;
    buf[o] = '\0';
    while (*s == '\r' || *s == '\n')
        s++;
    *p = s;
    return n;
}

static const char *const val_columns[] = {
    "id", "source", "hardware", "model", "precision", "parallelism", "batch", "input_len",
    "output_len", "metric", "value", "hw_file", "model_file", "system_file"};
enum { C_ID, C_SOURCE, C_HARDWARE, C_MODEL, C_PRECISION, C_PARALLELISM, C_BATCH, C_INPUT,
       C_OUTPUT, C_METRIC, C_VALUE, C_HW, C_MODEL_FILE, C_SYSTEM, C_COUNT };

typedef double (*val_metric_fn)(const struct system_s *sys, const val_row_t *r, char *err,
                                size_t errlen);
typedef struct {
    const char *name;
    val_metric_fn fn;
} val_metric_t;

static const val_metric_t val_metrics[];
static const size_t val_metric_count;

/* "TP<n>" with an optional "PP<m>" (any separators, any case). */
static bool parse_parallelism(const char *s, double *tp, double *pp)
{
    *tp = 1;
    *pp = 1;
    bool any = false;
    for (const char *c = s; *c; c++) {
        if ((c[0] == 'T' || c[0] == 't') && (c[1] == 'P' || c[1] == 'p') && isdigit((unsigned char)c[2])) {
            *tp = strtod(c + 2, NULL);
            any = true;
        } else if ((c[0] == 'P' || c[0] == 'p') && (c[1] == 'P' || c[1] == 'p') &&
                   isdigit((unsigned char)c[2])) {
            *pp = strtod(c + 2, NULL);
        }
    }
    return any && *tp >= 1 && *pp >= 1;
}

static bool parse_number(const char *s, double *out)
{
    char *end;
    if (!*s)
        return false;
    *out = strtod(s, &end);
    return *end == '\0' && isfinite(*out);
}

static void resolve(const char *table, const char *rel, char *out, size_t len)
{
    const char *slash = strrchr(table, '/');
    if (rel[0] == '/' || !slash)
        snprintf(out, len, "%s", rel);
    else
        snprintf(out, len, "%.*s/%s", (int)(slash - table), table, rel);
}

static int column_index(char **hdr, int nh, const char *name)
{
    for (int i = 0; i < nh; i++)
        if (strcmp(hdr[i], name) == 0)
            return i;
    return -1;
}

static char *read_all(const char *path, cfg_err_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cfg_errorf(err, path, 0, 0, "cannot read the validation table");
        return NULL;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *t = cap <= (16u << 20) ? realloc(text, cap) : NULL;
            if (!t) {
                free(text);
                fclose(f);
                cfg_errorf(err, path, 0, 0, "validation table too large (16 MiB at most)");
                return NULL;
            }
            text = t;
        }
        size_t got = fread(text + len, 1, 4096, f);
        len += got;
        if (got < 4096)
            break;
    }
    fclose(f);
    text[len] = '\0';
    if (strlen(text) != len) {
        free(text);
        cfg_errorf(err, path, 0, 0, "not a text file");
        return NULL;
    }
    return text;
}

static int val_row_bind(const char *path, int line, char **f, int nf, const int *col,
                        val_row_t *r, cfg_err_t *err)
{
    memset(r, 0, sizeof *r);
    r->line = line;
    if (nf < C_COUNT) {
        cfg_errorf(err, path, line, 1, "%d fields, expected %d", nf, (int)C_COUNT);
        return -1;
    }
    struct {
        char *dst;
        size_t len;
        int c;
    } strs[] = {{r->id, sizeof r->id, C_ID}, {r->source, sizeof r->source, C_SOURCE},
                {r->hardware, sizeof r->hardware, C_HARDWARE}, {r->model, sizeof r->model, C_MODEL},
                {r->precision, sizeof r->precision, C_PRECISION},
                {r->parallelism, sizeof r->parallelism, C_PARALLELISM},
                {r->metric, sizeof r->metric, C_METRIC}};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        const char *v = f[col[strs[i].c]];
        if (!*v || strlen(v) >= strs[i].len) {
            cfg_errorf(err, path, line, 1, "%s: %s", val_columns[strs[i].c],
                       *v ? "too long" : "empty");
            return -1;
        }
        snprintf(strs[i].dst, strs[i].len, "%s", v);
    }
    char msg[256];
    if (named_find(val_metrics, val_metric_count, sizeof val_metrics[0], r->metric, "metric", msg,
                   sizeof msg) < 0) {
        cfg_errorf(err, path, line, 1, "metric: %s", msg);
        return -1;
    }
    struct {
        double *dst;
        int c;
    } nums[] = {{&r->batch, C_BATCH}, {&r->input_len, C_INPUT}, {&r->output_len, C_OUTPUT},
                {&r->value, C_VALUE}};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        if (!parse_number(f[col[nums[i].c]], nums[i].dst) || *nums[i].dst < 0) {
            cfg_errorf(err, path, line, 1, "%s: '%s' is not a number >= 0",
                       val_columns[nums[i].c], f[col[nums[i].c]]);
            return -1;
        }
    bool throughput = strcmp(r->metric, "throughput_tok_s") == 0;
    if (!(r->batch >= 1 || (throughput && r->batch == 0)) || !(r->value > 0) ||
        !(r->input_len >= 1)) {
        cfg_errorf(err, path, line, 1, "batch (0 only for throughput_tok_s: as many as fit) and "
                                       "input_len must be >= 1, value > 0");
        return -1;
    }
    if (!parse_parallelism(r->parallelism, &r->tp, &r->pp)) {
        cfg_errorf(err, path, line, 1, "parallelism: '%s' should read TP<n> or TP<n>PP<m>",
                   r->parallelism);
        return -1;
    }
    resolve(path, f[col[C_HW]], r->hw_file, sizeof r->hw_file);
    resolve(path, f[col[C_MODEL_FILE]], r->model_file, sizeof r->model_file);
    resolve(path, f[col[C_SYSTEM]], r->system_file, sizeof r->system_file);
    return 0;
}

const val_row_t *val_row_find(const val_row_t *rows, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].id, id))
            return &rows[i];
    return NULL;
}

int val_table_load(const char *path, val_row_t **rows, size_t *n, cfg_err_t *err)
{
    char *text = read_all(path, err);
    if (!text)
        return -1;
    size_t buflen = strlen(text) + 1;
    char *hbuf = malloc(buflen), *buf = malloc(buflen);
    val_row_t *out = calloc(VAL_MAX_ROWS, sizeof *out);
    int rc = -1;
    char *hdr[VAL_MAX_FIELDS], *f[VAL_MAX_FIELDS];
    const char *p = text;
    int col[C_COUNT];
    size_t count = 0;
    int line = 1;
    if (!hbuf || !buf || !out) {
        cfg_errorf(err, path, 0, 0, "out of memory");
        goto done;
    }
    int nh = csv_record(&p, hbuf, buflen, hdr, VAL_MAX_FIELDS);
    if (nh < 0) {
        cfg_errorf(err, path, 1, 1, "malformed header");
        goto done;
    }
    for (int c = 0; c < C_COUNT; c++)
        if ((col[c] = column_index(hdr, nh, val_columns[c])) < 0) {
            cfg_errorf(err, path, 1, 1, "missing column '%s'", val_columns[c]);
            goto done;
        }
    while (*p) {
        line++;
        if (*p == '#') {             /* comment line */
            while (*p && *p != '\n')
                p++;
            while (*p == '\n' || *p == '\r')
                p++;
            continue;
        }
        int nf = csv_record(&p, buf, buflen, f, VAL_MAX_FIELDS);
        if (nf < 0) {
            cfg_errorf(err, path, line, 1, "malformed record (unterminated quote or too many fields)");
            goto done;
        }
        if (count == VAL_MAX_ROWS) {
            cfg_errorf(err, path, line, 1, "more than %d rows", VAL_MAX_ROWS);
            goto done;
        }
        if (val_row_bind(path, line, f, nf, col, &out[count], err))
            goto done;
        count++;
    }
    if (count == 0) {
        cfg_errorf(err, path, 1, 1, "no rows");
        goto done;
    }
    rc = 0;
done:
    free(text);
    free(hbuf);
    free(buf);
    if (rc) {
        free(out);
        return -1;
    }
    *rows = out;
    *n = count;
    return 0;
}

/* ---- metrics ---------------------------------------------------------------- */

static double pass_total(const system_t *sys, perf_stage_t stage, double t, double p, double mb)
{
    micro_batch_t o;
    perf_micro_batch(sys, stage, t, p, mb, &o);
    return o.total;
}

static double m_layer_prefill(const system_t *sys, const val_row_t *r, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return pass_total(sys, STAGE_PREFILL, r->tp, r->pp, r->batch);
}

static double m_decode_step(const system_t *sys, const val_row_t *r, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    system_t s = *sys;
    s.prefill_len = r->input_len + r->output_len;  /* the cache at the measured step */
    s.generate_len = 0;
    return pass_total(&s, STAGE_GENERATE, r->tp, r->pp, r->batch);
}

static double m_decode_per_token(const system_t *sys, const val_row_t *r, char *err,
                                 size_t errlen)
{
    (void)err;
    (void)errlen;
    return pass_total(sys, STAGE_GENERATE, r->tp, r->pp, r->batch);
}

/* The whole decode phase: output_len steps at the mean context
 * (input_len + output_len / 2), the generate latency Pope et al. report. */
static double m_decode_total(const system_t *sys, const val_row_t *r, char *err, size_t errlen)
{
    return r->output_len * m_decode_per_token(sys, r, err, errlen);
}

static double round_up(double x, double step)
{
    return step * ceil(x / step);
}

val_bench_settings_t val_trtllm_bench_settings(double kv_requests, double isl, double osl,
                                               double pp)
{
    double raw_bs = fmin(kv_requests, 4096) / pp;
    double raw_token = fmin(raw_bs * (1 + isl / osl), 32768);
    val_bench_settings_t s;
    s.max_batch_size = raw_bs < 256 ? fmax(64, round_up(raw_bs, 32))
                       : raw_bs < 1024 ? round_up(raw_bs, 128)
                                       : round_up(raw_bs, 256);
    s.max_num_tokens = raw_token < 4096 ? fmax(2048, round_up(raw_token, 256))
                       : raw_token < 8192 ? round_up(raw_token, 512)
                                          : round_up(raw_token, 1024);
    s.max_num_tokens = fmax(s.max_num_tokens, isl + s.max_batch_size);   /* no chunked prefill */
    return s;
}

double val_inflight_batch(const val_bench_settings_t *s, double kv_requests, double isl,
                          double osl)
{
    double by_tokens = floor(s->max_num_tokens / (1 + isl / osl));
    return fmin(floor(kv_requests), fmin(s->max_batch_size, by_tokens));
}

double val_generation_steps(double output_len)
{
    return output_len > 1 ? output_len - 1 : 0;
}

double val_trtllm_pytorch_host_s_per_request(void)
{
    return 45.11e-3 / 1536;
}

double val_overlap_iterations_s(double gpu_s, double iterations, double running,
                                double host_s_per_request)
{
    double host_s = iterations * running * host_s_per_request;
    return host_s > gpu_s ? host_s : gpu_s;
}

typedef struct {
    double isl, osl, requests;
} val_dataset_t;

/* perf-overview.md at 00f37686, "Preparing a Dataset" */
static const val_dataset_t val_trtllm_datasets[] = {
    {128, 128, 30000},  {128, 2048, 3000},  {128, 4096, 1500}, {1000, 2000, 1500},
    {2048, 128, 3000},  {2048, 2048, 1500}, {5000, 500, 1500}, {1000, 1000, 3000},
    {500, 2000, 3000},  {20000, 2000, 1000},
};

double val_trtllm_num_requests(double isl, double osl)
{
    for (size_t i = 0; i < sizeof val_trtllm_datasets / sizeof val_trtllm_datasets[0]; i++)
        if (val_trtllm_datasets[i].isl == isl && val_trtllm_datasets[i].osl == osl)
            return val_trtllm_datasets[i].requests;
    return 0;
}

/* The pass time of n sequences, computed once per n (memo[n] < 0: not yet). */
static double val_memo_pass(double *memo, val_pass_fn pass, void *ctx, int generate, double n)
{
    size_t i = (size_t)n;
    if (memo[i] < 0)
        memo[i] = pass(ctx, generate, n);
    return memo[i];
}

double val_inflight_run_s(double requests, double cap, double budget, double isl, double osl,
                          double host_s_per_request, val_pass_fn pass, void *ctx)
{
    cap = floor(cap);
    osl = floor(osl);
    if (!(requests > 0) || !(cap >= 1) || !(isl >= 1) || !(osl >= 1) || !(budget >= isl))
        return NAN;
    size_t kmax = (size_t)floor(budget / isl);          /* contexts one iteration can hold */
    size_t ring = (size_t)osl;
    double *gen_memo = malloc(((size_t)cap + 1) * sizeof *gen_memo);
    double *ctx_memo = malloc((kmax + 1) * sizeof *ctx_memo);
    double *leaving = calloc(ring, sizeof *leaving);   /* requests whose last token is at slot */
    double time = NAN;
    if (!gen_memo || !ctx_memo || !leaving)
        goto done;
    for (size_t i = 0; i <= (size_t)cap; i++)
        gen_memo[i] = -1;
    for (size_t i = 0; i <= kmax; i++)
        ctx_memo[i] = -1;
    double queued = requests, generating = 0;
    time = 0;
    for (size_t it = 0; queued > 0 || generating > 0; it++) {
        /* whole contexts beside the generating requests' tokens, within the batch */
        double k = fmin(queued, fmin(cap - generating, floor((budget - generating) / isl)));
        if (k < 0)
            k = 0;
        double gpu = (k > 0 ? val_memo_pass(ctx_memo, pass, ctx, 0, k) : 0) +
                     (generating > 0 ? val_memo_pass(gen_memo, pass, ctx, 1, generating) : 0);
        time += val_overlap_iterations_s(gpu, 1, k + generating, host_s_per_request);
        generating -= leaving[it % ring];               /* made their last token */
        leaving[it % ring] = 0;
        if (ring > 1) {                                  /* osl - 1 generation iterations */
            leaving[(it + ring - 1) % ring] += k;
            generating += k;
        }
        queued -= k;
    }
done:
    free(gen_memo);
    free(ctx_memo);
    free(leaving);
    return time;
}

typedef struct {
    const system_t *sys;
    const val_row_t *r;
} val_pass_ctx_t;

static double val_row_pass(void *ctx, int generate, double sequences)
{
    const val_pass_ctx_t *c = ctx;
    return pass_total(c->sys, generate ? STAGE_GENERATE : STAGE_PREFILL, c->r->tp, c->r->pp,
                      sequences);
}

static double m_throughput(const system_t *sys, const val_row_t *r, char *err, size_t errlen)
{
    const model_t *m = &sys->model;
    double seq_bytes = (r->input_len + r->output_len) * m->kv_cache_size_per_token_byte;
    double free_bytes = VAL_KV_MEM_FRACTION * (sys->total_mem - m->model_size_byte);
    double kv_requests = free_bytes / seq_bytes;
    if (kv_requests < 1) {
        snprintf(err, errlen, "the KV cache of one sequence does not fit");
        return NAN;
    }
    val_bench_settings_t bs = val_trtllm_bench_settings(kv_requests, r->input_len, r->output_len,
                                                        r->pp);
    double requests = val_trtllm_num_requests(r->input_len, r->output_len);
    if (requests > 0) {
        val_pass_ctx_t c = {sys, r};
        double run = val_inflight_run_s(requests, fmin(floor(kv_requests), bs.max_batch_size),
                                        bs.max_num_tokens, r->input_len, r->output_len,
                                        val_trtllm_pytorch_host_s_per_request(), val_row_pass, &c);
        return requests * r->output_len / run;
    }
    double batch = val_inflight_batch(&bs, kv_requests, r->input_len, r->output_len);
    /* contexts prefilled together: those that fit in the iteration's budget
     * beside the running batch's tokens */
    double chunk = floor((bs.max_num_tokens - batch) / r->input_len);
    if (chunk < 1)
        chunk = 1;
    double prefill_per_seq = pass_total(sys, STAGE_PREFILL, r->tp, r->pp, chunk) / chunk;
    double step = pass_total(sys, STAGE_GENERATE, r->tp, r->pp, batch);
    /* output_len iterations produce output_len tokens of each of batch sequences */
    double time = val_overlap_iterations_s(r->output_len * step + batch * prefill_per_seq,
                                           r->output_len, batch,
                                           val_trtllm_pytorch_host_s_per_request());
    return r->output_len * batch / time;
}

/* Static batching (TensorRT-LLM <= 0.6 gptSessionBenchmark): batch sequences
 * prefilled together, the context step making each one's first output token,
 * then output_len - 1 decode steps (GptSession::generate: no generation step
 * for an output length of 1, cpp/tensorrt_llm/runtime/gptSession.cpp
 * generateSingleBatch); output tokens/s per chip. */
static double m_static_throughput(const system_t *sys, const val_row_t *r, char *err,
                                  size_t errlen)
{
    (void)err;
    (void)errlen;
    double prefill = pass_total(sys, STAGE_PREFILL, r->tp, r->pp, r->batch);
    double step = pass_total(sys, STAGE_GENERATE, r->tp, r->pp, r->batch);
    return r->batch * r->output_len / (prefill + val_generation_steps(r->output_len) * step) /
           (r->tp * r->pp);
}

static double m_prefill(const system_t *sys, const val_row_t *r, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return pass_total(sys, STAGE_PREFILL, r->tp, r->pp, r->batch);
}

static const val_metric_t val_metrics[] = {
    {"layer_prefill_s", m_layer_prefill}, {"decode_step_s", m_decode_step},
    {"prefill_s", m_prefill},             {"decode_s_per_token", m_decode_per_token},
    {"decode_s", m_decode_total},
    {"throughput_tok_s", m_throughput},   {"static_throughput_tok_s_per_gpu", m_static_throughput},
};
static const size_t val_metric_count = sizeof val_metrics / sizeof val_metrics[0];

/* ---- prediction --------------------------------------------------------------- */

/* The first valid server of the hardware file. */
static bool load_server(const char *path, const hw_constants_t *hc, hw_points_t *pts,
                        const server_t **srv, char *err, size_t errlen)
{
    hw_config_t cfg;
    cfg_err_t e;
    if (hw_config_load(path, &cfg, &e)) {
        snprintf(err, errlen, "%s", e.msg);
        return false;
    }
    hw_stats_t stats;
    int rc = hw_engine_eval(&cfg, hc, 1, pts, &stats);
    hw_config_free(&cfg);
    if (rc) {
        snprintf(err, errlen, "%s: out of memory", path);
        return false;
    }
    for (size_t i = 0; i < pts->n_servers; i++)
        if (pts->servers[i].valid) {
            *srv = &pts->servers[i];
            return true;
        }
    const char *why = pts->n_servers ? pts->servers[0].invalid_reason
                      : pts->n_packages ? pts->packages[0].invalid_reason
                      : pts->n_chips ? pts->chips[0].invalid_reason : "empty";
    snprintf(err, errlen, "%s: no valid server (%s)", path, why);
    return false;
}

bool val_predict(const val_row_t *row, const char *perf_model, unsigned v2_off,
                 const hw_constants_t *hc, double *out, char *err, size_t errlen)
{
    hw_points_t pts;
    memset(&pts, 0, sizeof pts);
    const server_t *srv = NULL;
    model_cfg_t mcfg;
    system_cfg_t *cfgs = NULL;
    size_t ncfg = 0;
    cfg_err_t e;
    bool ok = false;
    system_t *sys = malloc(sizeof *sys);
    if (!sys) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    if (!load_server(row->hw_file, hc, &pts, &srv, err, errlen))
        goto done;
    if (sw_model_load(row->model_file, &mcfg, &e) || sw_system_load(row->system_file, &cfgs, &ncfg, &e)) {
        snprintf(err, errlen, "%s", e.msg);
        goto done;
    }
    system_cfg_t cfg = cfgs[0];
    snprintf(cfg.perf_model, sizeof cfg.perf_model, "%s", perf_model);
    cfg.v2_off |= v2_off;
    double chips = row->tp * row->pp;
    cfg.num_servers = chips / srv->num_chips;
    cfg.kv_cache_ratio = 0;
    cfg.max_ctx_len_batch_1 = 0;
    cfg.max_tco = 0;
    cfg.prefill_len = row->input_len;
    cfg.generate_len = row->output_len;
    if (cfg.num_servers != floor(cfg.num_servers) || cfg.num_servers < 1) {
        snprintf(err, errlen, "%g chips are not a whole number of %g-chip servers", chips,
                 srv->num_chips);
        goto done;
    }
    char msg[SYSTEM_REASON_MAX];
    switch (system_prepare(sys, srv, hc, &mcfg, &cfg, msg, sizeof msg)) {
    case SYSTEM_OK:
        break;
    default:
        snprintf(err, errlen, "%s", msg);
        goto done;
    }
    double t;
    if (!system_stage_chips(sys, row->pp, &t) || t != row->tp) {
        snprintf(err, errlen, "TP%g PP%g does not split %g servers of %g chips", row->tp, row->pp,
                 cfg.num_servers, srv->num_chips);
        goto done;
    }
    long mi = named_find(val_metrics, val_metric_count, sizeof val_metrics[0], row->metric,
                         "metric", err, errlen);
    if (mi < 0)
        goto done;
    err[0] = '\0';
    *out = val_metrics[mi].fn(sys, row, err, errlen);
    ok = isfinite(*out) && *out > 0;
    if (!ok && !err[0])
        snprintf(err, errlen, "no finite prediction");
done:
    free(cfgs);
    free(sys);
    hw_points_free(&pts);
    return ok;
}

/* ---- summary -------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

val_summary_t val_summarize(const double *rel_err, size_t n)
{
    val_summary_t s = {n, NAN, NAN, NAN, 0};
    if (n == 0)
        return s;
    double *a = malloc(n * sizeof *a);
    if (!a)
        return s;
    double sum = 0;
    s.max = 0;
    for (size_t i = 0; i < n; i++) {
        a[i] = fabs(rel_err[i]) * 100;
        sum += a[i];
        if (a[i] > s.max)
            s.max = a[i];
        if (a[i] <= 25)
            s.within_25++;
    }
    qsort(a, n, sizeof *a, cmp_double);
    s.median = n % 2 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    s.mean = sum / (double)n;
    free(a);
    return s;
}
