#!/bin/sh
# bench_npu_families.sh -- speed of the NPU part-2 families (DeepSeek, DLRM, DiT):
# one hwsweep npu run of each, GLIGEN too (whole command, best of 5), and the mixed sweep
# bench/npu_mixed.yaml (25,460 configurations) evaluated with -j 1 and -j 2
# (--dry-run) and stored with -j 2.
# usage: sh bench/bench_npu_families.sh bin/hwsweep
set -eu
bin=$1
out=$(mktemp -d /tmp/hwsweep-npu2-bench-XXXXXX)
trap 'rm -rf "$out"' EXIT

best() {   # best NAME -- command...: the best of 5 wall times in seconds
    name=$1; shift 2
    b=""
    for _ in 1 2 3 4 5; do
        t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
        t=$(awk "BEGIN { print $t1 - $t0 }")
        if [ -z "$b" ] || awk "BEGIN { exit !($t < $b) }"; then b=$t; fi
    done
    printf '%-56s %8.4f s\n' "$name" "$b"
}

best "npu deepseekv3-671b, 1 v5p (files, no energy)" -- "$bin" npu -q --no-energy --allow-oom \
    --chip tpuv5p --model deepseekv3-671b -o "$out/ds.csv"
best "npu dlrm-s, 1 v5p (files, no energy)" -- "$bin" npu -q --no-energy --chip tpuv5p --model dlrm-s \
    -o "$out/dlrm.csv"
best "npu dit-xl, 1 v5p (files, no energy)" -- "$bin" npu -q --no-energy --chip tpuv5p --model dit-xl \
    -o "$out/dit.csv"
best "npu gligen, 1 v5p (files, no energy)" -- "$bin" npu -q --no-energy --chip tpuv5p --model gligen \
    -o "$out/gligen.csv"
for j in 1 2; do
    t0=$(date +%s.%N)
    "$bin" run --dry-run -j "$j" -o "$out" bench/npu_mixed.yaml | sed 's/^/  /'
    t1=$(date +%s.%N)
    awk "BEGIN { printf \"  mixed sweep, evaluation only, -j $j: %.2f s wall\n\", $t1 - $t0 }"
done
t0=$(date +%s.%N)
"$bin" run -q -j 2 -o "$out" bench/npu_mixed.yaml
t1=$(date +%s.%N)
awk "BEGIN { printf \"  mixed sweep, stored, -j 2: %.2f s wall\n\", $t1 - $t0 }"
