/*
 * hw.h -- the hardware model's data: technology constants, I/O links,
 * memories, chips, packages, servers and their TCO.
 *
 * Every struct holds the YAML inputs first, then the fields derived by the
 * evaluation functions (hw_*_eval).  Lengths are in mm unless a name says
 * otherwise, power in W, money in USD, bandwidth in bytes/s, capacity in
 * bytes.  The formulas follow ReaLLM v1 (see ../shared/REFERENCE.md).
 */
#ifndef HW_HW_H
#define HW_HW_H

#include <stdbool.h>

#define HW_NAME_MAX 64
#define HW_REASON_MAX 256

/* ---- constants (inputs/hardware/constant/NAME.yaml) ---------------------- */

typedef struct {
    double sram_density;          /* mm2 per MB */
    double macs_density;          /* mm2 per TFLOP/s */
    double w_per_tops;            /* W per TFLOP/s */
    double max_power_density;     /* W/mm2 */
    double padring_width;         /* mm */
    double max_die_area;          /* mm2 */
    double D0;                    /* defects per mm2 */
    double alpha;                 /* clustering parameter */
    double wafer_diameter;        /* mm */
    double wafer_dicing_gap;      /* mm */
    double wafer_cost;            /* USD */
    double testing_cost_overhead; /* fraction of die cost */
    double hbm_phy_ctrl_area_per_channel; /* mm2 */
    double mem_3d_tsv_ctrl_area_per_vault; /* mm2 */
    double mem_3d_ctrl_area_per_vault;     /* mm2 */
    double mem_3d_area_per_tsv;            /* mm2 */
    double mem_3d_test_area_per_vault;     /* mm2 */
} chip_constants_t;

#define OS_LAYER_MAX 16
typedef struct {
    double max_die_area;       /* mm2 */
    double max_power_density;  /* W/mm2 */
    double os_area_scale_factor;
    double os_cost_per_mm2;    /* USD/mm2 */
    /* {area_threshold_mm2: factor} in YAML order */
    int os_layer_n;
    double os_layer_threshold_mm2[OS_LAYER_MAX];
    double os_layer_factor[OS_LAYER_MAX];
    double os_bonding_yield;
    double c4_bump_cost_per_mm2; /* USD/mm2 */
    double si_area_scale_factor;
    double si_wafer_cost;      /* USD */
    double si_bonding_yield;
    double si_D0;
    double si_alpha;
} package_constants_t;

typedef struct {
    double PCBCost, PCBPartsCost, DCDCCostPerAmp, DCDCMaxCurrent, DCDCEfficiency;
    double MaxDCDCCost, FanPower, FanCost, APPPower, APPCost;
    double PSUCostPerW, PSUEfficiency, PSUOutputVoltage, MaxPSUCost;
    double ChassisCost, EthernetCost, SrvLife, SrvMaxPower;
    double LaneAreaMin, LaneAreaMax;
} server_constants_t;

typedef struct {
    double ElectricityCost; /* USD/kWh */
    double InterestRate;    /* annual */
    double DCCapex;         /* USD/W */
    double DCAmortPeriod;   /* years */
    double DCOpex;          /* USD/kW/month */
    double PUE;
    double SrvOpexRate;
    double SrvAvgPwr;
} tco_constants_t;

typedef struct {            /* pJ per byte (fma: per FMA) */
    double sram_wgt, sram_act, dram, hbm2, stacked_dram, fma_fp16;
} energy_constants_t;

typedef struct {
    chip_constants_t chip;
    package_constants_t package;
    server_constants_t server;
    tco_constants_t tco;
    energy_constants_t energy;
} hw_constants_t;

/* ---- I/O link ---------------------------------------------------------- */

typedef struct {
    bool present;
    char io_type[16];
    double num;
    double bandwidth_per_io;   /* bytes/s */
    double area_per_io;        /* mm2 */
    double tdp_per_io;         /* W */
    double pj_per_byte;
    double init_time_s;
    /* derived */
    double bandwidth;          /* bytes/s, num x bandwidth_per_io */
    double area;               /* mm2 */
    double tdp;                /* W */
    double joules_per_byte;
} io_link_t;

/* ---- memories ---------------------------------------------------------- */

typedef struct {
    bool present;
    char config[HW_NAME_MAX];
    bool simulator;
    double channel_bytes, channel_width, bit_rate, num_channels;
    double cost_per_gb;        /* USD/GiB */
    double pj_per_byte;
    double vdd;
    double x, y;               /* mm */
    double stack_cost;         /* USD, 0 = derive from cost_per_gb */
    /* derived */
    double cap;                /* bytes */
    double bandwidth;          /* bytes/s */
    double tdp, area, cost;
} hbm_t;

typedef struct {
    bool present;
    char mem_type[HW_NAME_MAX];
    char config[HW_NAME_MAX];
    bool simulator;
    double tsvs, layer_bytes, layer_area, layer_cost, num_layers;
    double density, tsv_area, bit_rate, pj_per_bit, vdd;
    double bandwidth;          /* input or derived, bytes/s */
    double pj_per_byte;
    /* derived */
    double cap, tdp, area, cost;
} mem3d_t;

/* ---- chip -------------------------------------------------------------- */

typedef struct {
    /* inputs */
    char chip_id[HW_NAME_MAX];  /* user id, or the valid-chip counter */
    bool chip_id_given;
    char tech[HW_NAME_MAX];
    char sram_tech[HW_NAME_MAX];
    char dataflow[16];          /* roofline | WS */
    char area_model[16];        /* linear */
    io_link_t pkg2pkg_io;
    io_link_t chip2chip_io;
    double freq;                /* Hz */
    double bytes_per_word;
    bool thermal_eval;
    double perf;                /* FLOP/s (input or derived) */
    double perf_fp8, perf_int8, perf_fp4; /* FLOP/s per format, 0 = at perf (perf_model v2) */
    double max_clock_mhz, sustained_clock_mhz; /* unthrottled / power-limited SM clock, 0 = not given (perf_model v2) */
    double l2_read_bytes_per_s; /* measured L2-hit read bandwidth, 0 = not given (perf_model v2: K/V re-reads) */
    double sram;                /* bytes */
    double sram_bw;             /* bytes/s */
    double area;                /* mm2 */
    double mac_ratio;
    double operational_intensity;
    double other_area;          /* mm2 */
    double core_area_ratio;
    double num_sa;
    double acc_depth;
    double hbm_channels;
    double mem_3d_vaults;
    double mem_3d_vault_tsvs;   /* 0 = not given */
    double macs_density;        /* 0 = from constants */
    double w_per_tops;          /* 0 = from constants */
    double vdd;
    /* derived */
    bool valid;
    char invalid_reason[HW_REASON_MAX];
    double sa_width, tdp, cost, power_density, io_area, sram_area, mac_area;
    double die_yield, dpw, tops, sram_mb, sram_bw_TB_per_sec, core_tdp, x, y;
} chip_t;

/* ---- package ----------------------------------------------------------- */

typedef struct {
    const chip_t *chip;
    double num_chips;
    int package_id;
    mem3d_t mem_3d;
    hbm_t hbm;
    bool thermal_eval;
    double custom_max_power_density; /* 0 = not given */
    /* derived */
    io_link_t io;
    bool si;
    double num_hbm_stacks;
    double heatsource_length, heatsource_width;
    double total_die_area, area, length, width;
    double tdp, cost, perf, sram, dram, total_mem, dram_bw_per_chip;
    double tops, sram_mb, dram_gb, dram_bw_TB_per_sec, power_density;
    bool valid;
    char invalid_reason[HW_REASON_MAX];
} package_t;

/* ---- heat sink --------------------------------------------------------- */

typedef struct {
    bool valid;
    double cost;        /* USD */
    double max_power;   /* W the heat sink can remove from one package */
} heatsink_t;

/* ---- TCO ---------------------------------------------------------------- */

typedef struct {
    double dc_amortization, dc_interest, dc_opex, srv_power, pue_overhead;
    double srv_amortization, srv_interest, srv_opex;
    double total, fix_part, power_part;
} tco_t;

/* ---- server ------------------------------------------------------------ */

typedef struct {
    const package_t *package;
    int server_id;
    int shape_index;                  /* position of its Server entry in the file (set by the engine) */
    double packages_per_lane;
    double num_lanes;
    io_link_t io;
    bool thermal_eval;
    double custom_max_power;          /* 0 = not given */
    double package_max_power_factor;
    /* derived */
    double num_packages, num_chips, core_tdp, other_tdp, tdp;
    heatsink_t hs;
    double cost;
    tco_t tco;
    double perf, sram, dram, tops, sram_mb, total_mem;
    double cost_all_package, cost_all_heatsinks, cost_all_fans, cost_all_ethernet;
    double cost_dcdc, cost_psu, cost_system;
    bool valid;
    char invalid_reason[HW_REASON_MAX];
} server_t;

#endif
