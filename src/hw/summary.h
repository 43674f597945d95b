/*
 * summary.h -- the hardware summary row of one valid server: the columns of
 * ReaLLM v1's hardware CSV (scripts/hardware_dump.py), same names and order.
 */
#ifndef HW_SUMMARY_H
#define HW_SUMMARY_H

#include "hw/hw.h"

#define HW_SUMMARY_NCOLS 35

typedef struct {
    double v;            /* the number, when text is NULL */
    const char *text;    /* a text cell (sparse_weight, a named chip_id) */
} summary_cell_t;

extern const char *const hw_summary_columns[HW_SUMMARY_NCOLS];

void hw_summary_row(const server_t *s, summary_cell_t cells[HW_SUMMARY_NCOLS]);

#endif
