#!/bin/sh
# bench_sweeps.sh -- the speed goals of hwsweep, measured on whole commands.
#   hw:  the cc_sweep hardware sweep (288 server configurations), best of 5
#   sw:  cc_sweep x gpt3 with the cc_sweep system file (232 system points), best of 5
#   big: bench/big.yaml (1,022,400 server configurations, ~131,000 system
#        points): one stored run (wall time, points/s, SQLite share, peak
#        RSS), then evaluation-only runs (--dry-run) with -j 1 and -j 2.
# usage: sh bench/bench_sweeps.sh bin/hwsweep [--no-big]
set -eu
bin=$1
out=$(mktemp -d /tmp/hwsweep-bench-XXXXXX)
trap 'rm -rf "$out"' EXIT

best() {   # best NAME -- command...: the best of 5 wall times in seconds
    name=$1; shift 2
    b=""
    for _ in 1 2 3 4 5; do
        t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
        t=$(awk "BEGIN { print $t1 - $t0 }")
        if [ -z "$b" ] || awk "BEGIN { exit !($t < $b) }"; then b=$t; fi
    done
    printf '%-48s %8.4f s\n' "$name" "$b"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -m)"
cfg=inputs/hardware/config/cc_sweep.yaml
best "hw cc_sweep (288 servers), -j 1" -- "$bin" hw -q -j 1 -o "$out" "$cfg"
best "hw cc_sweep (288 servers), -j 2" -- "$bin" hw -q -j 2 -o "$out" "$cfg"
"$bin" hw -q -o "$out" "$cfg"
for j in 1 2; do
    best "sw cc_sweep x gpt3 (232 system points), -j $j" -- "$bin" sw -q -j "$j" -o "$out" \
        -m inputs/software/model/gpt3.yaml -s inputs/software/system/cc_sweep.yaml cc_sweep
done
[ "${2:-}" = --no-big ] && exit 0

echo "big sweep, stored, -j 2:"
t0=$(date +%s.%N)
"$bin" run -j 2 -o "$out" bench/big.yaml 2>&1 | tr '\r' '\n' | grep -v ETA | sed 's/^/  /'
t1=$(date +%s.%N)
awk "BEGIN { printf \"  wall time of the whole command: %.1f s\n\", $t1 - $t0 }"
printf '  database: %s MiB\n' "$(du -m "$out/sweeps/big.db" | cut -f1)"
rm -f "$out"/sweeps/big.*
for j in 1 2; do
    echo "big sweep, evaluation only (--dry-run), -j $j:"
    "$bin" run --dry-run -j "$j" bench/big.yaml 2>&1 | tr '\r' '\n' | grep -E "took|evaluation" | sed 's/^/  /'
done
