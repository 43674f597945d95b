/*
 * roofline.c -- the simple roofline (spec §7.4): per row, the larger of
 * compute time and weight-plus-KV traffic time.  Activations are not
 * counted (the notebook's model; see docs/kernels-model.md).
 */
#include "kernels/estimate.h"

void kern_roofline(kern_workload_t *w, const kern_hw_t *hw, double bytes_per_value)
{
    for (size_t i = 0; i < w->n; i++) {
        kern_row_t *r = &w->rows[i];
        r->compute_time_s = (double)r->compute / hw->macs_per_s;
        r->memory_time_s = ((double)r->weight + (double)r->kv) * bytes_per_value / hw->bandwidth_bytes_per_s;
        r->roofline_time_s = r->compute_time_s > r->memory_time_s ? r->compute_time_s : r->memory_time_s;
    }
}
