/*
 * paths.h -- where input files are found, so that hwsweep works from any
 * directory:
 *   - a relative path written inside a file (a sweep's hardware, constants,
 *     models, systems) is looked up next to that file, then in the current
 *     directory, then among the shipped inputs;
 *   - a shipped input named by a default (inputs/hardware/constant/
 *     7nm_default.yaml, inputs/software/system/NAME.yaml) is looked up in the
 *     current directory, then in the data folder: $HWSWEEP_DATA, else
 *     PREFIX/share/hwsweep next to an installed binary (PREFIX/bin/hwsweep),
 *     else the source tree of a binary run from it (bin/hwsweep).
 * No state is kept: each call looks again.
 */
#ifndef HWSWEEP_PATHS_H
#define HWSWEEP_PATHS_H

#include <stddef.h>

/* The technology constants every hardware exploration uses unless told otherwise. */
#define PATHS_DEFAULT_CONSTANTS "inputs/hardware/constant/7nm_default.yaml"

/* The data folder (holding inputs/) into out; -1 when none is found. */
int paths_data_dir(char *out, size_t len);

/* rel as found from a default: rel itself when readable, else the data
 * folder's copy when readable, else rel (whose error then names it). */
const char *paths_shipped(const char *rel, char *buf, size_t len);

/* rel as named inside the file `from`: absolute as is; else next to
 * `from`, else rel in the current directory, else the data folder's copy;
 * rel itself when none is readable.  The result is in buf. */
const char *paths_near(const char *from, const char *rel, char *buf, size_t len);

#endif
