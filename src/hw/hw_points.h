/*
 * hw_points.h -- the result of a hardware exploration: every chip, package
 * and server point (valid or not), in enumeration order.  The engine fills
 * it, the store writes and reads it back.
 */
#ifndef HW_HW_POINTS_H
#define HW_HW_POINTS_H

#include <stddef.h>

#include "hw/hw.h"

typedef struct {
    size_t n_chips, n_packages, n_servers;
    chip_t *chips;
    package_t *packages;     /* chip pointers into chips */
    server_t *servers;       /* package pointers into packages */
} hw_points_t;

void hw_points_free(hw_points_t *pts);

#endif
