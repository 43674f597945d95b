/*
 * perf_model.c -- the table of performance models (see perf_model.h).
 */
#include "config/named.h"
#include "perf/perf_model.h"
#include "perf/v2_model.h"

const perf_model_t perf_models[] = {
    {"reference", perf_micro_batch_reference, NULL, 0, NULL, NULL},
    {"v2", v2_micro_batch, v2_derive, sizeof(v2_stage_t), v2_stage_init, v2_micro_batch_at},
};
const size_t perf_model_count = sizeof perf_models / sizeof perf_models[0];

const perf_model_t *perf_model_find(const char *name, char *err, size_t errlen)
{
    if (!name || !name[0])
        return &perf_models[0];
    long i = named_find(perf_models, perf_model_count, sizeof perf_models[0], name, "perf_model",
                        err, errlen);
    return i < 0 ? NULL : &perf_models[i];
}
