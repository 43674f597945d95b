/*
 * kern_eval.c -- build and time the profiles of one run (see kern_eval.h).
 */
#include <string.h>

#include "kernels/kern_eval.h"

int kern_evaluate(const kern_model_t *m, const kern_hw_t *hw, kern_run_t *r, kern_result_t *out, char *err,
                  size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (kern_run_derive(r, err, errlen))
        return -1;
    unsigned fixes = kern_run_fixes(r);
    /* the notebook's global bytes_per_value */
    out->bytes_per_value = fixes & KF_UNITS ? m->bytes_per_value : 2.0;
    size_t n = r->chunk ? 3 : 2;
    for (size_t i = 0; i < n; i++) {
        if (kern_profiles[i].fn(m, r, &out->prof[i], err, errlen)) {
            kern_result_free(out);
            return -1;
        }
        out->n = i + 1;
        kern_roofline(&out->prof[i], hw, out->bytes_per_value);
        kern_tile_workload(&out->prof[i], hw, out->bytes_per_value, fixes);
    }
    return 0;
}

void kern_result_free(kern_result_t *res)
{
    for (size_t i = 0; i < res->n; i++)
        kern_workload_free(&res->prof[i]);
    res->n = 0;
}
