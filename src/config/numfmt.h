/*
 * numfmt.h -- numbers as text: the shortest form that reads back to the
 * same double (%.15g, else %.16g, else %.17g), and Python's repr of a
 * float (float.__repr__: "40.0", "1e-05", "1000000000000000.0", "1e+16";
 * shortest round-trip digits computed exactly, about 0.2 us a number)
 * for messages and Python-compatible outputs; the one home of the
 * reference's Python behaviour (num_repr is checked against Python's own
 * output in tests/test_numfmt.c; py_max).
 */
#ifndef CONFIG_NUMFMT_H
#define CONFIG_NUMFMT_H

#include <stddef.h>

void num_shortest(char *buf, size_t len, double v);
void num_repr(char *buf, size_t len, double v);

/* max() as Python picks it: the first argument unless the second is larger
 * (so max(nan, x) is nan and max(x, nan) is x, as in the reference). */
static inline double py_max(double a, double b)
{
    return b > a ? b : a;
}

#endif
