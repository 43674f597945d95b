#!/bin/sh
# bench_sweeps.sh -- wall time of whole hwsweep commands on the golden
# sweeps, best of 5 runs, one thread and two.  usage: sh bench/bench_sweeps.sh bin/hwsweep
set -eu
bin=$1
out=$(mktemp -d /tmp/hwsweep-bench-XXXXXX)
trap 'rm -rf "$out"' EXIT

best() {   # best NAME -- command...: print the best of 5 wall times in seconds
    name=$1; shift 2
    b=""
    for _ in 1 2 3 4 5; do
        t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
        t=$(awk "BEGIN { print $t1 - $t0 }")
        if [ -z "$b" ] || awk "BEGIN { exit !($t < $b) }"; then b=$t; fi
    done
    printf '%-44s %8.4f s\n' "$name" "$b"
}

cfg=inputs/hardware/config/cc_sweep.yaml
best "hw cc_sweep (288 servers), -j 1" -- "$bin" hw -q -j 1 -o "$out" "$cfg"
best "hw cc_sweep (288 servers), -j 2" -- "$bin" hw -q -j 2 -o "$out" "$cfg"
if "$bin" sw --help >/dev/null 2>&1; then
    "$bin" hw -q -o "$out" "$cfg"
    best "sw cc_sweep x gpt3 (232 system points), -j 1" -- "$bin" sw -q -j 1 -o "$out" \
        -m inputs/software/model/gpt3.yaml -s inputs/software/system/cc_sweep.yaml cc_sweep
    best "sw cc_sweep x gpt3 (232 system points), -j 2" -- "$bin" sw -q -j 2 -o "$out" \
        -m inputs/software/model/gpt3.yaml -s inputs/software/system/cc_sweep.yaml cc_sweep
fi
