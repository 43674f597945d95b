/*
 * numfmt.h -- numbers as text: the shortest form that reads back to the
 * same double (%.15g, else %.16g, else %.17g), and Python's repr of a
 * float (float.__repr__: "40.0", "1e-05", "1e+16") for messages and
 * Python-compatible outputs.
 */
#ifndef CONFIG_NUMFMT_H
#define CONFIG_NUMFMT_H

#include <stddef.h>

void num_shortest(char *buf, size_t len, double v);
void num_repr(char *buf, size_t len, double v);

#endif
