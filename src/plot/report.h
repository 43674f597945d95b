/*
 * report.h -- `hwsweep report`: one self-contained HTML page of a database
 * (inline SVG pictures, inline CSS, no script, no external reference).
 */
#ifndef PLOT_REPORT_H
#define PLOT_REPORT_H

#include <sqlite3.h>
#include <stddef.h>

#include "plot/gnuplot.h"

/* The report of db (read through plot_queries) into html.  0 done, 1
 * failure with err. */
int report_html(sqlite3 *db, const char *db_path, gp_buf_t *html, char *err, size_t errlen);

#endif
