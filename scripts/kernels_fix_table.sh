#!/bin/sh
# kernels_fix_table.sh -- the tables of docs/kernels-model.md: the headline
# numbers of the kernel model with each fix of the BenchRoofline notebook's
# bugs alone (notebook + fix) and left out (all fixes but one).
# usage: sh scripts/kernels_fix_table.sh [bin/hwsweep [MODEL [HW [ARGS...]]]]
# default: Llama-3.1-8B on NVL-AX, input 8192, output 512, decode batch 256, chunk 256.
set -eu
bin=${1:-bin/hwsweep}
model=${2:-tests/golden/kernels/llama-3.1-8b.json}
hw=${3:-inputs/kernels/hw/nvl-ax.yaml}
[ $# -gt 3 ] && shift 3 || set -- --input-len 8192 --output-len 512 --batch 256 --chunk 256
fixes="gqa head_dim chunk_width kv_timed causal kv_writes norms lm_head fold ffn units"

row() {   # row LABEL FIXES
    "$bin" kernels -m "$model" --hw "$hw" "$@" --fixes "$fix" | awk -v label="$label" '
        / model \(/ { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "MACs") macs[$1] = $(i-1);
                      if ($i == "weights") w[$1] = $(i+1) * ($(i+2) == "GiB" ? 1 : 1 / 1024);
                      if ($i == "KV") kv[$1] = $(i+1) * ($(i+2) == "GiB" ? 1 : 1 / 1024) } }
        / time: tiler / { t[$1] = $4 }
        END { printf "| %s | %.6g | %.4f | %.1f | %.4f | %.4f |\n", label, macs["prefill"], t["prefill"] * 1e3,
                     w["decode"] + kv["decode"], t["decode"] * 1e3, t["chunked"] * 1e3 }'
}

head() {
    echo "| $1 | prefill MACs | prefill ms | decode step GiB read | decode step ms | chunked step ms |"
    echo "|---|---:|---:|---:|---:|---:|"
}

head "notebook + one fix"
label=none fix=none row "$@"
for f in $fixes; do label="+ $f" fix=$f row "$@"; done
echo
head "all fixes but one"
label=all fix=all row "$@"
for f in $fixes; do
    fix=$(echo "$fixes" | tr ' ' '\n' | grep -vx "$f" | paste -sd, -)
    label="all - $f" row "$@"
done
