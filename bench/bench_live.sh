#!/bin/sh
# bench_live.sh -- queries while a sweep writes: bench/big.yaml runs into a
# fresh folder; once its partial database (NAME.db.partial) holds at least
# LIVE_ROWS perf rows (default 250,000), `hwsweep query` and the README's
# view queries are timed on it; then the whole run's wall time is reported
# (the views read the ranking tables rank_best and rank_front, which each
# chunk's transaction keeps up to date, during the run as after it).
# usage: sh bench/bench_live.sh bin/hwsweep
set -eu
bin=$1
rows=${LIVE_ROWS:-250000}
out=$(mktemp -d /tmp/hwsweep-live-XXXXXX)
trap 'rm -rf "$out"' EXIT
db=$out/sweeps/big.db.partial

t0=$(date +%s.%N)
"$bin" run -q -j 2 -o "$out" bench/big.yaml & pid=$!
n=0
while kill -0 "$pid" 2>/dev/null; do
    if [ -e "$db" ]; then
        n=$(sqlite3 "file:$db?mode=ro" "SELECT count(*) FROM perf" 2>/dev/null || echo 0)
        [ "$n" -ge "$rows" ] && break
    fi
    sleep 1
done
timed() {   # timed LABEL -- command...
    label=$1; shift 2
    a=$(date +%s.%N); "$@" >/dev/null 2>&1 || echo "  ($label failed)"; b=$(date +%s.%N)
    awk "BEGIN { printf \"  %-52s %7.3f s\n\", \"$label\", $b - $a }"
}
echo "live database: $n perf rows while the sweep writes"
timed "hwsweep query summary" -- "$bin" query "$db" summary
timed "hwsweep query best" -- "$bin" query "$db" best
timed "hwsweep query pareto" -- "$bin" query "$db" pareto
timed "sqlite3: best_per_batch at batch 64, generate_tco" -- sqlite3 "file:$db?mode=ro" \
    "SELECT prefill_len, generate_len, server_id, round(tco_per_Mtoken, 4) FROM best_per_batch
     WHERE model = 'gpt3' AND batch = 64 AND objective = 'generate_tco'"
timed "sqlite3: pareto at batch 8" -- sqlite3 "file:$db?mode=ro" \
    "SELECT count(*) FROM pareto WHERE model = 'gpt3' AND batch = 8"
wait "$pid"
t1=$(date +%s.%N)
awk "BEGIN { printf \"  whole run: %.1f s\n\", $t1 - $t0 }"
