/*
 * hw_store.h -- the hardware tables: chips, packages, servers.
 */
#ifndef STORE_HW_STORE_H
#define STORE_HW_STORE_H

#include <sqlite3.h>
#include <stddef.h>

#include "hw/hw.h"

typedef struct {
    size_t n_chips, n_packages, n_servers;
    chip_t *chips;
    package_t *packages;     /* chip pointers into chips */
    server_t *servers;       /* package pointers into packages */
} hw_points_t;

/* Replace all hardware rows with these points (inside the caller's
 * transaction).  Also removes the software rows that hang off them. */
int hw_store_replace(sqlite3 *db, const hw_points_t *pts, char *err, size_t errlen);

/* Load the valid servers, in enumeration order, with their packages and
 * chips.  Free with hw_points_free(). */
int hw_store_load_valid(sqlite3 *db, hw_points_t *out, char *err, size_t errlen);
void hw_points_free(hw_points_t *pts);

#endif
