/*
 * kern_hw.h -- the hardware of the kernel model: cores, clock, MACs per
 * cycle, memory bandwidth and the last-level cache the theoretical tiler
 * fills (inputs/kernels/hw/NAME.yaml), loaded with located errors.
 */
#ifndef KERNELS_KERN_HW_H
#define KERNELS_KERN_HW_H

#include "config/node.h"

typedef struct {
    char name[64];
    double cores;
    double frequency_hz;
    double macs_per_cycle;          /* per core */
    double bandwidth_bytes_per_s;   /* main memory */
    double cache_bytes;             /* capacity the tiler fills (the notebook's L3) */
    double macs_per_s;              /* cores x frequency x MACs per cycle */
} kern_hw_t;

/* Load and check a hardware file; -1 + "file:line:col: ..." on bad input. */
int kern_hw_load(const char *path, kern_hw_t *hw, cfg_err_t *err);
/* The same for text in memory (tests); name stands in for the file. */
int kern_hw_load_text(const char *name, const char *text, kern_hw_t *hw, cfg_err_t *err);

#endif
