#!/bin/sh
# bench_npu_sweep.sh BIN -- the 11,520-configuration NPU sweep bench/npu_10k.yaml,
# stored and --dry-run, with 1 and 2 threads: wall-clock and CPU seconds.
bin=${1:-bin/hwsweep}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for mode in store dry-run; do
    for j in 1 2; do
        extra=; [ $mode = dry-run ] && extra=--dry-run
        /usr/bin/time -f "npu_10k $mode -j $j: %e s wall, %U s user + %S s sys" \
            "$bin" run -q $extra -o "$tmp/j$j" -j $j bench/npu_10k.yaml
    done
done
echo "npu_10k database: $(du -h "$tmp/j1/sweeps/npu_10k.db" | cut -f1)"
