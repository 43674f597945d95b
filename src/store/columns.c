/*
 * columns.c -- the `columns` table: every column of every table and view
 * with its unit and meaning.  A column is described by its exact name
 * (per table where a name means different things), else by a group prefix
 * (an I/O link, an HBM stack, a 3D memory, a phase) and a stem, else by the
 * unit its name ends with; the rest of its meaning is its name in words.
 */
#include <stdio.h>
#include <string.h>

#include "store/columns.h"
#include "store/schema_sql.h"

typedef struct {
    const char *table;     /* NULL: any table */
    const char *name, *unit, *meaning;
} doc_t;

static const doc_t docs[] = {
    /* keys and bookkeeping */
    {NULL, "run_id", "", "run number (one per hw, sw, sweep or merge invocation)"},
    {NULL, "kind", "", "what ran: hw, sw, sweep or merge"},
    {NULL, "command", "", "the command line"},
    {"runs", "inputs", "", "the input files of the run with their SHA-256 (JSON)"},
    {NULL, "tool_version", "", "hwsweep version that wrote the run"},
    {NULL, "threads", "", "worker threads"},
    {NULL, "started_at", "", "start time, UTC ISO 8601"},
    {NULL, "ended_at", "", "end time, UTC ISO 8601 (NULL: unfinished)"},
    {NULL, "status", "", "running, done, interrupted or failed"},
    {NULL, "sweep", "", "sweep name"},
    {NULL, "fingerprint", "", "SHA-256 of the sweep's inputs (resume and merge check it)"},
    {NULL, "shard", "", "I/N of a sharded run"},
    /* sweep_progress: one row per attempt of a sweep run (hwsweep status) */
    {"sweep_progress", "servers_total", "", "server configurations in this shard"},
    {"sweep_progress", "servers_at_start", "", "servers already stored when the attempt started (resumed)"},
    {"sweep_progress", "servers_done", "", "servers stored so far (all attempts)"},
    {"sweep_progress", "systems_done", "", "system points stored so far (all attempts)"},
    {"sweep_progress", "started_at", "s", "start of the attempt's points phase, Unix time"},
    {"sweep_progress", "updated_at", "s", "last committed chunk, Unix time"},
    {"sweep_progress", "host", "", "host name of the attempt"},
    {"sweep_progress", "pid", "", "process id of the attempt"},
    {"sweep_progress", "checkpoint_every_s", "s", "period of the attempt's published checkpoints (0: none)"},
    {NULL, "role", "", "what the file is: hardware, constants, model, system or sweep"},
    {NULL, "path", "", "file path as read"},
    {NULL, "sha256", "", "SHA-256 of the file's content (hex)"},
    {NULL, "content", "", "the file's content"},
    {"columns", "table_name", "", "table or view"},
    {"columns", "column_name", "", "column"},
    {"columns", "type", "", "declared SQLite type (empty: a view's computed column)"},
    {"columns", "unit", "", "unit of the values (empty: a count, name, flag or ratio)"},
    {"columns", "meaning", "", "what the column holds"},
    {NULL, "hardware", "", "hardware configuration name (the hardware file's Name)"},
    {NULL, "chip_row", "", "row of the chip in chips"},
    {NULL, "package_row", "", "row of the package in packages"},
    {NULL, "server_id", "", "server number in servers"},
    {NULL, "server_row", "", "0-based position of the server among the valid servers of its hardware "
                             "(the row of the hardware CSV)"},
    {NULL, "system_id", "", "system point number in systems"},
    {NULL, "chip_id", "", "chip id given in the file, else the valid-chip counter"},
    {NULL, "chip_id_given", "", "1 when the chip id was given in the file"},
    {NULL, "package_id", "", "package configuration number"},
    {NULL, "valid", "", "1 when the point is valid"},
    {NULL, "invalid_reason", "", "why the point is invalid (NULL when valid)"},
    {NULL, "model", "", "model name"},
    {NULL, "system", "", "system file name"},
    {NULL, "config_index", "", "position of the configuration in the system file"},
    /* chips */
    {NULL, "tech", "", "process technology"},
    {NULL, "sram_tech", "", "SRAM technology"},
    {NULL, "dataflow", "", "dataflow model: roofline or WS"},
    {NULL, "area_model", "", "die area model"},
    {NULL, "freq_hz", "Hz", "clock frequency"},
    {NULL, "bytes_per_word", "bytes", "bytes per word"},
    {NULL, "thermal_eval", "", "1 when the thermal limits are checked"},
    {NULL, "perf_flops", "FLOP/s", "peak compute"},
    {NULL, "sram_bytes", "bytes", "on-chip SRAM capacity"},
    {NULL, "sram_bw_bytes_per_s", "bytes/s", "SRAM bandwidth"},
    {"chips", "area_mm2", "mm2", "die area"},
    {"packages", "area_mm2", "mm2", "package area"},
    {NULL, "mac_ratio", "", "fraction of the core area spent on MACs"},
    {NULL, "operational_intensity", "FLOP/byte", "compute per SRAM byte the chip is sized for"},
    {NULL, "other_area_mm2", "mm2", "die area of other logic"},
    {NULL, "core_area_ratio", "", "fraction of the die that is core"},
    {NULL, "num_sa", "", "systolic arrays"},
    {NULL, "acc_depth", "", "accumulator depth"},
    {NULL, "hbm_channels", "", "HBM channels of the chip"},
    {NULL, "mem_3d_vaults", "", "3D-memory vaults of the chip"},
    {NULL, "mem_3d_vault_tsvs", "", "TSVs per 3D-memory vault (0: not given)"},
    {NULL, "macs_density", "mm2 per TFLOP/s", "MAC area density (0: from the constants)"},
    {NULL, "w_per_tops", "W per TFLOP/s", "MAC power density (0: from the constants)"},
    {NULL, "vdd", "V", "supply voltage"},
    {NULL, "sa_width", "", "systolic array width"},
    {"chips", "tdp_w", "W", "chip thermal design power"},
    {"chips", "cost_usd", "USD", "chip cost (die, yield and test)"},
    {NULL, "power_density_w_per_mm2", "W/mm2", "power density"},
    {NULL, "io_area_mm2", "mm2", "die area of the I/O"},
    {NULL, "sram_area_mm2", "mm2", "die area of the SRAM"},
    {NULL, "mac_area_mm2", "mm2", "die area of the MACs"},
    {NULL, "die_yield", "", "die yield (fraction)"},
    {NULL, "dies_per_wafer", "", "dies per wafer"},
    {NULL, "tops", "TFLOP/s", "peak compute (1e12 FLOP/s)"},
    {NULL, "sram_mb", "MB", "SRAM capacity (1e6 bytes)"},
    {NULL, "sram_bw_TB_per_sec", "TB/s", "SRAM bandwidth (1e12 bytes/s)"},
    {NULL, "core_tdp_w", "W", "power of the compute cores"},
    {NULL, "x_mm", "mm", "die width"},
    {NULL, "y_mm", "mm", "die height"},
    /* packages */
    {"packages", "num_chips", "", "chips per package"},
    {NULL, "custom_max_power_density", "W/mm2", "power density limit given in the file (0: from the constants)"},
    {NULL, "si", "", "1 on a silicon interposer, 0 on an organic substrate"},
    {NULL, "num_hbm_stacks", "", "HBM stacks per package"},
    {NULL, "heatsource_length_mm", "mm", "length of the heat source the heat sink sees"},
    {NULL, "heatsource_width_mm", "mm", "width of the heat source the heat sink sees"},
    {NULL, "total_die_area_mm2", "mm2", "die area of all chips of the package"},
    {NULL, "length_mm", "mm", "package length"},
    {NULL, "width_mm", "mm", "package width"},
    {"packages", "tdp_w", "W", "package thermal design power"},
    {"packages", "cost_usd", "USD", "package cost (chips, memory, substrate, bonding)"},
    {NULL, "dram_bytes", "bytes", "DRAM (HBM or 3D memory) capacity"},
    {NULL, "total_mem_bytes", "bytes", "SRAM plus DRAM capacity"},
    {NULL, "dram_bw_per_chip_bytes_per_s", "bytes/s", "DRAM bandwidth per chip"},
    {NULL, "dram_gb", "GB", "DRAM capacity (1e9 bytes)"},
    {NULL, "dram_bw_TB_per_sec", "TB/s", "DRAM bandwidth (1e12 bytes/s)"},
    /* servers: what is stored (server_shapes, server_points, server_costs, reasons) */
    {NULL, "shape_row", "", "row of the server configuration in server_shapes"},
    {NULL, "shape_index", "", "0-based position of the server configuration among the hardware file's Server "
                              "entries"},
    {NULL, "reason_id", "", "key of the invalid reason in reasons (a hash of its text; NULL: none)"},
    {"reasons", "reason", "", "an invalid reason, stored once"},
    {"server_points", "status", "", "how far the server got: 0 refused for its lane area (no heat sink), 1 refused "
                                    "for its heat sink or power, 2 valid"},
    {"heat_sinks", "packages_per_lane", "", "packages per lane (with the heat source: what the heat sink is for)"},
    {NULL, "custom_max_power_w", "W", "server power limit given in the file (0: from the constants)"},
    {"packages", "io_area_mm2", "mm2", "I/O link: area"},
    {"server_shapes", "io_area_mm2", "mm2", "I/O link: area"},
    {"servers", "io_area_mm2", "mm2", "I/O link: area"},
    /* the view servers: one row per server, chip and package values joined */
    {NULL, "chip_area_mm2", "mm2", "die area of the server's chip (chips.area_mm2)"},
    {NULL, "chip_sram_area_mm2", "mm2", "SRAM area per chip (chips.sram_area_mm2)"},
    {NULL, "chip_mac_area_mm2", "mm2", "MAC area per chip (chips.mac_area_mm2)"},
    {NULL, "chip_tdp_w", "W", "thermal design power per chip (chips.tdp_w)"},
    {NULL, "chip_cost_usd", "USD", "cost per chip (chips.cost_usd)"},
    {NULL, "pkg_tdp_w", "W", "thermal design power per package (packages.tdp_w)"},
    {"servers", "num_packages", "", "packages per server (num_lanes x packages_per_lane)"},
    {"servers", "tdp_w", "W", "thermal design power of the server (core_tdp_w + other_tdp_w)"},
    {"server_costs", "core_tdp_w", "W", "power of the server's packages after DC-DC and PSU losses"},
    {"server_costs", "other_tdp_w", "W", "power of the server's fans and other parts after DC-DC and PSU losses"},
    {"servers", "other_tdp_w", "W", "power of the server's fans and other parts after DC-DC and PSU losses"},
    {"servers", "sram_bytes", "bytes", "SRAM of the server"},
    {"servers", "dram_bytes", "bytes", "DRAM of the server"},
    {"servers", "core_tdp_w", "W", "power of the server's packages after DC-DC and PSU losses (invalid servers "
                                   "refused for cooling or power: before the losses)"},
    {"servers", "perf_flops", "FLOP/s", "peak compute of the server"},
    {"servers", "tops", "TFLOP/s", "peak compute of the server (1e12 FLOP/s)"},
    {"servers", "sram_mb", "MB", "SRAM of the server (1e6 bytes)"},
    {NULL, "cost_usd", "USD", "cost"},
    {"servers", "cost_usd", "USD", "server cost (all parts)"},
    {NULL, "srv_num_packages", "", "packages per server"},
    {NULL, "srv_tdp_w", "W", "thermal design power per server"},
    {NULL, "srv_cost_usd", "USD", "server cost"},
    {NULL, "tco_total_usd", "USD", "total cost of ownership of one server over its life"},
    {NULL, "tco_dc_amortization_usd", "USD", "TCO part: datacenter capex amortization"},
    {NULL, "tco_dc_interest_usd", "USD", "TCO part: interest on the datacenter capex"},
    {NULL, "tco_dc_opex_usd", "USD", "TCO part: datacenter opex"},
    {NULL, "tco_srv_amortization_usd", "USD", "TCO part: server amortization (the server cost)"},
    {NULL, "tco_srv_interest_usd", "USD", "TCO part: interest on the server cost"},
    {NULL, "tco_srv_opex_usd", "USD", "TCO part: server opex"},
    {NULL, "tco_srv_power_usd", "USD", "TCO part: server electricity"},
    {NULL, "tco_pue_overhead_usd", "USD", "TCO part: electricity of the PUE overhead"},
    {NULL, "tco_fix_part_usd", "USD", "TCO parts that do not scale with power"},
    {NULL, "tco_power_part_usd", "USD", "TCO parts that scale with power"},
    /* hw_summary: the hardware CSV's columns (the reference's names) */
    {NULL, "chip_area", "mm2", "die area of the server's chip (chips.area_mm2)"},
    {NULL, "chip_sram_mb", "MB", "SRAM per chip"},
    {NULL, "chip_tops", "TFLOP/s", "peak compute per chip"},
    {NULL, "chip_sram_bw_TB_per_sec", "TB/s", "SRAM bandwidth per chip"},
    {NULL, "chip_sram_area", "mm2", "SRAM area per chip"},
    {NULL, "chip_mac_area", "mm2", "MAC area per chip"},
    {NULL, "chip_tdp", "W", "thermal design power per chip"},
    {NULL, "chip_cost", "USD", "cost per chip"},
    {NULL, "pkg_num_chips", "", "chips per package"},
    {NULL, "pkg_tops", "TFLOP/s", "peak compute per package"},
    {NULL, "pkg_sram_mb", "MB", "SRAM per package"},
    {NULL, "pkg_tdp", "W", "thermal design power per package"},
    {NULL, "pkg_dram_gb", "GB", "DRAM per package"},
    {NULL, "pkg_dram_bw_TB_per_sec", "TB/s", "DRAM bandwidth per package"},
    {NULL, "srv_num_packages", "", "packages per server"},
    {NULL, "srv_sram_mb", "MB", "SRAM per server"},
    {NULL, "srv_tdp", "W", "thermal design power per server"},
    {NULL, "srv_tops", "TFLOP/s", "peak compute per server"},
    {NULL, "srv_cost", "USD", "server cost"},
    {NULL, "tco_total", "USD", "total cost of ownership of one server over its life"},
    {NULL, "tco_dc_amortization", "USD", "TCO part: datacenter capex amortization"},
    {NULL, "tco_dc_interest", "USD", "TCO part: interest on the datacenter capex"},
    {NULL, "tco_dc_opex", "USD", "TCO part: datacenter opex"},
    {NULL, "tco_srv_amortization", "USD", "TCO part: server amortization"},
    {NULL, "tco_srv_interest", "USD", "TCO part: interest on the server cost"},
    {NULL, "tco_srv_opex", "USD", "TCO part: server opex"},
    {NULL, "tco_srv_power", "USD", "TCO part: server electricity"},
    {NULL, "tco_pue_overhead", "USD", "TCO part: electricity of the PUE overhead"},
    {NULL, "tco_fix_part", "USD", "TCO parts that do not scale with power"},
    {NULL, "tco_power_part", "USD", "TCO parts that scale with power"},
    {NULL, "cost_per_tops", "USD per TFLOP/s", "server cost per peak compute"},
    {NULL, "watts_per_tops", "W per TFLOP/s", "server power per peak compute"},
    {NULL, "tco_per_tops", "USD per TFLOP/s", "server TCO per peak compute"},
    {NULL, "sram_density", "MB/mm2", "SRAM per SRAM area of the chip"},
    {NULL, "sparse_weight", "", "the reference's sparse-weight flag (always False)"},
    {NULL, "packages_per_lane", "", "packages per lane"},
    {NULL, "num_lanes", "", "lanes per server"},
    {NULL, "custom_max_power", "W", "server power limit given in the file (0: from the constants)"},
    {NULL, "package_max_power_factor", "", "factor on the package power limit"},
    {"servers", "num_chips", "", "chips per server"},
    {NULL, "hs_valid", "", "1 when a heat sink cools the package"},
    {NULL, "hs_cost_usd", "USD", "heat sink cost"},
    {NULL, "hs_max_power_w", "W", "power the heat sink can remove"},
    {NULL, "cost_all_package_usd", "USD", "cost of all packages"},
    {NULL, "cost_all_heatsinks_usd", "USD", "cost of all heat sinks"},
    {NULL, "cost_all_fans_usd", "USD", "cost of all fans"},
    {NULL, "cost_ethernet_usd", "USD", "cost of the Ethernet"},
    {NULL, "cost_dcdc_usd", "USD", "cost of the DC-DC converters"},
    {NULL, "cost_psu_usd", "USD", "cost of the power supplies"},
    {NULL, "cost_system_usd", "USD", "cost of the PCBs, their parts and the chassis"},
    /* systems */
    {NULL, "allreduce_algo", "", "all-reduce algorithm"},
    {NULL, "perf_model", "", "performance model: reference (ReaLLM v1) or v2"},
    {NULL, "has_default_mapping", "", "1 when the system file fixes the mapping"},
    {NULL, "default_t", "", "fixed tensor-parallel degree"},
    {NULL, "default_p", "", "fixed pipeline stages"},
    {NULL, "default_micro_batch", "sequences", "fixed generate micro-batch"},
    {NULL, "default_prefill_micro_batch", "sequences", "fixed prefill micro-batch"},
    {NULL, "num_servers", "", "servers per system (after sizing)"},
    {"systems", "num_packages", "", "packages per system"},
    {"systems", "num_chips", "", "chips per system"},
    {"best_per_batch", "num_chips", "", "chips per system"},
    {NULL, "sys_num_chips", "", "chips per system"},
    {NULL, "kv_cache_ratio", "", "KV-cache share of memory after sizing"},
    {NULL, "max_ctx_len_batch_1", "tokens", "longest context that fits at batch 1"},
    {NULL, "max_tco_usd", "USD", "TCO limit"},
    {"systems", "total_mem_bytes", "bytes", "memory of the system"},
    {NULL, "prefill_len", "tokens", "prompt length (eval length, prefill part)"},
    {NULL, "generate_len", "tokens", "generated tokens per sequence (eval length, generate part)"},
    {NULL, "max_batch", "sequences", "largest batch evaluated"},
    {NULL, "energy_model", "", "1 when power comes from the energy model, 0 from TDP"},
    {NULL, "compute_perf_efficiency", "", "achieved fraction of peak compute"},
    {NULL, "io_bandwidth_efficiency", "", "achieved fraction of link bandwidth"},
    {NULL, "weight_bandwidth_efficiency", "", "achieved fraction of memory bandwidth for weights"},
    {NULL, "sub_sys_num_servers", "", "servers per sub-system"},
    {NULL, "weight_bw_per_chip_bytes_per_s", "bytes/s", "weight-reading bandwidth per chip"},
    {NULL, "kv_bw_per_chip_bytes_per_s", "bytes/s", "KV-cache bandwidth per chip"},
    {"systems", "tdp_w", "W", "thermal design power of the system"},
    {"systems", "core_tdp_w", "W", "core power of the system"},
    {"systems", "other_tdp_w", "W", "other power of the system"},
    /* perf and the views */
    {NULL, "batch", "sequences", "batch size"},
    {NULL, "objective", "", "what the mapping minimizes: prefill_latency, prefill_tco, generate_latency or "
                            "generate_tco"},
    {NULL, "objective_index", "", "0 prefill_latency, 1 prefill_tco, 2 generate_latency, 3 generate_tco"},
    {NULL, "metric", "s or USD/token", "the objective's value (latency in s, TCO per token in USD)"},
    {NULL, "prefill_bottleneck", "", "what limits the prefill: compute, memory or communication"},
    {NULL, "generate_bottleneck", "", "what limits the generate phase: compute, memory or communication"},
    {NULL, "t", "", "tensor-parallel degree"},
    {NULL, "p", "", "pipeline stages"},
    {NULL, "micro_batch", "sequences", "generate micro-batch"},
    {NULL, "prefill_micro_batch", "sequences", "prefill micro-batch"},
    {NULL, "mapping_id", "", "row of the mapping in perf_mappings: system_id * 128 + log2(batch) * 4 + k, k the "
                             "mapping's rank among the distinct choices of its system and batch"},
    /* the content tables (schema version 6): each distinct tuple once, keyed by the first mapping that stored it */
    {NULL, "pass_id", "", "key of a micro-batch pass in perf_passes: 2 * mapping_id + stage (0 prefill, 1 generate) "
                          "of the first mapping that stored it"},
    {"perf_mappings", "value_id", "", "the mapping's values (perf_values.value_id)"},
    {"perf_values", "value_id", "", "key of the values: the mapping_id of the first mapping that stored them"},
    {"perf_values", "prefill_result_id", "", "the prefill stage's result (perf_results.result_id)"},
    {"perf_values", "generate_result_id", "", "the generate stage's result (perf_results.result_id)"},
    {"perf_values", "cost_id", "", "the mapping's power and costs (perf_costs.cost_id)"},
    {"perf_costs", "cost_id", "", "key of the costs: the mapping_id of the first mapping that stored them"},
    {"perf_results", "result_id", "", "key of a stage's result: 2 * mapping_id + stage (0 prefill, 1 generate) of "
                                      "the first mapping that stored it"},
    {"perf_results", "bottleneck", "", "what limits the stage: compute, memory or communication"},
    {"perf_results", "latency_s", "s", "time of the stage (prefill: time to first token; generate: all generated "
                                       "tokens of a sequence)"},
    {"perf_results", "throughput_tokens_per_s", "tokens/s", "tokens per second of the stage"},
    {"perf_results", "utilization", "", "fraction of peak compute used by the stage"},
    {"perf_results", "energy_fma_j", "J", "energy of the stage's multiply-adds"},
    {"perf_results", "energy_mem_j", "J", "energy of the stage's memory accesses"},
    {"perf_results", "energy_comm_j", "J", "energy of the stage's communication"},
    {"perf_results", "io_s", "s", "communication time of the stage"},
    {"perf_results", "compute_s", "s", "compute time of the stage"},
    {"perf_results", "mem_s", "s", "memory time of the stage"},
    {"perf_results", "pass_id", "", "the stage's micro-batch pass (perf_passes.pass_id)"},
    {"perf_passes", "stage2stage_us", "us", "pipeline stage-to-stage transfer"},
    {"perf_passes", "atten_qkv_us", "us", "attention Q, K, V projections"},
    {"perf_passes", "atten_matmul1_us", "us", "attention scores (Q K^T)"},
    {"perf_passes", "atten_communication1_us", "us", "attention: first communication"},
    {"perf_passes", "atten_matmul2_us", "us", "attention scores times V"},
    {"perf_passes", "atten_fc_us", "us", "attention output projection"},
    {"perf_passes", "atten_communication2_us", "us", "attention: second communication"},
    {"perf_passes", "fc1_us", "us", "first feed-forward layer"},
    {"perf_passes", "fc2_us", "us", "second feed-forward layer"},
    {"perf_passes", "fc_communication_us", "us", "feed-forward communication"},
    {"perf_passes", "pipeline_stage_us", "us", "one pipeline stage"},
    {"perf_passes", "total_us", "us", "total"},
    {"perf_passes", "compute_us", "us", "compute"},
    {"perf_passes", "communication_us", "us", "communication"},
    /* the golden names (views points, best_per_batch, pareto, points_hw) */
    {NULL, "prefill_latency", "s", "time of the prefill (time to first token)"},
    {NULL, "prefill_throughput", "tokens/s", "prompt tokens per second"},
    {NULL, "prefill_utilization", "", "prefill: fraction of peak compute used"},
    {NULL, "prefill_power", "W", "system power during the prefill"},
    {NULL, "prefill_tco_per_token", "USD/token", "TCO per prompt token"},
    {NULL, "generate_latency", "s", "time of all generated tokens of a sequence (generate_len decode steps)"},
    {NULL, "generate_throughput", "tokens/s", "generated tokens per second"},
    {NULL, "generate_utilization", "", "generate: fraction of peak compute used"},
    {NULL, "generate_power", "W", "system power while generating"},
    {NULL, "generate_tco_per_token", "USD/token", "TCO per generated token"},
    {NULL, "tco_per_Mtoken", "USD per 1e6 tokens", "TCO per million generated tokens"},
    /* the same quantities in perf_mappings, perf_choices and perf */
    {NULL, "prefill_latency_s", "s", "time of the prefill (time to first token)"},
    {NULL, "prefill_throughput_tokens_per_s", "tokens/s", "prompt tokens per second"},
    {NULL, "prefill_power_w", "W", "system power during the prefill"},
    {NULL, "prefill_tco_per_token_usd", "USD/token", "TCO per prompt token"},
    {NULL, "generate_latency_s", "s", "time of all generated tokens of a sequence (generate_len decode steps)"},
    {NULL, "generate_throughput_tokens_per_s", "tokens/s", "generated tokens per second"},
    {NULL, "generate_power_w", "W", "system power while generating"},
    {NULL, "generate_tco_per_token_usd", "USD/token", "TCO per generated token"},
    {"perf_mappings", "objectives", "", "bit set of the objectives that chose this mapping (bit o: objective_index "
                                        "o; the view perf_choices has one row per bit)"},
    {"rank_best", "system_id", "", "system of the group's best choice for the objective (smallest metric, then "
                                   "smallest system_id)"},
    {"rank_front", "system_id", "", "system of a point on the group's pareto frontier (generate_latency_s, "
                                    "generate_tco_per_token_usd)"},
    {"perf_choices", "generate_latency_s", "s", "generate latency of the chosen mapping (objectives "
                                               "generate_latency and generate_tco only: the pareto view's axes)"},
    {"perf_choices", "generate_tco_per_token_usd", "USD/token", "TCO per generated token of the chosen mapping "
                                                            "(objectives generate_latency and generate_tco only)"},
    {NULL, "prefill_io_s", "s", "prefill: communication time"},
    {NULL, "prefill_compute_s", "s", "prefill: compute time"},
    {NULL, "prefill_mem_s", "s", "prefill: memory time"},
    {NULL, "generate_io_s", "s", "generate: communication time (all generated tokens)"},
    {NULL, "generate_compute_s", "s", "generate: compute time (all generated tokens)"},
    {NULL, "generate_mem_s", "s", "generate: memory time (all generated tokens)"},
    {NULL, "tco_per_mtoken_usd", "USD per 1e6 tokens", "TCO per million generated tokens"},
    {NULL, "capex_usd", "USD", "capital cost of the system"},
    {NULL, "opex_usd", "USD", "operating cost of the system"},
    {NULL, "srv_tco_usd", "USD", "TCO of the system's servers"},
    {NULL, "best_tco_per_Mtoken", "USD per 1e6 tokens", "lowest TCO per million generated tokens"},
    {NULL, "best_generate_latency", "s", "lowest generate latency"},
    {NULL, "batches", "sequences", "the batches evaluated"},
    {NULL, "invalid", "", "invalid points"},
    {NULL, "points", "", "points"},
    {NULL, "level", "", "chip, package, server or system"},
    {NULL, "reason", "", "invalid reason"},
};

typedef struct {
    const char *prefix, *what;
} group_t;

/* Groups of columns sharing stems: an I/O link, an HBM stack, a 3D memory. */
static const group_t groups[] = {
    {"pkg2pkg_io_", "package-to-package link"}, {"chip2chip_io_", "chip-to-chip link"},
    {"io_", "I/O link"},                        {"hbm_", "HBM"},
    {"mem_3d_", "3D memory"},                   {"prefill_", "prefill"},
    {"generate_", "generate"},                  {"chip_", "chip"},
    {"pkg_", "package"},                        {"srv_", "server"},
};

static const doc_t stems[] = {
    {NULL, "present", "", "1 when present"},
    {NULL, "io_type", "", "link type"},
    {NULL, "num", "", "links"},
    {NULL, "bandwidth_per_io_bytes_per_s", "bytes/s", "bandwidth per link"},
    {NULL, "area_per_io_mm2", "mm2", "area per link"},
    {NULL, "tdp_per_io_w", "W", "power per link"},
    {NULL, "bandwidth_bytes_per_s", "bytes/s", "bandwidth"},
    {NULL, "area_per_io", "mm2", "area per link"},
    {NULL, "tdp_per_io", "W", "power per link"},
    {NULL, "pj_per_byte", "pJ/byte", "energy per byte"},
    {NULL, "pj_per_bit", "pJ/bit", "energy per bit"},
    {NULL, "init_time_s", "s", "start-up latency per transfer"},
    {NULL, "bandwidth", "bytes/s", "bandwidth"},
    {NULL, "area", "mm2", "area"},
    {NULL, "tdp", "W", "power"},
    {NULL, "joules_per_byte", "J/byte", "energy per byte"},
    {NULL, "config", "", "configuration name"},
    {NULL, "simulator", "", "1 when simulated"},
    {NULL, "mem_type", "", "memory type"},
    {NULL, "channel_bytes", "bytes", "capacity per channel"},
    {NULL, "channel_width", "bits", "channel width"},
    {NULL, "bit_rate", "bit/s", "bit rate per pin"},
    {NULL, "num_channels", "", "channels"},
    {NULL, "cost_per_gb", "USD/GiB", "cost per GiB"},
    {NULL, "vdd", "V", "supply voltage"},
    {NULL, "x_mm", "mm", "width"},
    {NULL, "y_mm", "mm", "height"},
    {NULL, "stack_cost", "USD", "cost per stack (0: from cost_per_gb)"},
    {NULL, "cap_bytes", "bytes", "capacity"},
    {NULL, "tdp_w", "W", "power"},
    {NULL, "area_mm2", "mm2", "area"},
    {NULL, "cost_usd", "USD", "cost"},
    {NULL, "tsvs", "", "TSVs"},
    {NULL, "layer_bytes", "bytes", "capacity per layer"},
    {NULL, "layer_area", "mm2", "area per layer"},
    {NULL, "layer_cost", "USD", "cost per layer"},
    {NULL, "num_layers", "", "layers"},
    {NULL, "density", "bytes/mm2", "density"},
    {NULL, "tsv_area", "mm2", "TSV area"},
    {NULL, "energy_fma_j", "J", "energy of the multiply-adds"},
    {NULL, "energy_mem_j", "J", "energy of the memory accesses"},
    {NULL, "energy_comm_j", "J", "energy of the communication"},
    {NULL, "stage2stage_us", "us", "pipeline stage-to-stage transfer"},
    {NULL, "atten_qkv_us", "us", "attention Q, K, V projections"},
    {NULL, "atten_matmul1_us", "us", "attention scores (Q K^T)"},
    {NULL, "atten_communication1_us", "us", "attention: first communication"},
    {NULL, "atten_matmul2_us", "us", "attention scores times V"},
    {NULL, "atten_fc_us", "us", "attention output projection"},
    {NULL, "atten_communication2_us", "us", "attention: second communication"},
    {NULL, "fc1_us", "us", "first feed-forward layer"},
    {NULL, "fc2_us", "us", "second feed-forward layer"},
    {NULL, "fc_communication_us", "us", "feed-forward communication"},
    {NULL, "pipeline_stage_us", "us", "one pipeline stage"},
    {NULL, "total_us", "us", "total"},
    {NULL, "compute_us", "us", "compute"},
    {NULL, "communication_us", "us", "communication"},
};

/* Units by how a name ends, for names no entry describes. */
static const struct {
    const char *suffix, *unit;
} suffixes[] = {
    {"_bytes_per_s", "bytes/s"}, {"_per_mm2", "per mm2"}, {"_mm2", "mm2"}, {"_mm", "mm"},     {"_usd", "USD"}, {"_w", "W"},
    {"_j", "J"},             {"_us", "us"},   {"_sec", "s"},     {"_s", "s"},     {"_hz", "Hz"},
    {"_bytes", "bytes"},     {"_mb", "MB"},   {"_gb", "GB"},     {"_flops", "FLOP/s"},
};

static const doc_t *find(const doc_t *t, size_t n, const char *table, const char *name)
{
    const doc_t *any = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0) {
            if (t[i].table && table && strcmp(t[i].table, table) == 0)
                return &t[i];
            if (!t[i].table && !any)
                any = &t[i];
        }
    return any;
}

col_doc_t columns_describe(const char *table, const char *column, char *buf, size_t len)
{
    const doc_t *d = find(docs, sizeof docs / sizeof docs[0], table, column);
    if (d)
        return (col_doc_t){d->unit, d->meaning};
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        size_t k = strlen(groups[g].prefix);
        if (strncmp(column, groups[g].prefix, k) == 0 &&
            (d = find(stems, sizeof stems / sizeof stems[0], NULL, column + k)) != NULL) {
            snprintf(buf, len, "%s: %s", groups[g].what, d->meaning);
            return (col_doc_t){d->unit, buf};
        }
    }
    const char *unit = "";
    size_t n = strlen(column);
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t k = strlen(suffixes[i].suffix);
        if (n > k && strcmp(column + n - k, suffixes[i].suffix) == 0) {
            unit = suffixes[i].unit;
            break;
        }
    }
    snprintf(buf, len, "%s", column);
    for (char *c = buf; *c; c++)
        if (*c == '_')
            *c = ' ';
    return (col_doc_t){unit, buf};
}

int columns_each(sqlite3 *db, columns_fn fn, void *ctx, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    const char *sql = "SELECT m.name, c.name, c.type FROM sqlite_master m, pragma_table_info(m.name) c "
                      "WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' "
                      "ORDER BY m.type, m.rowid, c.cid";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: reading the schema: %s", sqlite3_errmsg(db));
        return -1;
    }
    int rc, stop = 0;
    char buf[256];
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0), *c = (const char *)sqlite3_column_text(st, 1);
        const char *type = (const char *)sqlite3_column_text(st, 2);
        col_doc_t d = columns_describe(t, c, buf, sizeof buf);
        stop = fn(ctx, t, c, type ? type : "", d.unit, d.meaning);
    }
    if (!stop && rc != SQLITE_DONE)
        snprintf(err, errlen, "sqlite: reading the schema: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return stop || rc != SQLITE_DONE ? -1 : 0;
}

static int insert_row(void *ctx, const char *table, const char *column, const char *type, const char *unit,
                      const char *meaning)
{
    sqlite3_stmt *st = ctx;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, column, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, type, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, unit, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, meaning, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int columns_create(sqlite3 *db, char *err, size_t errlen)
{
    /* one savepoint: one write of the ~450 rows, inside a caller's transaction or not */
    if (sqlite3_exec(db, "SAVEPOINT columns_fill; "
                         "CREATE TABLE IF NOT EXISTS columns(table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
                         "type TEXT, unit TEXT, meaning TEXT, PRIMARY KEY(table_name, column_name)); "
                         "DELETE FROM columns", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_exec(db, "ROLLBACK TO columns_fill; RELEASE columns_fill", NULL, NULL, NULL);
        snprintf(err, errlen, "sqlite: creating columns: %s", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO columns VALUES(?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: filling columns: %s", sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK TO columns_fill; RELEASE columns_fill", NULL, NULL, NULL);
        return -1;
    }
    int rc = columns_each(db, insert_row, st, err, errlen);
    if (rc && !err[0])
        snprintf(err, errlen, "sqlite: filling columns: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    if (rc == 0 && sqlite3_exec(db, "RELEASE columns_fill", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: filling columns: %s", sqlite3_errmsg(db));
        rc = -1;
    }
    if (rc)
        sqlite3_exec(db, "ROLLBACK TO columns_fill; RELEASE columns_fill", NULL, NULL, NULL);
    return rc;
}

sqlite3 *columns_blank_db(char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK || db_schema_create(db, err, errlen)) {
        if (!err[0])
            snprintf(err, errlen, "sqlite: %s", db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    return db;
}
