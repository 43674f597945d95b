/*
 * csv.c -- CSV output (see csv.h).
 *
 * The bytes collect in the file's own buffer, written with write(2) when
 * full.  The buffer starts at 64 KiB and doubles up to 1 MiB: a short
 * command's CSV (20 KiB for `sw` on 3 system points) stays inside the
 * heap's first huge page (a 1 MiB stdio buffer pushed the heap into a
 * second one, 2 MiB zeroed by the kernel, ~0.25 ms), and a 70 MB hardware
 * CSV is still written in 1 MiB writes.  A number equal to the one above it
 * in its column reuses that one's digits: the shortest round-trip digits
 * cost about a microsecond.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/numfmt.h"
#include "store/csv.h"

#define CSV_BUF_FIRST_BYTES ((size_t)64 << 10)
#define CSV_BUF_MAX_BYTES ((size_t)1 << 20)

int csv_open(csv_t *c, const char *path)
{
    memset(c, 0, sizeof *c);
    snprintf(c->path, sizeof c->path, "%s", path);
    snprintf(c->tmp, sizeof c->tmp, "%s.tmp.%ld", path, (long)getpid());
    c->fd = open(c->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (c->fd < 0)
        return -1;
    if (!(c->buf = malloc(c->cap = CSV_BUF_FIRST_BYTES))) {
        close(c->fd);
        unlink(c->tmp);
        c->fd = -1;
        return -1;
    }
    return 0;
}

/* Write out the pending bytes; a failure is kept for csv_commit. */
static void csv_flush(csv_t *c)
{
    for (size_t off = 0; off < c->len && !c->failed;) {
        ssize_t w = write(c->fd, c->buf + off, c->len - off);
        if (w < 0)
            c->failed = 1;
        else
            off += (size_t)w;
    }
    c->len = 0;
}

/* Room for n more bytes: the buffer grows to its maximum, then is written. */
static void csv_room(csv_t *c, size_t n)
{
    if (c->len + n <= c->cap)
        return;
    while (c->cap < CSV_BUF_MAX_BYTES && c->len + n > c->cap) {
        char *b = realloc(c->buf, 2 * c->cap);
        if (!b)
            break;
        c->buf = b;
        c->cap *= 2;
    }
    if (c->len + n > c->cap)
        csv_flush(c);
    if (n > c->cap) { /* a cell larger than the buffer */
        char *b = realloc(c->buf, n);
        if (b) {
            c->buf = b;
            c->cap = n;
        } else
            c->failed = 1;
    }
}

static void csv_put(csv_t *c, const char *s, size_t n)
{
    if (c->f) {
        fwrite(s, 1, n, c->f);
        return;
    }
    csv_room(c, n);
    if (c->len + n <= c->cap) {
        memcpy(c->buf + c->len, s, n);
        c->len += n;
    }
}

void csv_text(csv_t *c, const char *s)
{
    if (c->cells++)
        csv_put(c, ",", 1);
    if (!strpbrk(s, ",\"\r\n")) {
        csv_put(c, s, strlen(s));
        return;
    }
    csv_put(c, "\"", 1);
    for (const char *q; (q = strchr(s, '"')); s = q + 1)
        csv_put(c, s, (size_t)(q - s) + 1), csv_put(c, "\"", 1); /* the quote doubled */
    csv_put(c, s, strlen(s));
    csv_put(c, "\"", 1);
}

void csv_num(csv_t *c, double v)
{
    char buf[40];
    unsigned long long bits;
    memcpy(&bits, &v, sizeof bits);
    int col = c->cells;
    if (col < CSV_MEMO_COLS && c->memo[col].len && c->memo[col].bits == bits) {
        if (c->cells++)
            csv_put(c, ",", 1);
        csv_put(c, c->memo[col].text, c->memo[col].len); /* digits never need quotes */
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
    csv_put(c, "\r\n", 2);
    c->cells = 0;
}

int csv_commit(csv_t *c)
{
    csv_flush(c);
    int bad = c->failed || fsync(c->fd) != 0;
    bad |= close(c->fd) != 0;
    c->fd = -1;
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
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    free(c->buf);
    c->buf = NULL;
    unlink(c->tmp);
}

int csv_append(csv_t *c, csv_t *part)
{
    csv_flush(part);
    if (part->failed)
        return -1;
    int in = open(part->tmp, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    char *chunk = malloc(CSV_BUF_MAX_BYTES);
    ssize_t n = 0;
    while (chunk && (n = read(in, chunk, CSV_BUF_MAX_BYTES)) > 0)
        csv_put(c, chunk, (size_t)n);
    int bad = !chunk || n < 0;
    free(chunk);
    close(in);
    return bad || c->failed ? -1 : 0;
}
