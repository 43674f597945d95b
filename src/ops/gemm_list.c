/*
 * gemm_list.c -- the mnk GEMM list frontend (see gemm_list.h): CSV rows to
 * GEMM op records with located errors.
 */
#include "ops/gemm_list.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEMM_LIST_MAX_FILE (64 << 20)

static op_dtype_t dtype_of_size(int elem_bytes)
{
    switch (elem_bytes) {
    case 1: return DT_INT8;
    case 4: return DT_FP32;
    case 8: return DT_FP64;
    default: return DT_BF16;
    }
}

int gemm_list_init(gemm_list_t *l, const char *file)
{
    memset(l, 0, sizeof *l);
    snprintf(l->file, sizeof l->file, "%s", file ? file : "");
    l->g = op_graph_new();
    return l->g ? 0 : -1;
}

void gemm_list_free(gemm_list_t *l)
{
    if (!l)
        return;
    op_graph_free(l->g);
    free(l->strategy);
    free(l->line);
    free(l->strategy_col);
    memset(l, 0, sizeof *l);
}

int gemm_list_add(gemm_list_t *l, const char *name, int64_t m, int64_t n, int64_t k, int elem_bytes,
                  bool has_weights, const char *strategy, int line)
{
    size_t i = l->n;
    if ((i & (i - 1)) == 0) { /* grow at powers of two */
        size_t cap = i ? 2 * i : 1;
        void *s = realloc(l->strategy, cap * sizeof *l->strategy);
        if (s)
            l->strategy = s;
        void *ln = realloc(l->line, cap * sizeof *l->line);
        if (ln)
            l->line = ln;
        void *c = realloc(l->strategy_col, cap * sizeof *l->strategy_col);
        if (c)
            l->strategy_col = c;
        if (!s || !ln || !c)
            return -1;
    }
    op_dtype_t dt = dtype_of_size(elem_bytes);
    double eb = op_dtype_bytes(dt);
    op_t op = {0};
    op.name = name;
    op.opcode = "GEMM";
    op.kind = OPK_MATMUL;
    op.n_in = 2;
    op.in[0] = op_tensor(dt, 2, (const int64_t[]){m, k});
    op.in[1] = op_tensor(dt, 2, (const int64_t[]){k, n});
    op.out = op_tensor(dt, 2, (const int64_t[]){m, n});
    op.gemm_batch = 1;
    op.gemm_m = m;
    op.gemm_n = n;
    op.gemm_k = k;
    op.flops = 2.0 * (double)m * (double)n * (double)k;
    op.params = has_weights ? n * k : 0;
    op.weight_bytes = has_weights ? (double)(n * k) * eb : 0;
    op.act_bytes = ((double)(m * k) + (double)(m * n) + (has_weights ? 0 : (double)(k * n))) * eb;
    op.count = 1;
    long idx = op_graph_add(l->g, &op);
    if (idx < 0)
        return -1;
    if (idx > 0 && op_graph_dep(l->g, (size_t)idx, (size_t)idx - 1))
        return -1;
    snprintf(l->strategy[i], GEMM_LIST_STRATEGY_MAX, "%s", strategy ? strategy : "");
    l->line[i] = line;
    l->strategy_col[i] = 0;
    l->n++;
    return 0;
}

/* One comma-separated field of a row: [b, e) with its 1-based column. */
typedef struct {
    const char *b, *e;
    int col;
} field_t;

static void trim(field_t *f)
{
    while (f->b < f->e && isspace((unsigned char)*f->b)) {
        f->b++;
        f->col++;
    }
    while (f->e > f->b && isspace((unsigned char)f->e[-1]))
        f->e--;
}

static int parse_dim(const char *file, int line, const field_t *f, const char *what, int64_t *out, cfg_err_t *err)
{
    char buf[64];
    size_t len = (size_t)(f->e - f->b);
    if (len == 0) {
        cfg_errorf(err, file, line, f->col, "%s is empty (expected a positive integer)", what);
        return -1;
    }
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, f->b, len);
    buf[len] = '\0';
    const char *p = buf;
    if (*p == '+')
        p++;
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q) || (size_t)(f->e - f->b) >= sizeof buf) {
            cfg_errorf(err, file, line, f->col, "%s '%.*s' is not an integer", what, (int)(f->e - f->b), f->b);
            return -1;
        }
    if (!*p) {
        cfg_errorf(err, file, line, f->col, "%s '%s' is not an integer", what, buf);
        return -1;
    }
    errno = 0;
    unsigned long long v = strtoull(p, NULL, 10);
    if (errno || v < 1 || v > (unsigned long long)GEMM_LIST_MAX_DIM) {
        cfg_errorf(err, file, line, f->col, "%s %s must be in [1, 2^40]", what, buf);
        return -1;
    }
    *out = (int64_t)v;
    return 0;
}

static int parse_row(gemm_list_t *l, const char *file, int line, const char *b, const char *e, int elem_bytes,
                     cfg_err_t *err)
{
    field_t f[6];
    int nf = 0;
    const char *s = b;
    for (;;) {
        const char *c = memchr(s, ',', (size_t)(e - s));
        const char *fe = c ? c : e;
        if (nf < 6)
            f[nf] = (field_t){s, fe, (int)(s - b) + 1};
        nf++;
        if (!c)
            break;
        s = c + 1;
    }
    if (nf < 4 || nf > 5) {
        cfg_errorf(err, file, line, 1, "expected 4 fields (name,m,n,k) or 5 (name,m,n,k,strategy), found %d", nf);
        return -1;
    }
    for (int i = 0; i < nf; i++)
        trim(&f[i]);
    if (f[0].b == f[0].e) {
        cfg_errorf(err, file, line, f[0].col, "empty layer name");
        return -1;
    }
    char name[256];
    size_t nlen = (size_t)(f[0].e - f[0].b);
    if (nlen >= sizeof name) {
        cfg_errorf(err, file, line, f[0].col, "layer name longer than %zu characters", sizeof name - 1);
        return -1;
    }
    memcpy(name, f[0].b, nlen);
    name[nlen] = '\0';
    for (size_t i = 0; i < nlen; i++)
        if (isspace((unsigned char)name[i]) || !isprint((unsigned char)name[i])) {
            cfg_errorf(err, file, line, f[0].col + (int)i,
                       "layer name '%s' contains whitespace or a control character (ASTRA-sim reads "
                       "whitespace-separated tokens)", name);
            return -1;
        }
    int64_t m, n, k;
    if (parse_dim(file, line, &f[1], "m", &m, err) || parse_dim(file, line, &f[2], "n", &n, err) ||
        parse_dim(file, line, &f[3], "k", &k, err))
        return -1;
    char strat[GEMM_LIST_STRATEGY_MAX] = "";
    if (nf == 5) {
        size_t sl = (size_t)(f[4].e - f[4].b);
        if (sl >= sizeof strat)
            sl = sizeof strat - 1;
        memcpy(strat, f[4].b, sl);
        strat[sl] = '\0';
    }
    if (gemm_list_add(l, name, m, n, k, elem_bytes, true, strat, line)) {
        cfg_errorf(err, file, line, 1, "out of memory");
        return -1;
    }
    l->strategy_col[l->n - 1] = nf == 5 ? f[4].col : 0;
    if (l->n == 1)
        l->columns = nf;
    else if (l->columns != nf)
        l->columns = 0;
    return 0;
}

int gemm_list_load_text(const char *name, const char *text, size_t len, int elem_bytes, gemm_list_t *out,
                        cfg_err_t *err)
{
    if (gemm_list_init(out, name)) {
        cfg_errorf(err, name, 1, 1, "out of memory");
        return -1;
    }
    if (memchr(text, '\0', len)) {
        cfg_errorf(err, name, 1, 1, "not a text file (contains a NUL byte)");
        gemm_list_free(out);
        return -1;
    }
    const char *p = text, *end = text + len;
    int line = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        line++;
        const char *le = e;
        if (le > p && le[-1] == '\r')
            le--;
        const char *q = p;
        while (q < le && isspace((unsigned char)*q))
            q++;
        if (line > 1 && q < le && parse_row(out, name, line, p, le, elem_bytes, err)) {
            gemm_list_free(out);
            return -1;
        }
        p = nl ? nl + 1 : end;
    }
    if (out->n == 0) {
        cfg_errorf(err, name, line > 0 ? line : 1, 1, "no GEMM rows after the header line (expected name,m,n,k)");
        gemm_list_free(out);
        return -1;
    }
    return 0;
}

int gemm_list_load(const char *path, int elem_bytes, gemm_list_t *out, cfg_err_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        cfg_errorf(err, path, 1, 1, "cannot open file: %s", strerror(errno));
        return -1;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            if (cap > GEMM_LIST_MAX_FILE) {
                free(buf);
                fclose(f);
                cfg_errorf(err, path, 1, 1, "file larger than %d MiB", GEMM_LIST_MAX_FILE >> 20);
                return -1;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int rd_err = ferror(f);
    fclose(f);
    if (!buf || rd_err) {
        free(buf);
        cfg_errorf(err, path, 1, 1, "cannot read file");
        return -1;
    }
    int rc = gemm_list_load_text(path, buf, n, elem_bytes, out, err);
    free(buf);
    return rc;
}
