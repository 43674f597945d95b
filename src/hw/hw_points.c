/*
 * hw_points.c -- freeing the points of a hardware exploration (hw_points.h).
 */
#include <stdlib.h>
#include <string.h>

#include "hw/hw_points.h"

void hw_points_free(hw_points_t *pts)
{
    free(pts->chips);
    free(pts->packages);
    free(pts->servers);
    memset(pts, 0, sizeof *pts);
}
