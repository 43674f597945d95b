/*
 * text.c -- ASTRA-sim 1.0's text workload (specs/astrasim.md §1.7, §3):
 * line 1 the strategy, line 2 the layer count, then one TAB-separated line
 * per layer.  The corrected form is what ASTRA-sim's parser reads as
 * intended; --compat asis reproduces the upstream generator byte for byte.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "astra/astra.h"

typedef struct {
    char *buf;
    size_t len, cap;
    int oom;
} sbuf_t;

static void sb_printf(sbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf_t *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap + (size_t)n + 1) * 2;
        char *nb = realloc(b->buf, cap);
        if (!nb) {
            b->oom = 1;
            return;
        }
        b->buf = nb;
        b->cap = cap;
    }
}

/*
 * Upstream defects kept by asis (spec §1.5, §1.7): every compute field holds
 * the weight-gradient cycles (the three SCALE-Sim runs overwrite one
 * report), printed with the report's leading space; the per-layer strategy
 * is written as a 13th field for every strategy (ASTRA-sim reads it only
 * under HYBRID_CUSTOMIZED and shifts every later token otherwise); no
 * newline after the last line.
 */
char *astra_text_render(const astra_workload_t *w, bool asis, size_t *len)
{
    sbuf_t b = {malloc(4096), 0, 4096, 0};
    if (!b.buf)
        return NULL;
    b.buf[0] = '\0';
    sb_printf(&b, "%s\n%zu", astra_strategy_name(w->parallel), w->n);
    for (size_t i = 0; i < w->n; i++) {
        const astra_layer_t *l = &w->layers[i];
        sb_printf(&b, "\n%s\t-1", l->name);
        for (int p = 0; p < ASTRA_PASSES; p++) {
            unsigned long long cyc = asis ? l->cycles[ASTRA_WG] : l->cycles[p];
            sb_printf(&b, asis ? "\t %llu\t%s\t%llu" : "\t%llu\t%s\t%llu", cyc, astra_coll_token(l->coll[p]),
                      (unsigned long long)l->comm_bytes[p]);
        }
        sb_printf(&b, "\t%llu", (unsigned long long)w->update_delay_cycles);
        if (asis || w->parallel == ASTRA_HYBRID_CUSTOMIZED)
            sb_printf(&b, "\t%s", astra_strategy_name(l->strategy));
    }
    if (!asis)
        sb_printf(&b, "\n");
    if (b.oom) {
        free(b.buf);
        return NULL;
    }
    *len = b.len;
    return b.buf;
}

int astra_text_write(const astra_workload_t *w, bool asis, const char *path, char *err, size_t errlen)
{
    size_t len;
    char *text = astra_text_render(w, asis, &len);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int bad = !f;
    if (f) {
        bad |= fwrite(text, 1, len, f) != len;
        bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
        bad |= fclose(f) != 0;
    }
    free(text);
    if (bad || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write %s", path);
        if (f)
            unlink(tmp);
        return -1;
    }
    return 0;
}
