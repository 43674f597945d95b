/*
 * allreduce.h -- latency models of the all-reduce collective (ReaLLM v1
 * Performance._get_allreduce_latency), as a table of named algorithms.
 *
 * Each algorithm is an alpha-beta model: alpha = per-transfer start-up time
 * (s), beta = seconds per byte of the bottleneck link (after the I/O
 * efficiency), p = nodes, n = bytes each node contributes.
 */
#ifndef PERF_ALLREDUCE_H
#define PERF_ALLREDUCE_H

#include <stdbool.h>
#include <stddef.h>

#include "hw/hw.h"

typedef double (*allreduce_fn)(double p, double n, double alpha, double beta);

typedef struct {
    const char *name;
    allreduce_fn latency;
} allreduce_algo_t;

/* All algorithms, in the order they are listed to users. */
extern const allreduce_algo_t allreduce_algos[];
extern const size_t allreduce_algo_count;

/* The algorithm called `name`; NULL with "unknown allreduce_algo 'x'
 * (valid: ring, 2d_ring, ...)" in err otherwise. */
const allreduce_algo_t *allreduce_find(const char *name, char *err, size_t errlen);

/* The alpha and beta of a collective over links[0..nlinks): the slowest
 * link's start-up time, and its bandwidth at io_efficiency with the
 * seconds per byte that is (the first link on a tie). */
typedef struct {
    double alpha_s, beta_s_per_byte, bytes_per_s;
} allreduce_link_t;
allreduce_link_t allreduce_link(const io_link_t *const *links, int nlinks, double io_efficiency);

/* Latency (s) of all-reducing n bytes over p nodes on `link`: zero for a
 * single node. */
static inline double allreduce_time(const allreduce_algo_t *algo, double p, double n,
                                    const allreduce_link_t *link)
{
    return p == 1 ? 0 : algo->latency(p, n, link->alpha_s, link->beta_s_per_byte);
}

/* 2d_ring's latency 2 (side - 1) (2 alpha + beta n / side), side =
 * ceil(sqrt(p)), from the parts p and alpha fix: scale = 2 (side - 1) and
 * fixed = 2 alpha.  ar_2d_ring (allreduce.c) multiplies by the side's exact
 * inverse for p = 4^k instead of dividing: the same bits. */
static inline double allreduce_2d_ring_div(double scale, double fixed, double beta, double n,
                                           double side)
{
    return scale * (fixed + beta * n / side);
}

/* Whether algo is 2d_ring; and its parts for p > 1 nodes at start-up time
 * alpha, for a caller meeting many byte counts on one p and link:
 * allreduce_2d_ring_div(scale, fixed, beta, n, side) is then
 * allreduce_time(algo, p, n, link), bit for bit, without the square root
 * or the exponent test. */
bool allreduce_is_2d_ring(const allreduce_algo_t *algo);
void allreduce_2d_ring_parts(double p, double alpha, double *scale, double *fixed, double *side);

/* allreduce_time on allreduce_link(links, nlinks, io_efficiency). */
double allreduce_latency(const allreduce_algo_t *algo, double p, double n,
                         const io_link_t *const *links, int nlinks, double io_efficiency);

#endif
