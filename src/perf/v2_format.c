/*
 * v2_format.c -- number formats per tensor class and the chip's peak rate
 * per format (perf_model v2).  Replaces the reference's single 2-byte word
 * (MATMUL_DATA_BYTES, Model.bytes_per_number) and single chip->perf.
 *
 * Bytes per number, from each format's definition: bf16 (8-bit exponent,
 * 7-bit mantissa; Google's bfloat16) and fp16 (IEEE 754 binary16) 2 bytes;
 * fp8 (E4M3/E5M2, Micikevicius et al., "FP8 Formats for Deep Learning",
 * 2022) and int8 1 byte; fp4 (E2M1, OCP Microscaling Formats MX v1.0) half
 * a byte, its shared per-block scales (1 byte per 32 numbers) not counted.
 *
 * The peak holds at the clock the efficiency constants were measured at
 * (a short microbenchmark: the chip's unthrottled max_clock_mhz); under the
 * sustained load of an inference run a power-capped chip runs its SM clock
 * at sustained_clock_mhz instead, and its tensor-core rate scales with it
 * (v2_sustained_clock_ratio; sources in docs/perf-model-v2.md).
 */
#include "config/named.h"
#include "perf/v2_model.h"

const v2_format_t v2_formats[] = {
    {"bf16", V2_FMT_BF16, 2}, {"fp16", V2_FMT_FP16, 2}, {"fp8", V2_FMT_FP8, 1},
    {"int8", V2_FMT_INT8, 1}, {"fp4", V2_FMT_FP4, 0.5},
};
const size_t v2_format_count = sizeof v2_formats / sizeof v2_formats[0];

const v2_format_t *v2_format_find(const char *name, char *err, size_t errlen)
{
    if (!name || !name[0])
        return &v2_formats[0];
    long i = named_find(v2_formats, v2_format_count, sizeof v2_formats[0], name, "number format",
                        err, errlen);
    return i < 0 ? NULL : &v2_formats[i];
}

double v2_peak_flops(const chip_t *chip, v2_format_id_t f)
{
    double rate = 0;
    switch (f) {
    case V2_FMT_FP8: rate = chip->perf_fp8; break;
    case V2_FMT_INT8: rate = chip->perf_int8; break;
    case V2_FMT_FP4: rate = chip->perf_fp4; break;
    default: break;
    }
    return rate > 0 ? rate : chip->perf; /* no native rate: the bf16/fp16 units */
}

double v2_sustained_clock_ratio(double max_clock_mhz, double sustained_clock_mhz)
{
    if (!(max_clock_mhz > 0) || !(sustained_clock_mhz > 0))
        return 1;
    return sustained_clock_mhz / max_clock_mhz;
}

v2_format_id_t v2_compute_format(const v2_format_t *w, const v2_format_t *a)
{
    return w->bytes > a->bytes ? w->id : a->id;
}
