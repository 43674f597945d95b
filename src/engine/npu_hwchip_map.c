/*
 * npu_hwchip_map.c -- a hardware-exploration chip as an NPU chip (see
 * npu_hwchip_map.h).
 */
#include "engine/npu_hwchip_map.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

bool npu_hwchip_spec(const char *spec, char *path, size_t plen, char *id, size_t ilen)
{
    const char *c = strstr(spec, ".db:");
    if (!c || !c[4])
        return false;
    snprintf(path, plen, "%.*s", (int)(c + 3 - spec), spec);
    snprintf(id, ilen, "%s", c + 4);
    return true;
}

void npu_hwchip_of(const chip_t *c, const package_t *p, npu_hwchip_t *h)
{
    memset(h, 0, sizeof *h);
    snprintf(h->chip_id, sizeof h->chip_id, "%s", c->chip_id);
    h->perf_flops = c->perf;
    h->freq_hz = c->freq;
    h->sram_bytes = c->sram;
    h->sram_bw_bytes_per_s = c->sram_bw;
    h->link_bw_bytes_per_s =
        c->pkg2pkg_io.bandwidth_per_io > 0 ? c->pkg2pkg_io.bandwidth_per_io : c->chip2chip_io.bandwidth_per_io;
    h->hbm_bw_bytes_per_s = (p->hbm.bandwidth + p->mem_3d.bandwidth) / p->num_chips;
    h->hbm_cap_bytes = (p->hbm.cap + p->mem_3d.cap) / p->num_chips;
    h->tdp_w = c->tdp;
}

static void set_num(npu_config_t *c, const char *key, double v)
{
    int i = npu_config_index(key);
    if (npu_cfg_keys[i].type == NCT_INT)
        c->v[i].i = (int64_t)v;
    else
        c->v[i].f = v;
    c->v[i].set = true;
}

bool npu_hwchip_apply(npu_config_t *c, const npu_hwchip_t *h, char *err, size_t errlen)
{
    const double gib = 1024.0 * 1024.0 * 1024.0;
    if (!(h->freq_hz > 0) || !(h->perf_flops > 0) || !(h->hbm_bw_bytes_per_s > 0) || !(h->hbm_cap_bytes >= gib)) {
        snprintf(err, errlen,
                 "hardware chip '%s' cannot be an NPU chip: it needs a clock, peak FLOP/s and at least 1 GiB of HBM "
                 "(or 3D memory) with its bandwidth",
                 h->chip_id);
        return false;
    }
    /* MXUs: the base chip's sa_dim x sa_dim arrays, as many as the peak FLOP/s needs at this clock */
    double sa = (double)npu_config_int(c, "sa_dim");
    double num_sa = round(h->perf_flops / (2 * sa * sa * h->freq_hz));
    set_num(c, "num_sa", num_sa < 1 ? 1 : num_sa);
    set_num(c, "freq_GHz", h->freq_hz / 1e9);
    /* VMEM = the chip's SRAM (whole MiB) */
    double vmem = floor(h->sram_bytes / 1024 / 1024);
    set_num(c, "vmem_size_MB", vmem < 1 ? 1 : vmem);
    /* NeuSim's HBM GB/s are 2^30 bytes per second (memory time = bytes / (GBps x 2^30 / 1e9)) */
    set_num(c, "hbm_bw_GBps", h->hbm_bw_bytes_per_s / gib);
    set_num(c, "hbm_size_GB", floor(h->hbm_cap_bytes / gib));
    /* ICI GB/s are 1e9 bytes per second per link (traffic / GBps = ns) */
    if (h->link_bw_bytes_per_s > 0)
        set_num(c, "ici_bw_GBps", h->link_bw_bytes_per_s / 1e9);
    if (h->tdp_w > 0)
        set_num(c, "TDP_W", h->tdp_w);
    int ni = npu_config_index("name");
    snprintf(c->v[ni].s, sizeof c->v[ni].s, "-hw-%s", h->chip_id);
    c->v[ni].set = true;
    return true;
}
