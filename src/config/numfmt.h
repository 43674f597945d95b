/*
 * numfmt.h -- numbers as text: the shortest form that reads back to the
 * same double (%.15g, else %.16g, else %.17g), and Python's repr of a
 * float for messages ("40.0").
 */
#ifndef CONFIG_NUMFMT_H
#define CONFIG_NUMFMT_H

#include <stddef.h>

void num_shortest(char *buf, size_t len, double v);
void num_repr(char *buf, size_t len, double v);

#endif
