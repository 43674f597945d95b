/*
 * allreduce.c -- the all-reduce algorithms: ring, 2d_ring, 3d_ring and the
 * hierarchical local_* variants (a local all-reduce inside groups of 16 or
 * 8 nodes, a 3-D ring across groups, then a local broadcast).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config/named.h"
#include "perf/allreduce.h"

static double ar_ring(double p, double n, double alpha, double beta)
{
    return 2 * (p - 1) * (alpha + beta * n / p);
}

/* p = 4^k (the usual case): the side of 2d_ring's square is 2^k exactly
 * and dividing by it is multiplying by its exact inverse 2^-k, the same
 * correctly rounded result without the square root and the division. */
static inline bool ar_2d_ring_pow4(double p, double *side, double *inv)
{
    uint64_t bits;
    memcpy(&bits, &p, sizeof bits);
    int field = (int)(bits >> 52);      /* sign and biased exponent */
    int e = field - 1023;
    if (!((bits & ((UINT64_C(1) << 52) - 1)) == 0 && field >= 1023 && field <= 2046 && e % 2 == 0))
        return false;
    uint64_t side_bits = (uint64_t)(1023 + e / 2) << 52, inv_bits = (uint64_t)(1023 - e / 2) << 52;
    memcpy(side, &side_bits, sizeof *side);
    memcpy(inv, &inv_bits, sizeof *inv);
    return true;
}

/* The side of 2d_ring's square for any p: ceil(sqrt(p)) (2^k exactly for
 * p = 4^k, a perfect square). */
static inline double ar_2d_ring_side(double p)
{
    return ceil(sqrt(p));
}

/* allreduce_2d_ring_div with the side's exact inverse inv (p = 4^k): the same bits. */
static inline double ar_2d_ring_mul(double scale, double fixed, double beta, double n, double inv)
{
    return scale * (fixed + beta * n * inv);
}

/* allreduce_2d_ring_div's scale and fixed part. */
static inline double ar_2d_ring_scale(double side)
{
    return 2 * (side - 1);
}

static inline double ar_2d_ring_fixed(double alpha)
{
    return 2 * alpha;
}

static double ar_2d_ring(double p, double n, double alpha, double beta)
{
    double side, inv;
    if (ar_2d_ring_pow4(p, &side, &inv))
        return ar_2d_ring_mul(ar_2d_ring_scale(side), ar_2d_ring_fixed(alpha), beta, n, inv);
    side = ar_2d_ring_side(p);
    return allreduce_2d_ring_div(ar_2d_ring_scale(side), ar_2d_ring_fixed(alpha), beta, n, side);
}

/* One 3-D ring over p nodes; the cube root is pow(p, 1/3) rounded up, so
 * that p = 27 gives 4 as in the reference. */
static double ar_3d_ring(double p, double n, double alpha, double beta)
{
    double cbrt_p = ceil(pow(p, 1.0 / 3.0));
    return 2 * (cbrt_p - 1) * (3 * alpha + beta * n / cbrt_p);
}

/* Local all-reduce inside groups of `group` nodes; beyond one group add a
 * 3-D ring across the groups and a local broadcast, summed in that order. */
static double ar_hierarchical(double t_local_ar, double p, double group, double n,
                              double alpha, double beta)
{
    if (p == group)
        return t_local_ar;
    double t_global = ar_3d_ring(ceil(p / group), n, alpha, beta);
    double t_local_bc = 16 * alpha + beta * n + 2 * sqrt(alpha * beta * n);
    return t_local_ar + t_global + t_local_bc;
}

static double ar_local_4d_16(double p, double n, double alpha, double beta)
{
    return ar_hierarchical(8 * alpha + beta * n, p, 16, n, alpha, beta);
}

static double ar_local_2d_16(double p, double n, double alpha, double beta)
{
    return ar_hierarchical(6 * (2 * alpha + beta * n / 4), p, 16, n, alpha, beta);
}

static double ar_local_ring_16(double p, double n, double alpha, double beta)
{
    return ar_hierarchical(30 * alpha + 1.875 * beta * n, p, 16, n, alpha, beta);
}

static double ar_local_ring_8(double p, double n, double alpha, double beta)
{
    return ar_hierarchical(14 * alpha + 1.75 * beta * n, p, 8, n, alpha, beta);
}

const allreduce_algo_t allreduce_algos[] = {
    {"ring", ar_ring},
    {"2d_ring", ar_2d_ring},
    {"3d_ring", ar_3d_ring},
    {"local_4d_16", ar_local_4d_16},
    {"local_2d_16", ar_local_2d_16},
    {"local_ring_16", ar_local_ring_16},
    {"local_ring_8", ar_local_ring_8},
};
const size_t allreduce_algo_count = sizeof allreduce_algos / sizeof allreduce_algos[0];

const allreduce_algo_t *allreduce_find(const char *name, char *err, size_t errlen)
{
    long i = named_find(allreduce_algos, allreduce_algo_count, sizeof allreduce_algos[0], name, "allreduce_algo", err, errlen);
    return i < 0 ? NULL : &allreduce_algos[i];
}

allreduce_link_t allreduce_link(const io_link_t *const *links, int nlinks, double io_efficiency)
{
    const io_link_t *slowest = links[0];
    for (int i = 1; i < nlinks; i++)
        if (links[i]->bandwidth < slowest->bandwidth)
            slowest = links[i];
    double bandwidth = slowest->bandwidth * io_efficiency;
    return (allreduce_link_t){slowest->init_time_s, 1 / bandwidth, bandwidth};
}

bool allreduce_is_2d_ring(const allreduce_algo_t *algo)
{
    return algo->latency == ar_2d_ring;
}

void allreduce_2d_ring_parts(double p, double alpha, double *scale, double *fixed, double *side)
{
    /* for p = 4^k too: dividing by the side 2^k gives ar_2d_ring's product by 2^-k */
    *side = ar_2d_ring_side(p);
    *scale = ar_2d_ring_scale(*side);
    *fixed = ar_2d_ring_fixed(alpha);
}

double allreduce_latency(const allreduce_algo_t *algo, double p, double n,
                         const io_link_t *const *links, int nlinks, double io_efficiency)
{
    if (p == 1)
        return 0;
    allreduce_link_t link = allreduce_link(links, nlinks, io_efficiency);
    return allreduce_time(algo, p, n, &link);
}
