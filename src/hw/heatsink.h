/*
 * heatsink.h -- the server heat-sink model of ReaLLM v1 (Heatsink.py, after
 * the ASIC Clouds heat-sink evaluation): for one package's heat source it
 * searches the base length, base thickness, fin count and fan air volume of
 * an aluminium plate-fin heat sink cooled by one 9GA0312P3K001 fan per lane,
 * and reports whether one exists, its cost and the power it can remove.
 *
 * Both functions are pure and thread-safe.  Inputs are in mm; the result is
 * {valid, cost in USD (inf when invalid), max_power in W (0 when invalid)}.
 */
#ifndef HW_HEATSINK_H
#define HW_HEATSINK_H

#include "hw/hw.h"

/* The heat sink the reference's search picks for one package. */
heatsink_t hw_heatsink_design(double heatsource_length_mm, double heatsource_width_mm,
                              double packages_per_lane);

/* The reference's search visited exhaustively, line by line (kept for tests
 * and as the definition).  hw_heatsink_design returns the same result. */
heatsink_t hw_heatsink_design_exhaustive(double heatsource_length_mm,
                                         double heatsource_width_mm,
                                         double packages_per_lane);

#endif
