/*
 * hw_store.h -- the hardware tables: chips, packages, server shapes, server
 * points and costs, reasons; the views servers and hw_summary.
 */
#ifndef STORE_HW_STORE_H
#define STORE_HW_STORE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/hw.h"
#include "hw/hw_points.h"

/* Replace all hardware rows with these points of hardware `hardware`
 * (inside the caller's transaction); also removes the software rows. */
int hw_store_replace(sqlite3 *db, const char *hardware, const hw_points_t *pts, char *err, size_t errlen);

/* Row by row writing with prepared statements (the sweep engine's chunks).
 * Ids are the caller's; parents are given by their row ids. */
typedef struct hw_writer hw_writer_t;
hw_writer_t *hw_writer_open(sqlite3 *db, char *err, size_t errlen);
int hw_write_chip(hw_writer_t *w, const char *hardware, int64_t chip_row, const chip_t *c);
int hw_write_package(hw_writer_t *w, const char *hardware, int64_t package_row, int64_t chip_row,
                     const package_t *p);
/* A server configuration (shape_index: its position among the file's
 * Server entries), its I/O evaluated; every server refers to one. */
int hw_write_shape(hw_writer_t *w, const char *hardware, int64_t shape_row, int shape_index, const server_t *shape);
/* One evaluated server (valid or not) of package package_row and shape shape_row. */
int hw_write_server(hw_writer_t *w, int64_t server_id, int64_t package_row, int64_t shape_row, const server_t *s);
void hw_writer_close(hw_writer_t *w);

/* Load the valid servers, in enumeration order, with their packages and
 * chips.  Free with hw_points_free(). */
int hw_store_load_valid(sqlite3 *db, hw_points_t *out, char *err, size_t errlen);

/* The first valid chip with this chip_id that has a valid package, with its
 * first valid package, every stored field (pkg->chip = chip): 1 found,
 * 0 none, -1 an SQLite error (not a hardware database). */
int hw_store_load_chip(sqlite3 *db, const char *chip_id, chip_t *chip, package_t *pkg);

#endif
