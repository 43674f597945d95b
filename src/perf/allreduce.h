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
 * ceil(sqrt(p)), from the parts p and alpha fix (ar_2d_ring, allreduce.c):
 * scale = 2 (side - 1), fixed = 2 alpha, and the division by side, or for
 * p = 4^k the multiplication by its exact inverse (the same bits). */
static inline double allreduce_2d_ring_div(double scale, double fixed, double beta, double n,
                                           double side)
{
    return scale * (fixed + beta * n / side);
}

static inline double allreduce_2d_ring_mul(double scale, double fixed, double beta, double n,
                                           double inv)
{
    return scale * (fixed + beta * n * inv);
}

/* An all-reduce over p nodes on one link, prepared for many byte counts:
 * what allreduce_time works out from p and the link alone, once.
 * allreduce_plan_time(plan, n) is allreduce_time(algo, p, n, link), bit for
 * bit; for 2d_ring without its square root or exponent test (the others
 * call their algorithm). */
typedef struct {
    enum { ALLREDUCE_PLAN_ZERO, ALLREDUCE_PLAN_2D_RING_DIV, ALLREDUCE_PLAN_2D_RING_MUL,
           ALLREDUCE_PLAN_CALL } kind;
    allreduce_fn latency;        /* CALL: the algorithm and its arguments */
    double p, alpha, beta;       /* beta also for 2D_RING_* */
    double scale, fixed, side;   /* 2D_RING_*: allreduce_2d_ring_div/mul's parts (MUL: side is
                                    the inverse) */
} allreduce_plan_t;

void allreduce_plan(const allreduce_algo_t *algo, double p, const allreduce_link_t *link,
                    allreduce_plan_t *plan);

static inline double allreduce_plan_time(const allreduce_plan_t *pl, double n)
{
    switch (pl->kind) {
    case ALLREDUCE_PLAN_ZERO:
        return 0;
    case ALLREDUCE_PLAN_2D_RING_DIV:
        return allreduce_2d_ring_div(pl->scale, pl->fixed, pl->beta, n, pl->side);
    case ALLREDUCE_PLAN_2D_RING_MUL:
        return allreduce_2d_ring_mul(pl->scale, pl->fixed, pl->beta, n, pl->side);
    default:
        return pl->latency(pl->p, n, pl->alpha, pl->beta);
    }
}

/* allreduce_time on allreduce_link(links, nlinks, io_efficiency). */
double allreduce_latency(const allreduce_algo_t *algo, double p, double n,
                         const io_link_t *const *links, int nlinks, double io_efficiency);

#endif
