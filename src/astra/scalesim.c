/*
 * scalesim.c -- SCALE-Sim v2 config parser and closed-form GEMM cycles
 * (see scalesim.h and specs/astrasim.md §2).
 */
#include "astra/scalesim.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/named.h"

/* Which operand dimension goes on the array's rows, its columns, and
 * which one streams through (§2.2), and the per-fold cycle count (§2.3). */
typedef struct {
    const char *name;
    void (*map)(uint64_t m, uint64_t k, uint64_t n, uint64_t *sr, uint64_t *sc, uint64_t *t);
    uint64_t (*per_fold)(uint64_t r, uint64_t c, uint64_t t);
} dataflow_t;

static void map_os(uint64_t m, uint64_t k, uint64_t n, uint64_t *sr, uint64_t *sc, uint64_t *t)
{
    *sr = m, *sc = n, *t = k;
}
static void map_ws(uint64_t m, uint64_t k, uint64_t n, uint64_t *sr, uint64_t *sc, uint64_t *t)
{
    *sr = k, *sc = n, *t = m;
}
static void map_is(uint64_t m, uint64_t k, uint64_t n, uint64_t *sr, uint64_t *sc, uint64_t *t)
{
    *sr = k, *sc = m, *t = n;
}
/* output stationary: stream T, skew R - 1 and C - 1 */
static uint64_t per_fold_os(uint64_t r, uint64_t c, uint64_t t)
{
    return r + c + t - 2;
}
/* weight / input stationary: R to load the stationary operand, then as os */
static uint64_t per_fold_stationary(uint64_t r, uint64_t c, uint64_t t)
{
    return 2 * r + c + t - 2;
}

static const dataflow_t dataflows[] = {
    {"os", map_os, per_fold_os},
    {"ws", map_ws, per_fold_stationary},
    {"is", map_is, per_fold_stationary},
};
#define N_DATAFLOWS (sizeof dataflows / sizeof dataflows[0])

const char *scalesim_dataflow_name(int dataflow)
{
    return dataflow >= 0 && (size_t)dataflow < N_DATAFLOWS ? dataflows[dataflow].name : "?";
}

static uint64_t ceil_div(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

void scalesim_gemm_folds(const scalesim_cfg_t *cfg, uint64_t m, uint64_t k, uint64_t n, scalesim_fold_t *out)
{
    const dataflow_t *df = &dataflows[cfg->dataflow];
    df->map(m, k, n, &out->sr, &out->sc, &out->t);
    out->row_folds = ceil_div(out->sr, cfg->rows);
    out->col_folds = ceil_div(out->sc, cfg->cols);
    out->per_fold_cycles = df->per_fold(cfg->rows, cfg->cols, out->t);
}

uint64_t scalesim_gemm_cycles(const scalesim_cfg_t *cfg, uint64_t m, uint64_t k, uint64_t n)
{
    scalesim_fold_t f;
    scalesim_gemm_folds(cfg, m, k, n, &f);
    uint64_t folds, total;
    if (f.per_fold_cycles < f.t || __builtin_mul_overflow(f.row_folds, f.col_folds, &folds) ||
        __builtin_mul_overflow(folds, f.per_fold_cycles, &total))
        return UINT64_MAX;
    return total - 1;
}

int scalesim_cfg_make(scalesim_cfg_t *cfg, uint64_t rows, uint64_t cols, const char *dataflow, char *err,
                      size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->rows = rows;
    cfg->cols = cols;
    long i = named_find(dataflows, N_DATAFLOWS, sizeof dataflows[0], dataflow, "dataflow", err, errlen);
    if (i < 0)
        return -1;
    cfg->dataflow = (int)i;
    return 0;
}

/* ---- the .cfg file ------------------------------------------------------ */

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static void strip(const char **b, const char **e)
{
    while (*b < *e && isspace((unsigned char)**b))
        (*b)++;
    while (*e > *b && isspace((unsigned char)(*e)[-1]))
        (*e)--;
}

static int parse_uint(const char *file, int line, int col, const char *key, const char *v, uint64_t *out,
                      cfg_err_t *err)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)v[0])) {
        cfg_errorf(err, file, line, col, "%s: '%s' is not an integer", key, v);
        return -1;
    }
    unsigned long long x = strtoull(v, &end, 10);
    if (*end || errno) {
        cfg_errorf(err, file, line, col, "%s: '%s' is not an integer", key, v);
        return -1;
    }
    if (x < 1 || x > SCALESIM_MAX_ARRAY) {
        cfg_errorf(err, file, line, col, "%s: %llu must be in [1, %d]", key, x, SCALESIM_MAX_ARRAY);
        return -1;
    }
    *out = x;
    return 0;
}

int scalesim_cfg_load_text(const char *name, const char *text, size_t len, scalesim_cfg_t *cfg, cfg_err_t *err)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->dataflow = -1;
    if (memchr(text, '\0', len)) {
        cfg_errorf(err, name, 1, 1, "not a SCALE-Sim config (contains a NUL byte)");
        return -1;
    }
    char section[64] = "";
    char seen_sec[64][64];
    int n_sec = 0;
    char seen_key[256][128]; /* "section\001key" */
    int n_key = 0;
    int line = 0, h_line = 0, w_line = 0, df_line = 0;
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *b = p, *e = nl ? nl : end;
        p = nl ? nl + 1 : end;
        line++;
        const char *lb = b;
        strip(&b, &e);
        int col = (int)(b - lb) + 1;
        if (b == e || *b == '#' || *b == ';')
            continue;
        if (*b == '[') {
            const char *c = memchr(b, ']', (size_t)(e - b));
            if (!c || c + 1 != e || c - b - 1 <= 0 || c - b - 1 >= (long)sizeof section) {
                cfg_errorf(err, name, line, col, "malformed section header (expected [name])");
                return -1;
            }
            snprintf(section, sizeof section, "%.*s", (int)(c - b - 1), b + 1);
            for (int i = 0; i < n_sec; i++)
                if (strcmp(seen_sec[i], section) == 0) {
                    cfg_errorf(err, name, line, col, "section [%s] appears twice", section);
                    return -1;
                }
            if (n_sec < 64)
                snprintf(seen_sec[n_sec++], sizeof seen_sec[0], "%s", section);
            continue;
        }
        if (!section[0]) {
            cfg_errorf(err, name, line, col, "key outside any [section]");
            return -1;
        }
        const char *eq = b;
        while (eq < e && *eq != '=' && *eq != ':')
            eq++;
        if (eq == e) {
            cfg_errorf(err, name, line, col, "expected 'key = value' or 'key: value'");
            return -1;
        }
        const char *kb = b, *ke = eq, *vb = eq + 1, *ve = e;
        strip(&kb, &ke);
        strip(&vb, &ve);
        int vcol = (int)(vb - lb) + 1;
        if (kb == ke || ke - kb >= 64 || ve - vb >= 128) {
            cfg_errorf(err, name, line, col, kb == ke ? "empty key" : "key or value too long");
            return -1;
        }
        char key[64], val[128];
        snprintf(key, sizeof key, "%.*s", (int)(ke - kb), kb);
        snprintf(val, sizeof val, "%.*s", (int)(ve - vb), vb);
        lower(key);
        char sk[128];
        snprintf(sk, sizeof sk, "%s\001%s", section, key);
        for (int i = 0; i < n_key; i++)
            if (strcmp(seen_key[i], sk) == 0) {
                cfg_errorf(err, name, line, col, "key '%s' appears twice in [%s]", key, section);
                return -1;
            }
        if (n_key < 256)
            snprintf(seen_key[n_key++], sizeof seen_key[0], "%s", sk);
        if (strcmp(section, "general") == 0 && strcmp(key, "run_name") == 0) {
            size_t vl = strlen(val);
            if (vl >= 2 && (val[0] == '"' || val[0] == '\'') && val[vl - 1] == val[0]) {
                val[vl - 1] = '\0';
                memmove(val, val + 1, vl - 1);
            }
            snprintf(cfg->run_name, sizeof cfg->run_name, "%s", val);
        } else if (strcmp(section, "architecture_presets") == 0) {
            if (strcmp(key, "arrayheight") == 0) {
                if (parse_uint(name, line, vcol, "ArrayHeight", val, &cfg->rows, err))
                    return -1;
                h_line = line;
            } else if (strcmp(key, "arraywidth") == 0) {
                if (parse_uint(name, line, vcol, "ArrayWidth", val, &cfg->cols, err))
                    return -1;
                w_line = line;
            } else if (strcmp(key, "dataflow") == 0) {
                char msg[200];
                char low[128];
                snprintf(low, sizeof low, "%s", val);
                lower(low);
                long i = named_find(dataflows, N_DATAFLOWS, sizeof dataflows[0], low, "Dataflow", msg, sizeof msg);
                if (i < 0) {
                    cfg_errorf(err, name, line, vcol, "%s", msg);
                    return -1;
                }
                cfg->dataflow = (int)i;
                df_line = line;
            }
        } else if (strcmp(section, "run_presets") == 0 && strcmp(key, "interfacebandwidth") == 0) {
            if (strcasecmp(val, "USER") == 0)
                cfg->user_bandwidth = true;
            else if (strcasecmp(val, "CALC") != 0) {
                cfg_errorf(err, name, line, vcol, "InterfaceBandwidth: unknown value '%s' (valid: CALC, USER)", val);
                return -1;
            }
        }
    }
    const char *missing = !h_line ? "ArrayHeight" : !w_line ? "ArrayWidth" : !df_line ? "Dataflow" : NULL;
    if (missing) {
        cfg_errorf(err, name, line ? line : 1, 1, "missing [architecture_presets] %s (a SCALE-Sim config needs "
                   "ArrayHeight, ArrayWidth and Dataflow)", missing);
        return -1;
    }
    return 0;
}

int scalesim_cfg_load(const char *path, scalesim_cfg_t *cfg, cfg_err_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cfg_errorf(err, path, 1, 1, "cannot open SCALE-Sim config: %s", strerror(errno));
        return -1;
    }
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    int big = n == sizeof buf && fgetc(f) != EOF;
    int rd_err = ferror(f);
    fclose(f);
    if (rd_err) {
        cfg_errorf(err, path, 1, 1, "cannot read SCALE-Sim config");
        return -1;
    }
    if (big) {
        cfg_errorf(err, path, 1, 1, "SCALE-Sim config larger than 64 KiB");
        return -1;
    }
    return scalesim_cfg_load_text(path, buf, n, cfg, err);
}
