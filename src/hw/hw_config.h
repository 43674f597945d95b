/*
 * hw_config.h -- reading hardware and constants YAML into the hardware
 * model's structs: the schemas of Chip, Package and Server (with their
 * links and memories), and of the technology constants.
 */
#ifndef HW_HW_CONFIG_H
#define HW_HW_CONFIG_H

#include "config/node.h"
#include "hw/hw.h"

typedef struct {
    char name[HW_NAME_MAX];
    cfg_doc_t *doc;
    size_t n_chips, n_packages, n_servers;  /* configurations of each part */
    chip_t *chips;          /* inputs only, enumeration order */
    package_t *packages;    /* inputs only (chip unset) */
    server_t *servers;      /* inputs only (package unset) */
} hw_config_t;

/* Largest number of configurations accepted for one part. */
#define HW_MAX_POINTS 50000000u

int hw_constants_load(const char *path, hw_constants_t *out, cfg_err_t *err);
/* Bind constants from an already loaded mapping (sweep overrides). */
int hw_constants_bind(const node_t *root, hw_constants_t *out, cfg_err_t *err);

int hw_config_load(const char *path, hw_config_t *out, cfg_err_t *err);
int hw_config_bind(cfg_doc_t *doc, const node_t *root, hw_config_t *out, cfg_err_t *err);
void hw_config_free(hw_config_t *cfg);

#endif
