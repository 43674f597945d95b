#!/bin/sh
# bench_npu_sweep.sh BIN -- the 11,520-configuration NPU sweep bench/npu_10k.yaml,
# stored and --dry-run, with 1 and 2 threads: wall-clock and CPU seconds.
# BENCH_REPS=N repeats each measurement N times (default 1); BENCH_RT=1 runs
# them at real-time priority (chrt -f 10, root only) so that other work on
# a shared machine does not preempt them (how BENCHMARKS.md measured it).
bin=${1:-bin/hwsweep}
reps=${BENCH_REPS:-1}
rt=
[ "${BENCH_RT:-0}" = 1 ] && rt="chrt -f 10"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
i=0
size=?
while [ "$i" -lt "$reps" ]; do
    i=$((i + 1))
    for mode in store dry-run; do
        for j in 1 2; do
            extra=; [ $mode = dry-run ] && extra=--dry-run
            rm -rf "$tmp/j$j"
            $rt /usr/bin/time -f "npu_10k $mode -j $j: %e s wall, %U s user + %S s sys" \
                "$bin" run -q $extra -o "$tmp/j$j" -j $j bench/npu_10k.yaml
            [ -f "$tmp/j$j/sweeps/npu_10k.db" ] && size=$(du -h "$tmp/j$j/sweeps/npu_10k.db" | cut -f1)
        done
    done
done
echo "npu_10k database: $size"
