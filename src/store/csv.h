/*
 * csv.h -- plain RFC 4180 CSV files written atomically (a temporary file
 * renamed into place), with numbers in their shortest round-trip form.
 */
#ifndef STORE_CSV_H
#define STORE_CSV_H

#include <stdio.h>

#define CSV_MEMO_COLS 48

typedef struct {
    FILE *f;        /* set by the caller instead of csv_open: cells go to this stream */
    int fd;         /* the temporary file, -1 when closed */
    char path[4096];
    char tmp[4200];
    int cells;      /* cells written on the current row */
    int failed;     /* a write failed (reported by csv_commit) */
    char *buf;      /* pending bytes: len of cap, cap growing to CSV_BUF_MAX_BYTES */
    size_t len, cap;
    /* per column (the first CSV_MEMO_COLS): the last number written there and
     * its text, reused when the next row repeats it (a hardware CSV repeats
     * its chip and package columns from row to row) */
    struct {
        unsigned long long bits;   /* the double's bits */
        unsigned char len;         /* 0: none yet */
        char text[31];
    } memo[CSV_MEMO_COLS];
} csv_t;

int csv_open(csv_t *c, const char *path);
void csv_text(csv_t *c, const char *s);
void csv_num(csv_t *c, double v);
void csv_end_row(csv_t *c);
/* Flush, fsync and rename into place; 0 on success.  csv_abort() drops it. */
int csv_commit(csv_t *c);
void csv_abort(csv_t *c);
/* Append what part holds (its cells so far, in its temporary file) to c;
 * part is left as it was, to be aborted.  0 on success. */
int csv_append(csv_t *c, csv_t *part);

#endif
