/*
 * yield.c -- die yield and dies per wafer (ASIC Cloud's models, as used by
 * ReaLLM v1 Chip.py).
 */
#include <math.h>

#include "hw/hw_eval.h"

double hw_die_yield(double area, double D0, double alpha)
{
    if (area == 0)
        return 1.0;
    return pow(1.0 + (D0 * area / alpha), alpha * -1);
}

/* Squares of side a in a circle of radius r, rows placed so that the row
 * nearest the diameter sits d away from it. */
static double rows_fit(double r, double a, double d)
{
    double d1 = a / 2.0 + d;
    double d2 = (3.0 * a) / 2.0 - d;
    double r2 = r * r;
    double sum = 0;
    while (d1 < r) {
        sum += floor(2.0 * sqrt(r2 - d1 * d1) / a);
        d1 += a;
    }
    while (d2 < r) {
        sum += floor(2.0 * sqrt(r2 - d2 * d2) / a);
        d2 += a;
    }
    return sum;
}

/* Search the row offset in [0, a/2] that fits the most squares. */
static double best_row_offset_fit(double r, double a)
{
    double end = a / 2.0;
    double max_start = rows_fit(r, a, 0.0);
    double max_end = rows_fit(r, a, end);
    if (max_end >= max_start)
        return max_end;
    double step = a / 8.0;
    end = end / 2.0;
    max_end = rows_fit(r, a, end);
    while (max_start != max_end) {
        if (max_start > max_end) {
            end -= step;
        } else {
            max_start = max_end;
            end += step;
        }
        max_end = rows_fit(r, a, end);
        step = step / 2.0;
    }
    return max_end;
}

double hw_dies_per_wafer(double die_area, double wafer_diameter, double gap)
{
    return best_row_offset_fit(wafer_diameter / 2.0, sqrt(die_area) + gap);
}
