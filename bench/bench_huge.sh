#!/bin/sh
# bench_huge.sh -- bench/huge.yaml (over 10M server configurations, over
# 1M system points, every point stored): one stored run on 1 thread and one
# on 2, side by side (servers/s, system points/s, wall and CPU time, peak
# RSS, database size, bytes per server of the server tables), then the
# resume check: a 2-thread run killed with SIGKILL after KILL_AFTER seconds
# (default 20) and resumed holds every server exactly once.
# usage: sh bench/bench_huge.sh bin/hwsweep [THREADS...]   (default: 1 2)
#   SWEEP=tests/sweeps/medium.yaml sh bench/bench_huge.sh ...  the same on another sweep
set -eu
bin=$1
shift
threads=${*:-1 2}
out=$(mktemp -d /tmp/hwsweep-huge-XXXXXX)
trap 'rm -rf "$out"' EXIT
sweep=${SWEEP:-bench/huge.yaml}
db=$out/sweeps/$(basename "$sweep" .yaml).db

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %12s %12s %14s %16s %9s %9s %9s %10s %10s\n' threads servers systems "servers/s" "system pts/s" \
    "wall s" "user s" "sys s" "RSS MiB" "db MiB"
for j in $threads; do
    rm -rf "$out/sweeps"
    /usr/bin/time -f '%e %U %S %M' -o "$out/time" "$bin" run -q -j "$j" -o "$out" "$sweep"
    read -r wall user sys rss < "$out/time"
    servers=$(sqlite3 "$db" "SELECT count(*) FROM server_points")
    systems=$(sqlite3 "$db" "SELECT count(*) FROM systems")
    mib=$(du -m "$db" | cut -f1)
    awk -v j="$j" -v n="$servers" -v s="$systems" -v w="$wall" -v u="$user" -v y="$sys" -v r="$rss" -v m="$mib" \
        'BEGIN { printf "%-8s %12d %12d %14.0f %16.0f %9.1f %9.1f %9.1f %10.0f %10d\n", j, n, s, n / w, s / w, w, u, y, r / 1024, m }'
done
sqlite3 "$db" "SELECT name, count(*) AS pages, sum(pgsize) AS bytes FROM dbstat WHERE name IN
    ('server_points', 'server_costs', 'server_shapes', 'reasons', 'heat_sinks') GROUP BY name" 2>/dev/null |
    awk -F'|' -v n="$servers" '{ b += $3; printf "  %-14s %12d bytes\n", $1, $3 }
        END { if (b) printf "  server tables: %.1f bytes per server\n", b / n }'

echo "resume: kill -9 after ${KILL_AFTER:-20} s, then --resume:"
rm -rf "$out/sweeps"
"$bin" run -q -j 2 -o "$out" "$sweep" & pid=$!
sleep "${KILL_AFTER:-20}"
kill -9 "$pid" 2>/dev/null && echo "  killed at $(sqlite3 "file:$db.partial?mode=ro" "SELECT count(*) FROM server_points") servers" ||
    echo "  (the run ended before the kill: raise KILL_AFTER)"
wait "$pid" 2>/dev/null || true
"$bin" run -q --resume -j 2 -o "$out" "$sweep"
sqlite3 "$db" "SELECT count(*), count(DISTINCT server_id), max(server_id) + 1 FROM server_points" |
    awk -F'|' '{ printf "  after resume: %d servers, %d distinct, ids 0..%d: %s\n", $1, $2, $3 - 1,
                 ($1 == $2 && $1 == $3) ? "every server once" : "WRONG" }'
