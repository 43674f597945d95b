#!/bin/sh
# bench_query.sh -- hwsweep query on the benchmark database (bench/big.yaml),
# best of 3 for each query.  usage: sh bench/bench_query.sh bin/hwsweep [DB]
set -eu
bin=$1
db=${2:-}
out=$(mktemp -d /tmp/hwsweep-benchq-XXXXXX)
trap 'rm -rf "$out"' EXIT
if [ -z "$db" ]; then
    "$bin" run -q -o "$out" bench/big.yaml
    db="$out/sweeps/big.db"
fi
for q in summary best pareto; do
    b=""
    for _ in 1 2 3; do
        t0=$(date +%s.%N); "$bin" query "$db" "$q" >/dev/null; t1=$(date +%s.%N)
        t=$(awk "BEGIN { print $t1 - $t0 }")
        if [ -z "$b" ] || awk "BEGIN { exit !($t < $b) }"; then b=$t; fi
    done
    printf 'query %-8s on %s: %.3f s\n' "$q" "$(basename "$db")" "$b"
done
