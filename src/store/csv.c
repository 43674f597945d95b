/*
 * csv.c -- CSV output (see csv.h).
 *
 * Cells are appended to the csv_t's own 1 MiB buffer, which goes to the file
 * in one fwrite when full: a cell costs a copy, not stdio's locked fputc and
 * fputs per character and cell (the 70 MB hardware CSV of bench/big.yaml was
 * half stdio locking), and the file gets about 70 writes, not 17,000 of
 * stdio's 4 KiB.  A number equal to the one above it in its column reuses
 * that one's digits: the shortest round-trip digits cost about a microsecond.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/numfmt.h"
#include "store/csv.h"

#define CSV_BUF_BYTES (1 << 20)

int csv_open(csv_t *c, const char *path)
{
    memset(c, 0, sizeof *c);
    snprintf(c->path, sizeof c->path, "%s", path);
    snprintf(c->tmp, sizeof c->tmp, "%s.tmp.%ld", path, (long)getpid());
    c->f = fopen(c->tmp, "w");
    if (!c->f)
        return -1;
    c->buf = malloc(CSV_BUF_BYTES);   /* without it, every cell goes to f */
    return 0;
}

static void flush_buf(csv_t *c)
{
    if (c->len && fwrite(c->buf, 1, c->len, c->f) != c->len)
        c->bad = 1;
    c->len = 0;
}

/* n bytes of s, buffered. */
static void put(csv_t *c, const char *s, size_t n)
{
    if (!c->buf) {
        if (n && fwrite(s, 1, n, c->f) != n)
            c->bad = 1;
        return;
    }
    if (c->len + n > CSV_BUF_BYTES) {
        flush_buf(c);
        if (n > CSV_BUF_BYTES) {
            if (fwrite(s, 1, n, c->f) != n)
                c->bad = 1;
            return;
        }
    }
    memcpy(c->buf + c->len, s, n);
    c->len += n;
}

void csv_text(csv_t *c, const char *s)
{
    if (c->cells++)
        put(c, ",", 1);
    if (!strpbrk(s, ",\"\r\n")) {
        put(c, s, strlen(s));
        return;
    }
    put(c, "\"", 1);
    for (const char *q; (q = strchr(s, '"')); s = q + 1)
        put(c, s, (size_t)(q - s + 1)), put(c, "\"", 1);   /* a quote doubled */
    put(c, s, strlen(s));
    put(c, "\"", 1);
}

void csv_num(csv_t *c, double v)
{
    char buf[40];
    unsigned long long bits;
    memcpy(&bits, &v, sizeof bits);
    int col = c->cells;
    if (col < CSV_MEMO_COLS && c->memo[col].len && c->memo[col].bits == bits) {
        if (c->cells++)
            put(c, ",", 1);
        put(c, c->memo[col].text, c->memo[col].len);   /* digits never need quotes */
        return;
    }
    num_shortest(buf, sizeof buf, v);
    size_t n = strlen(buf);
    if (col < CSV_MEMO_COLS && n < sizeof c->memo[col].text) {
        c->memo[col].bits = bits;
        c->memo[col].len = (unsigned char)n;
        memcpy(c->memo[col].text, buf, n);
    }
    csv_text(c, buf);
}

void csv_end_row(csv_t *c)
{
    put(c, "\r\n", 2);
    c->cells = 0;
}

int csv_commit(csv_t *c)
{
    if (c->buf)
        flush_buf(c);
    int bad = c->bad || fflush(c->f) != 0 || ferror(c->f) || fsync(fileno(c->f)) != 0;
    bad |= fclose(c->f) != 0;
    c->f = NULL;
    free(c->buf);
    c->buf = NULL;
    if (bad || rename(c->tmp, c->path) != 0) {
        unlink(c->tmp);
        return -1;
    }
    return 0;
}

void csv_abort(csv_t *c)
{
    if (c->f)
        fclose(c->f);
    c->f = NULL;
    free(c->buf);
    c->buf = NULL;
    unlink(c->tmp);
}

int csv_append(csv_t *c, csv_t *part)
{
    if (part->buf)
        flush_buf(part);
    if (part->bad || fflush(part->f) != 0)
        return -1;
    FILE *in = fopen(part->tmp, "rb");
    if (!in)
        return -1;
    char *chunk = malloc(CSV_BUF_BYTES);
    size_t n;
    while (chunk && (n = fread(chunk, 1, CSV_BUF_BYTES, in)) > 0)
        put(c, chunk, n);
    int bad = !chunk || ferror(in);
    free(chunk);
    fclose(in);
    return bad || c->bad ? -1 : 0;
}
