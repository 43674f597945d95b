/*
 * io.c -- I/O links and memories: HBM stacks and 3D memory vaults
 * (ReaLLM v1 IO.py and Memory.py).
 */
#include "hw/hw_eval.h"

void hw_io_eval(io_link_t *io)
{
    /* quirk: bandwidth is num x bandwidth_per_io, not halved per direction */
    io->bandwidth = io->num * io->bandwidth_per_io;
    io->area = io->num * io->area_per_io;
    io->tdp = io->num * io->tdp_per_io;
    io->joules_per_byte = io->pj_per_byte / 1e12;
}

void hw_hbm_eval(hbm_t *h)
{
    h->cap = h->channel_bytes * h->num_channels;
    h->bandwidth = h->bit_rate * h->channel_width * h->num_channels / 8;
    h->tdp = h->bandwidth * h->pj_per_byte * 1e-12;
    h->area = h->x * h->y;
    if (h->stack_cost != 0)
        h->cost = h->stack_cost;
    else
        h->cost = h->cap / 1024 / 1024 / 1024 * h->cost_per_gb;
}

void hw_mem3d_eval(mem3d_t *m)
{
    if (m->tsvs != 0 && m->bit_rate != 0)
        m->bandwidth = m->tsvs * m->bit_rate / 8;
    if (m->pj_per_bit != 0)
        m->pj_per_byte = m->pj_per_bit * 8;
    if (m->density != 0 && m->tsvs != 0 && m->tsv_area != 0) {
        double total_tsv_area = m->tsvs * m->tsv_area;
        double cell_area = m->layer_area - total_tsv_area;
        m->layer_bytes = cell_area * m->density;
    }
    m->cap = m->layer_bytes * m->num_layers;
    m->tdp = m->bandwidth * m->pj_per_byte * 1e-12;
    m->area = m->layer_area;
    m->cost = m->layer_cost * m->num_layers;
}
