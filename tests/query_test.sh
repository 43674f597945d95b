#!/bin/sh
# shellcheck disable=SC2015  # ok and ko always succeed: A && ok || ko is safe
# query_test.sh -- hwsweep query's points and invalid queries and its
# filters (--batch, --objective, --where, --sort, --limit, --csv, --json) on
# the chiplet sweep (cc_sweep x gpt3: 288 servers, 58 valid), the top
# invalid reasons that hw prints with units, and the warning of a sweep
# where nothing is valid.
# usage: sh tests/query_test.sh bin/hwsweep
set -u
bin=$1
tmp=$(mktemp -d /tmp/hwsweep-query-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }

"$bin" hw -o "$tmp" inputs/hardware/config/cc_sweep.yaml >"$tmp/hw.out" 2>&1 || ko "hw cc_sweep"
grep -q "^ *196 server   Heat sink [0-9.]* W cannot cool package TDP [0-9.]* W$" "$tmp/hw.out" && \
grep -q "^ *24 server   Lane silicon area [0-9.]* mm2 too large (max 9000.0 mm2)$" "$tmp/hw.out" && \
grep -q "^ *10 server   Server core power [0-9.]* W is too large, max power is 2000.0 W$" "$tmp/hw.out" \
    && ok || { ko "hw: the top reasons with units"; cat "$tmp/hw.out"; }
"$bin" sw -q -o "$tmp" -m inputs/software/model/gpt3.yaml cc_sweep || ko "sw cc_sweep gpt3"
db="$tmp/cc_sweep/cc_sweep.db"

"$bin" query "$db" invalid --csv > "$tmp/inv" || ko "query invalid"
[ "$(sed -n 2p "$tmp/inv" | cut -d, -f1-3)" = "server,Heat sink # W cannot cool package TDP # W,196" ] && ok \
    || { ko "query invalid: first row"; cat "$tmp/inv"; }
[ "$(wc -l < "$tmp/inv")" = 4 ] && ok || ko "query invalid: three reasons"

# points: every valid point; its count equals the points view's
n=$("$bin" query "$db" points --csv | wc -l)
[ "$n" = "$(($(sqlite3 "$db" 'SELECT count(*) FROM points') + 1))" ] && ok || ko "query points: $n rows"
# filters and order: the cheapest batch-8 point under 200 mm2 at generate_tco, and its hardware columns
"$bin" query "$db" points --batch 8 --objective generate_tco --where 'chip_area_mm2 <= 200 AND prefill_len = 256' \
    --sort tco_per_mtoken_usd,-generate_throughput_tokens_per_s --limit 1 --json > "$tmp/j" || ko "query points with filters"
want=$(sqlite3 "$db" "SELECT min(f.tco_per_mtoken_usd) FROM perf f JOIN systems s USING (system_id) JOIN servers v \
    ON v.server_id = s.server_id WHERE s.valid AND f.batch = 8 AND f.objective = 'generate_tco' \
    AND v.chip_area_mm2 <= 200 AND s.prefill_len = 256")
python3 - "$tmp/j" "$want" <<'PY' && ok || ko "query points --json: not the cheapest point"
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 1, rows
r = rows[0]
assert r["batch"] == 8 and r["objective"] == "generate_tco" and r["chip_area_mm2"] <= 200, r
assert abs(r["tco_per_mtoken_usd"] - float(sys.argv[2])) <= 1e-12 * abs(float(sys.argv[2])), r
for k in ("mac_ratio", "pkg_num_chips", "srv_num_packages", "num_lanes", "srv_cost_usd", "tco_total_usd"):
    assert k in r, k
assert isinstance(r["t"], int) and isinstance(r["num_servers"], int), r
PY
[ "$("$bin" query "$db" best --batch 8 --objective generate_latency --csv | wc -l)" = \
  "$(($(sqlite3 "$db" "SELECT count(*) FROM best_per_batch WHERE batch = 8 AND objective = 'generate_latency'") + 1))" ] \
    && ok || ko "query best --batch --objective"
[ "$("$bin" query "$db" pareto --limit 3 --csv | wc -l)" = 4 ] && ok || ko "query pareto --limit 3"
# bad input: exit 2 with the reason
for args in "points --where chip_aera>1|no such column: chip_aera" "points --sort a;b|expected column names" \
            "best --objective generate_tc|did you mean 'generate_tco'" "bets|did you mean 'best'" \
            "pareto --objective generate_tco|no objective" "best --batch 0|whole number"; do
    # shellcheck disable=SC2086  # the arguments are words
    "$bin" query "$db" ${args%%|*} >/dev/null 2>"$tmp/err"; rc=$?
    [ "$rc" = 2 ] && grep -q "${args#*|}" "$tmp/err" && ok || { ko "query $args: status $rc"; cat "$tmp/err"; }
done

# a sweep where nothing is valid: a loud warning, nothing valid stored
printf 'hardware: ../../inputs/hardware/config/cc_sweep_small.yaml\nmodels: ../../inputs/software/model/gpt3.yaml\nsystems: ../../inputs/software/system/cc_sweep_small.yaml\noverrides:\n  Server.packages_per_lane: [64]\n' \
    > "$tmp/none.yaml"
mkdir -p "$tmp/a/b" && mv "$tmp/none.yaml" "$tmp/a/b/none.yaml"
ln -s "$(pwd)/inputs" "$tmp/inputs"
"$bin" run -q -o "$tmp/o" "$tmp/a/b/none.yaml" 2>"$tmp/err"; rc=$?
[ "$rc" = 0 ] && grep -q "WARNING: none of the [0-9]* server points of .* is valid" "$tmp/err" && ok \
    || { ko "sweep with nothing valid: status $rc"; cat "$tmp/err"; }

echo "query_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
