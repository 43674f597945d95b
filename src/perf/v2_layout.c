/*
 * v2_layout.c -- partitioning layouts of "Efficiently Scaling Transformer
 * Inference" (Pope et al., MLSys 2023, section 3.2) for one block over t
 * chips, and their communication (perf_model v2; v2_layout_comm is inline
 * in v2_model.h, called a few times a pass).  Replaces the single
 * layout of perf.c's micro_batch_comms (a full-activation all-reduce).
 *
 * Layouts, per block of model width e and inner width f (heads x d_head or
 * d_ff), n token rows:
 *   1d_ws   weights split along f over all t chips; rows replicated
 *   2d_ws   weights split along e over x and along f over yz = t / x, with
 *           x the power of two nearest sqrt(t e / f) (minimizes traffic)
 *   wg_xy   weights all-gathered over t / z chips (rows split over them),
 *           1D weight-stationary over the z = cbrt(t) others
 *   wg_xyz  weights all-gathered over all t chips, rows split over them
 *
 * Sources: the layouts and their per-block traffic are Pope et al.'s
 * section 3.2 and figure 2; x = sqrt(t e / f) minimizes 2D's traffic
 * (their appendix A.2.1); wg_xy's z = cbrt(t) is one axis of the paper's
 * X x Y x Z torus (4 x 4 x 4 for 64 chips, weights gathered over X Y = 16);
 * an all-gather moves half the bytes of an all-reduce of the same result
 * (an all-reduce is a reduce-scatter plus an all-gather, their appendix A.1).
 */
#include <math.h>
#include <stdint.h>

#include "perf/v2_model.h"

const v2_layout_t v2_layouts[] = {
    {"1d_ws", V2_LAYOUT_1D_WS},
    {"2d_ws", V2_LAYOUT_2D_WS},
    {"wg_xy", V2_LAYOUT_WG_XY},
    {"wg_xyz", V2_LAYOUT_WG_XYZ},
};

/* The power of two nearest target in log scale (x <= target sqrt 2 < 2x),
 * then halved until it divides t. */
static double pow2_near(double target, double t)
{
    double x = 1;
    while (2 * x <= target * 1.4142135623730951) /* sqrt 2 */
        x *= 2;
    /* x is a power of two, so t / x is exact: t is a multiple of x when
     * that quotient is whole (fmod(t, x) == 0, without libm's slow fmod) */
    while (x > 1 && (x > t || t / x != floor(t / x)))
        x /= 2;
    return x;
}

/* pow2_near(cbrt(t), t) (wg_xy's stationary z) for a whole t in [1, 2^20]
 * without libm's cbrt: the first loop doubles x while 2x <= cbrt(t) sqrt 2,
 * that is while (2x)^6 <= 8 t^2, compared exactly in integers; the two
 * sides are never equal (8 t^2 = 2^(6j) has no whole t) and differ by more
 * than cbrt's rounding can move them below 2^20 (checked for every such t
 * against the libm form).  The second loop stops at the largest power of
 * two dividing t (t & -t) or earlier: the smaller of the two. */
static double pow2_near_cbrt(double t)
{
    if (!(t >= 1 && t <= 1048576) || (double)(uint64_t)t != t)
        return pow2_near(cbrt(t), t);
    uint64_t ti = (uint64_t)t, rhs = 8 * ti * ti, x = 1;
    for (;;) {
        uint64_t y = 2 * x, y3 = y * y * y;
        if (y3 * y3 > rhs)
            break;
        x = y;
    }
    uint64_t low = ti & (~ti + 1);
    return (double)(x < low ? x : low);
}

v2_split_t v2_layout_split(v2_layout_id_t id, double t, double n, double e, double f)
{
    v2_split_t s = {n, 1 / t, 1, 1, t};
    switch (id) {
    case V2_LAYOUT_2D_WS:
        s.x = pow2_near(sqrt(t * e / f), t);
        s.yz = t / s.x;
        break;
    case V2_LAYOUT_WG_XY:
        s.yz = pow2_near_cbrt(t);  /* the stationary z chips: pow2_near(cbrt(t), t) */
        s.gather = t / s.yz;
        s.rows = n / s.gather;
        s.weight_share = 1 / s.yz;
        break;
    case V2_LAYOUT_WG_XYZ:
        s.gather = t;
        s.yz = 1;
        s.rows = n / t;
        s.weight_share = 1;
        break;
    default:
        break;
    }
    return s;
}

/* Per-layer collective counts read in Pope et al.'s implementation
 * (google-research/google-research at 6919d28c, layers_parallel.py;
 * layers/one_d_parallel_xmap.py at 1d4d2f1a); see v2_model.h. */
int v2_layout_collectives(v2_layout_id_t id, int kv_batch_sharded)
{
    switch (id) {
    case V2_LAYOUT_1D_WS:
        return kv_batch_sharded ? 9 : 5;
    case V2_LAYOUT_2D_WS:
        return kv_batch_sharded ? 10 : 9;
    default:
        return 2;
    }
}

double v2_layout_collective_fixed_s(v2_layout_id_t id, int kv_batch_sharded, double t,
                                    double collective_fixed_s)
{
    if (!(t > 1) || !(collective_fixed_s > 0))
        return 0;
    return v2_layout_collectives(id, kv_batch_sharded) * collective_fixed_s;
}
