/*
 * plot_file.h -- pictures and reports written atomically: a temporary
 * file beside the target (PATH.tmp.PID), flushed, synced and renamed into
 * place, so a failed run leaves the earlier file untouched.
 */
#ifndef PLOT_PLOT_FILE_H
#define PLOT_PLOT_FILE_H

#include <stddef.h>

int plot_write_file(const char *path, const void *data, size_t len, char *err, size_t errlen);

#endif
