/*
 * invalid_report.h -- what hw and sweeps print at the end: the five most
 * frequent invalid reasons (with their units, one example each) and a loud
 * warning when no point of a level is valid.
 */
#ifndef ENGINE_INVALID_REPORT_H
#define ENGINE_INVALID_REPORT_H

/* Report on the finished database db_path; quiet: only the warning. */
void job_invalid_report(const char *db_path, int quiet);

#endif
