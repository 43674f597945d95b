#!/bin/sh
# shellcheck disable=SC2015  # ok and ko always succeed: A && ok || ko is safe
# sweep_test.sh -- the sweep engine as users drive it, with real processes:
# resume after SIGKILL at several points and after Ctrl-C equals an
# uninterrupted run; shards 1/3, 2/3, 3/3 merged equal a single run; merge
# refuses mixed sweeps, duplicates and missing shards; a bad override fails
# with file:line:col before any work; a resume against a changed input is
# refused; the database answers read-only queries while a sweep runs
# (during the reference run).
# usage: sh tests/sweep_test.sh bin/hwsweep
set -u
bin=$1
tmp=$(mktemp -d /tmp/hwsweep-sweep-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

# dump DB: every stored data table in id order (runs differ by design; the
# servers and perf views are functions of these tables, so equal tables give
# equal views)
dump() {
    for t in chips packages server_shapes server_points server_costs reasons heat_sinks systems \
             perf_passes perf_results perf_costs perf_values perf_mappings perf_choices; do
        n=$(sqlite3 "$1" "SELECT count(*) FROM pragma_table_info('$t')")
        [ "$n" -gt 0 ] && sqlite3 "$1" "SELECT * FROM $t ORDER BY $(seq -s, 1 "$n")" || echo "no table $t"
    done
}
same() {   # same A.db B.db LABEL (the reference run's dump is made once)
    a="$tmp/a.dump"
    if [ "$1" = "$ref" ]; then a="$tmp/ref.dump"; [ -s "$a" ] || dump "$1" > "$a"; else dump "$1" > "$a"; fi
    dump "$2" > "$tmp/b.dump"
    if cmp -s "$a" "$tmp/b.dump" && [ -s "$a" ]; then ok; else ko "$3: databases differ"; fi
}

# wait_for DB SQL MIN: until the (partial) database answers SQL with at least
# MIN (10 s at most), so that a kill lands mid-run whatever the machine's load
wait_for() {
    n=0
    while [ "$(sqlite3 "file:$1?mode=ro" "$2" 2>/dev/null || echo 0)" -lt "$3" ] && [ $n -lt 500 ]; do
        sleep 0.02; n=$((n + 1))
    done
}
# killed PID LABEL: the process was still running when it was killed
alive() { kill -0 "$1" 2>/dev/null && ok || ko "$2: the run ended before the kill"; }

sweep=tests/sweeps/medium.yaml
# the reference run; read-only queries answer while it writes
"$bin" run -q -o "$tmp/ref" "$sweep" & pid=$!
n=0 answered=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 200 ]; do
    if [ -e "$tmp/ref/sweeps/medium.db.partial" ] && \
       sqlite3 -readonly "file:$tmp/ref/sweeps/medium.db.partial?mode=ro" "SELECT count(*) FROM servers" >/dev/null 2>&1; then
        answered=$((answered + 1))
    fi
    n=$((n + 1)); sleep 0.05
done
wait "$pid" || ko "reference run"
[ "$answered" -gt 0 ] && ok || ko "no read-only query answered during the run"
ref="$tmp/ref/sweeps/medium.db"

# kill -9 at several points (run recorded, first chunk, half the servers), resume until done
for at in "runs 1" "servers 1" "servers 2000"; do
    delay=$(echo "$at" | tr ' ' _)
    out="$tmp/kill$delay"
    "$bin" run -q -j 1 -o "$out" "$sweep" & pid=$!
    wait_for "$out/sweeps/medium.db.partial" "SELECT count(*) FROM ${at% *}" "${at#* }"
    alive "$pid" "kill at $at"
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    # a second kill in the middle of the resume
    "$bin" run -q --resume -o "$out" "$sweep" & pid=$!
    sleep 0.3; kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    "$bin" run -q --resume -o "$out" "$sweep" || ko "resume after kill at $delay s"
    same "$ref" "$out/sweeps/medium.db" "resume after SIGKILL at $delay s"
    cmp -s "$tmp/ref/sweeps/medium.cc_sweep.csv" "$out/sweeps/medium.cc_sweep.csv" && ok || ko "csv after resume"
done

# Ctrl-C: exit 130, a resume hint, then resume equals
out="$tmp/int"
"$bin" run -j 1 -o "$out" "$sweep" 2>"$tmp/int.err" & pid=$!
wait_for "$out/sweeps/medium.db.partial" "SELECT count(*) FROM servers" 1
alive "$pid" "SIGINT"
# a background job of a non-interactive shell starts with SIGINT ignored and the
# run's own handler covers the points phase: repeat Ctrl-C until it is handled
while kill -0 "$pid" 2>/dev/null; do kill -INT "$pid" 2>/dev/null; sleep 0.1; done
wait "$pid"; rc=$?
if [ "$rc" = 130 ] && grep -q "resume with: hwsweep run --resume" "$tmp/int.err"; then ok; else ko "SIGINT: status $rc"; fi
[ "$(sqlite3 "$out/sweeps/medium.db.partial" "SELECT status FROM runs ORDER BY run_id DESC LIMIT 1")" = interrupted ] && ok \
    || ko "SIGINT: run not marked interrupted"
"$bin" run -q --resume -o "$out" "$sweep" || ko "resume after SIGINT"
same "$ref" "$out/sweeps/medium.db" "resume after SIGINT"

# shards and merge
out="$tmp/shards"
for i in 1 2 3; do "$bin" run -q --shard "$i/3" -o "$out" "$sweep" || ko "shard $i/3"; done
"$bin" merge -q "$out/merged.db" "$out"/sweeps/medium.shard-*-of-3.db || ko "merge"
same "$ref" "$out/merged.db" "merged shards"
cmp -s "$tmp/ref/sweeps/medium.cc_sweep.csv" "$out/merged.cc_sweep.csv" && ok || ko "merged csv"
"$bin" merge -q "$out/m2.db" "$out/sweeps/medium.shard-1-of-3.db" "$out/sweeps/medium.shard-2-of-3.db" \
    2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "missing: 3" "$tmp/err" && ok || ko "merge missing shard: status $rc"
"$bin" merge -q "$out/m2.db" "$out/sweeps/medium.shard-1-of-3.db" "$out/sweeps/medium.shard-1-of-3.db" \
    "$out/sweeps/medium.shard-3-of-3.db" 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "are both shard 1/3" "$tmp/err" && ok || ko "merge duplicate shard: status $rc"
"$bin" run -q --shard 2/3 -o "$out" tests/sweeps/other.yaml || ko "other sweep shard"
"$bin" merge -q "$out/m2.db" "$out/sweeps/medium.shard-1-of-3.db" "$out/sweeps/other.shard-2-of-3.db" \
    "$out/sweeps/medium.shard-3-of-3.db" 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "not the same sweep" "$tmp/err" && ok || ko "merge mixed sweeps: status $rc"
[ ! -e "$out/m2.db" ] && ok || ko "a refused merge left m2.db"

# a bad override fails before any work, with its position
"$bin" run -q -o "$tmp/bad" tests/sweeps/bad_override.yaml 2>"$tmp/err"; rc=$?
if [ "$rc" = 2 ] && grep -q "bad_override.yaml:6:21: unknown key 'mac_ration' in Chip (did you mean 'mac_ratio'?)" \
    "$tmp/err" && [ ! -e "$tmp/bad/sweeps/bad_override.db" ]; then ok; else ko "bad override: status $rc"; cat "$tmp/err"; fi

# resume against a changed input is refused, naming the file
mkdir -p "$tmp/chg"
sed 's/\[2, 4, 8\]/[2, 4]/' "$sweep" > "$tmp/chg/medium.yaml"
"$bin" run -q -j 1 -o "$tmp/chg" "$tmp/chg/medium.yaml" & pid=$!
wait_for "$tmp/chg/sweeps/medium.db.partial" "SELECT count(*) FROM servers" 1
alive "$pid" "changed input"
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
sed 's/\[2, 4\]/[2, 4, 8]/' "$sweep" > "$tmp/chg/medium.yaml"
"$bin" run -q --resume -o "$tmp/chg" "$tmp/chg/medium.yaml" 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "sweep $tmp/chg/medium.yaml changed" "$tmp/err" && ok \
    || { ko "resume with a changed input: status $rc"; cat "$tmp/err"; }

echo "sweep_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
