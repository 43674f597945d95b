/*
 * gnuplot.h -- the gnuplot driver: a script buffer with inline data blocks
 * ($NAME << EOD ... EOD), and one run of gnuplot fed through a pipe whose
 * output (the picture) comes back through another.  No temporary file.
 */
#ifndef PLOT_GNUPLOT_H
#define PLOT_GNUPLOT_H

#include <stddef.h>

typedef struct {
    char *buf;
    size_t len, cap;
    int oom;        /* an append failed: the buffer is incomplete */
} gp_buf_t;

void gp_printf(gp_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gp_append(gp_buf_t *b, const char *data, size_t len);
void gp_free(gp_buf_t *b);
/* s as a gnuplot string literal: "..." with \ and " escaped (commands). */
void gp_string(gp_buf_t *b, const char *s);
/* s as one field of a data block: "..." with " and newlines replaced. */
void gp_field(gp_buf_t *b, const char *s);
/* A number as data: %.17g, or NaN (gnuplot skips it). */
void gp_num(gp_buf_t *b, double v);

/* The terminal of a picture: "png" (pngcairo) or "svg", width x height
 * pixels; set on the script before the plot commands. */
void gp_terminal(gp_buf_t *b, const char *format, int width, int height);

/* Run gnuplot on script; its standard output (the picture) into out.  0 on
 * success; -1 with err (gnuplot missing, or its complaint).  SIGPIPE is
 * ignored while it runs (a process-wide setting): one run at a time. */
int gp_run(const gp_buf_t *script, gp_buf_t *out, char *err, size_t errlen);
/* 1 when the gnuplot program can be found. */
int gp_available(void);

#endif
