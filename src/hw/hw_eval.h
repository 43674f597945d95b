/*
 * hw_eval.h -- evaluation of the hardware model, one function per part.
 * Each fills the derived fields of its struct from the inputs (and its
 * parent), in the order ReaLLM v1 computes them, and sets valid and
 * invalid_reason.  No I/O, no globals: safe to call from any thread.
 */
#ifndef HW_HW_EVAL_H
#define HW_HW_EVAL_H

#include "hw/hw.h"

void hw_io_eval(io_link_t *io);
void hw_hbm_eval(hbm_t *hbm);
void hw_mem3d_eval(mem3d_t *m);

/* Negative binomial die yield. */
double hw_die_yield(double area_mm2, double D0, double alpha);
/* Whole dies of a square die that fit on a round wafer (row-fitting search). */
double hw_dies_per_wafer(double die_area_mm2, double wafer_diameter_mm, double dicing_gap_mm);

void hw_chip_eval(chip_t *chip, const chip_constants_t *c);
void hw_package_eval(package_t *pkg, const package_constants_t *c);

/* Server evaluation is split so that heat sink searches can be shared:
 * hw_server_lane_ok() derives the server links and checks the lane silicon
 * area (and sets the reason);
 * only servers that pass need hw_server_heatsink_key()'s heat sink, which
 * hw_server_eval() then takes. */
bool hw_server_lane_ok(server_t *s, const server_constants_t *c);
void hw_server_eval(server_t *s, const hw_constants_t *hc, heatsink_t hs);

/* What a valid server's stored parts imply (hw_server_eval forms it here,
 * and so does the store reading servers back from their parts): packages
 * and chips from the shape; compute and memory from the package; the TDP
 * from the core and other TDPs after losses; */
void hw_server_sizes(server_t *s);
/* the package and heat-sink costs and the cost's sum over its parts. */
void hw_server_cost_sum(server_t *s);

#endif
