/*
 * jobs.h -- the jobs behind the subcommands: load and validate inputs
 * (exit 2 on bad input before anything is written), evaluate, store in one
 * transaction, write the CSV atomically.  Exit codes: 0 done, 2 bad input,
 * 1 other failure.
 */
#ifndef ENGINE_JOBS_H
#define ENGINE_JOBS_H

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_BADINPUT = 2 };

typedef struct {
    const char *hw_path;
    const char *constants_path;
    const char *outdir;
    const char *model_path;    /* sw */
    const char *system_path;   /* sw; NULL = per-hardware default */
    const char *hw_name;       /* sw: NAME */
    int threads;
    const char *command;       /* for the runs table */
    int quiet;
} job_opts_t;

int job_hw(const job_opts_t *o);
int job_sw(const job_opts_t *o);
/* Read and check sw's model and system files only (exit status as job_sw). */
int job_sw_check(const job_opts_t *o);

/* hwsweep inputs: list the input files kept in db_path, or write them
 * under extract_dir (non-NULL). */
int job_inputs(const char *db_path, const char *extract_dir, int quiet);

/* mkdir -p; 0 on success. */
int job_mkdirs(const char *path);

#endif
