/*
 * npu_query.h -- `hwsweep query` on an NPU sweep database.
 */
#ifndef CLI_NPU_QUERY_H
#define CLI_NPU_QUERY_H

/* Print query `what` (summary, best, pareto) of the NPU sweep database at
 * path, optionally for one model; csv selects RFC 4180.  Exit status. */
int npu_query(const char *path, const char *what, const char *model, int csv);

#endif
