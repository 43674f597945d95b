/*
 * named.h -- lookup in the {name, function} tables that name our choices
 * (dataflow, all-reduce algorithm, ...), with the error that lists the
 * valid names.
 */
#ifndef CONFIG_NAMED_H
#define CONFIG_NAMED_H

#include <stddef.h>

/* Index of name in a table of count entries, stride bytes apart, each
 * starting with its `const char *name`; -1 with "unknown WHAT 'x' (valid:
 * a, b)" in err when absent. */
long named_find(const void *table, size_t count, size_t stride, const char *name, const char *what, char *err,
                size_t errlen);

/* The name a file gives to what it describes: its base name without
 * folders and without .yaml / .yml (sweeps/big.yaml -> big). */
void named_file_stem(const char *path, char *out, size_t len);

/* Names that become file or folder names (a hardware's Name, a model's
 * name): NULL when usable, else what is wrong ("cannot be '.' or '..'";
 * also empty, separators, control characters, spaces, a leading '-'). */
const char *named_path_name_problem(const char *name);

#endif
