#!/bin/sh
# shellcheck disable=SC2015  # ok and ko always succeed: A && ok || ko is safe
# safety_test.sh -- no command loses, clobbers or hides results (issue 7):
# make targets that keep earlier models, a second writer refused naming the
# running one, a killed rerun that leaves the finished result, names that
# cannot escape the output folder or collide, rollback-journal databases
# that read-only users can query without leaving files, live views with
# their indexes, input files kept with their SHA-256 and written back,
# located errors for a full disk, bad folders and nonsense values, and a
# sweep too large for memory refused before it is expanded.
# usage: sh tests/safety_test.sh bin/hwsweep
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
tmp=$(mktemp -d /tmp/hwsweep-safety-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
has() { grep -q -- "$1" "$2"; }   # has TEXT FILE
q() { sqlite3 "file:$1?mode=ro" "$2"; }
make=${MAKE:-make}

# ---- 1. make targets: NAME.hw is a file, NAME.sw.MODEL keeps the others ----
mk=$tmp/mk
$make -s --no-print-directory OUTDIR="$mk" cc_sweep_small.sw.gpt3 >/dev/null 2>&1 || ko "make cc_sweep_small.sw.gpt3"
$make -s --no-print-directory OUTDIR="$mk" cc_sweep_small.sw.llama3-70B >"$tmp/mk.out" 2>&1 || ko "make sw.llama3-70B"
db=$mk/cc_sweep_small/cc_sweep_small.db
[ "$(q "$db" "SELECT group_concat(model) FROM (SELECT DISTINCT model FROM systems ORDER BY model)")" = "gpt3,llama3-70B" ] \
    && ok || ko "1: a second make NAME.sw.MODEL lost the first model"
has "bin/hwsweep hw" "$tmp/mk.out" && ko "1: NAME.hw explored again although its inputs did not change" || ok
before=$(q "$db" "SELECT count(*) FROM servers")
$make -s --no-print-directory OUTDIR="$mk" cc_sweep_small.sw.no_such_model >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" != 0 ] && has "models: .*gpt3" "$tmp/err" && ok || ko "1: unknown model: status $rc, no list of models"
[ "$(q "$db" "SELECT count(*) FROM servers")" = "$before" ] && [ "$before" -gt 0 ] && \
    [ "$(q "$db" "SELECT count(*) FROM systems")" = 8 ] && ok || ko "1: an unknown model changed the database"
$make -s --no-print-directory OUTDIR="$mk" no_such_hw.hw >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" != 0 ] && has "Hardware.*cc_sweep_small" "$tmp/err" && [ ! -e "$mk/no_such_hw" ] && ok \
    || ko "1: unknown hardware: status $rc"
"$bin" sw -q -o "$mk" -m inputs/software/model/gpt3.yaml no_such_hw 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && has "explored hardware: cc_sweep_small" "$tmp/err" && ok || ko "1: sw on unknown hardware: status $rc"
"$bin" sw -q -o "$mk" -m inputs/software/model/no_such_model.yaml cc_sweep_small 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && has "no_such_model.yaml:1:1: cannot open file" "$tmp/err" && has "available: bloom, " "$tmp/err" && ok \
    || ko "1: sw with a missing model file: status $rc"

# ---- 2. a second writer is refused, naming the first ----------------------
sweep=tests/sweeps/medium.yaml
out=$tmp/two
"$bin" run -q -j 1 -o "$out" "$sweep" & pid=$!
n=0
while [ ! -e "$out/sweeps/medium.db.partial" ] && [ $n -lt 200 ]; do sleep 0.02; n=$((n + 1)); done
for flag in "" --resume; do
    # shellcheck disable=SC2086
    "$bin" run -q $flag -o "$out" "$sweep" 2>"$tmp/err"; rc=$?
    if kill -0 "$pid" 2>/dev/null; then
        [ "$rc" = 1 ] && has "another hwsweep (pid $pid) is writing" "$tmp/err" && ok \
            || { ko "2: second writer ${flag:-without --resume}: status $rc"; cat "$tmp/err"; }
    else
        ko "2: the first run ended before the second writer was tried (machine too slow?)"
    fi
done
# ---- 7. live views: while the sweep runs the views read the ranking tables
# (rank_best, rank_front) that each chunk keeps up to date; queries answer ----
part=$out/sweeps/medium.db.partial
n=0
while [ "$(q "$part" "SELECT count(*) FROM perf" 2>/dev/null || echo 0)" -lt 1 ] && [ $n -lt 400 ]; do
    sleep 0.02; n=$((n + 1))
done
if kill -0 "$pid" 2>/dev/null; then
    [ "$(q "$part" "SELECT count(*) FROM sqlite_master WHERE name IN ('rank_best', 'rank_front')")" = 2 ] && \
        [ "$(q "$part" "SELECT count(*) FROM best_per_batch")" -gt 0 ] && \
        q "$part" "SELECT count(*) FROM pareto" >/dev/null && ok \
        || ko "7: the views do not answer from the ranking tables while the sweep runs"
    "$bin" query "$part" best >/dev/null 2>"$tmp/err" && ! has "not built yet" "$tmp/err" && ok \
        || ko "7: query during the run"
else
    ko "7: the sweep ended before the live checks (machine too slow?)"
fi
wait "$pid"; rc=$?
[ "$rc" = 0 ] && [ -e "$out/sweeps/medium.db" ] && [ ! -e "$out/sweeps/medium.db.partial" ] && \
    [ "$(q "$out/sweeps/medium.db" "SELECT status FROM runs")" = done ] && \
    [ "$(q "$out/sweeps/medium.db" "SELECT count(*) FROM sqlite_master WHERE name IN ('rank_best', 'rank_front')")" = 2 ] \
    && [ "$(q "$out/sweeps/medium.db" "SELECT count(*) FROM rank_best")" -gt 0 ] \
    && ok || ko "2: the first writer's database was harmed or lacks its ranking tables (status $rc)"
cp "$out/sweeps/medium.db" "$tmp/ref.db"

# ---- 3. a killed rerun leaves the finished result -------------------------
dump() { for t in servers systems perf; do q "$1" "SELECT * FROM $t ORDER BY 1"; done | cksum; }
ref=$(dump "$out/sweeps/medium.db")
"$bin" run -q -j 1 -o "$out" "$sweep" & pid=$!
n=0
while [ "$(q "$out/sweeps/medium.db.partial" "SELECT count(*) FROM servers" 2>/dev/null || echo 0)" -lt 1 ] && \
      [ $n -lt 400 ]; do sleep 0.02; n=$((n + 1)); done
mid=0
kill -0 "$pid" 2>/dev/null && mid=1
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rc=$?
if [ "$mid" = 1 ] && [ "$rc" = 137 ] && [ -e "$out/sweeps/medium.db.partial" ]; then
    [ "$(dump "$out/sweeps/medium.db")" = "$ref" ] && [ "$(q "$out/sweeps/medium.db" "SELECT count(*) FROM runs")" = 1 ] \
        && ok || ko "3: a rerun killed mid-run changed the finished database"
else
    ko "3: the kill did not land mid-run (alive $mid, status $rc)"
fi
"$bin" run -q --resume -o "$out" "$sweep" || ko "3: resume after the killed rerun"
[ "$(dump "$out/sweeps/medium.db")" = "$ref" ] && [ ! -e "$out/sweeps/medium.db.partial" ] && ok \
    || ko "3: resumed rerun differs"
"$bin" run --resume -o "$out" "$sweep" 2>"$tmp/err" && has "is complete: nothing to resume" "$tmp/err" && ok \
    || ko "3: --resume of a finished sweep"

# ---- 4. names cannot leave the output folder ------------------------------
good=tests/golden/inputs/hardware/config/tpuv4.yaml
mkdir -p "$tmp/n/out"
for name in "'..'" "'.'" "'a/b'" "\"a\\tb\""; do
    sed "s|^Name: .*|Name: $name|" "$good" > "$tmp/n/name.yaml"
    "$bin" hw -q -o "$tmp/n/out" "$tmp/n/name.yaml" 2>"$tmp/err"; rc=$?
    [ "$rc" = 2 ] && has "name.yaml:1:7: Name: " "$tmp/err" && ok || { ko "4: Name: $name: status $rc"; cat "$tmp/err"; }
done
[ -z "$(ls -A "$tmp/n/out")" ] && [ ! -e "$tmp/n/..db" ] && [ ! -e "$tmp/n/..csv" ] && ok || ko "4: a bad Name wrote files"
"$bin" hw -q -o '' "$good" 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && has "output folder name is empty" "$tmp/err" && ok || ko "4: -o '': status $rc"
printf "Model:\n  name: '..'\n  num_layers: 2\n  d: 64\n  num_heads: 2\n" > "$tmp/n/m.yaml"
"$bin" sw -q -o "$mk" -m "$tmp/n/m.yaml" cc_sweep_small 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && has "m.yaml:2:9: Model.name: '..' cannot be" "$tmp/err" && ok || ko "4: model name '..': status $rc"

# ---- 5. a model named like its hardware cannot overwrite NAME.csv ---------
csv=$mk/cc_sweep_small/cc_sweep_small.csv
sum=$(cksum < "$csv")
sed "s/name: 'gpt3'/name: 'cc_sweep_small'/" inputs/software/model/gpt3.yaml > "$tmp/same.yaml"
"$bin" sw -q -o "$mk" -m "$tmp/same.yaml" cc_sweep_small 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && has "same.yaml:3:9: Model.name: 'cc_sweep_small' is also the hardware's Name" "$tmp/err" && \
    [ "$(cksum < "$csv")" = "$sum" ] && ok || { ko "5: model named like the hardware: status $rc"; cat "$tmp/err"; }

# ---- 6. finished databases: rollback journal, read-only queries create nothing
for f in "$db" "$out/sweeps/medium.db"; do
    [ "$(q "$f" "PRAGMA journal_mode")" = delete ] && ok || ko "6: $f is not in rollback-journal mode"
    "$bin" query "$f" summary >/dev/null 2>"$tmp/err" || ko "6: query $f"
    [ ! -e "$f-wal" ] && [ ! -e "$f-shm" ] && [ ! -e "$f-journal" ] && ok || ko "6: query left files next to $f"
done
ro=$tmp/ro
# the other user runs a copy of the binary: the clone may sit in a folder only its owner can enter
mkdir -p "$ro" && cp "$out/sweeps/medium.db" "$ro/" && cp "$bin" "$tmp/hwsweep-ro" && chmod 755 "$tmp/hwsweep-ro" &&
    chmod 444 "$ro/medium.db" && chmod 555 "$ro"
if [ "$(id -u)" = 0 ] && command -v su >/dev/null 2>&1; then
    su nobody -s /bin/sh -c "'$tmp/hwsweep-ro' query '$ro/medium.db' best" >/dev/null 2>"$tmp/err" && ok \
        || { ko "6: a read-only user cannot query"; cat "$tmp/err"; }
else
    "$bin" query "$ro/medium.db" best >/dev/null 2>"$tmp/err" && ok || ko "6: query of a read-only database"
fi
[ -z "$(find "$ro" -name 'medium.db-*')" ] && ok || ko "6: files left in a read-only folder"
chmod 755 "$ro"

# ---- 8. inputs kept with their SHA-256; JSON safe; written back -----------
qd=$tmp/'q"uote'
mkdir -p "$qd" && cp tests/sweeps/tiny.yaml "$qd/tiny.yaml"
"$bin" run -q -o "$tmp/q8" "$qd/tiny.yaml" || ko "8: sweep from a path with a quote"
t8=$tmp/q8/sweeps/tiny.db
[ "$(q "$t8" "SELECT count(*) FROM inputs WHERE sha256 IS NOT NULL AND length(content) > 0")" = 6 ] && ok \
    || ko "8: the sweep database does not keep its 6 input files"
[ "$(q "$t8" "SELECT min(json_valid(inputs)) FROM runs")" = 1 ] && \
    [ "$(q "$t8" "SELECT json_extract(value, '\$.path') FROM runs, json_each(runs.inputs) WHERE json_extract(value, '\$.role') = 'sweep'")" = "$qd/tiny.yaml" ] \
    && ok || ko "8: runs.inputs is not valid JSON for a path with a quote"
[ "$(q "$db" "SELECT group_concat(role) FROM (SELECT DISTINCT role FROM inputs ORDER BY role)")" = "constants,hardware,model,system" ] \
    && ok || ko "8: hw/sw databases do not keep the model and system files"
rm -rf "$tmp/x8"
"$bin" inputs -q --extract "$tmp/x8" "$t8" || ko "8: hwsweep inputs --extract"
# the sweep file's path was absolute: it comes back as sweep/tiny.yaml; the files it names
# come back at their relative paths
(cd "$tmp/x8" && "$bin" run -q -o out sweep/tiny.yaml) || ko "8: re-run from the extracted inputs"
[ "$(dump "$tmp/x8/out/sweeps/tiny.db")" = "$(dump "$t8")" ] && ok || ko "8: the re-run from the database differs"
for i in 1 2; do "$bin" run -q --shard "$i/2" -o "$tmp/m8" tests/sweeps/tiny.yaml || ko "8: shard $i/2"; done
"$bin" merge -q "$tmp/m8/merged.db" "$tmp/m8/sweeps/tiny.shard-1-of-2.db" "$tmp/m8/sweeps/tiny.shard-2-of-2.db" \
    || ko "8: merge"
[ "$(q "$tmp/m8/merged.db" "SELECT count(*) FROM inputs")" = 6 ] && \
    [ "$(q "$tmp/m8/merged.db" "PRAGMA journal_mode")" = delete ] && ok || ko "8: the merged database lacks its inputs"
"$bin" inputs "$db" > "$tmp/list" && has "^model .*inputs/software/model/gpt3.yaml" "$tmp/list" && ok \
    || ko "8: hwsweep inputs list"

# ---- 9. full disk, bad output folder ---------------------------------------
before=$(dump "$db")
(trap '' XFSZ; ulimit -f 16; "$bin" sw -q -o "$mk" -m inputs/software/model/llama2.yaml cc_sweep_small) 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && has "cc_sweep_small.db: .*[a-z]" "$tmp/err" && [ "$(dump "$db")" = "$before" ] && ok \
    || { ko "9: sw on a full disk: status $rc"; cat "$tmp/err"; }
(trap '' XFSZ; ulimit -f 16; "$bin" hw -q -o "$mk" inputs/hardware/config/cc_sweep_small.yaml) 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && has "cc_sweep_small.db: .*[a-z]" "$tmp/err" && [ "$(dump "$db")" = "$before" ] && ok \
    || { ko "9: hw on a full disk: status $rc"; cat "$tmp/err"; }
: > "$tmp/afile"
"$bin" hw -q -o "$tmp/afile/out" "$good" 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && has "cannot create" "$tmp/err" && ok || ko "9: hw into an unusable folder: status $rc"
"$bin" run -q -o "$tmp/afile/out" tests/sweeps/tiny.yaml 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && has "cannot create" "$tmp/err" && ok || ko "9: run into an unusable folder: status $rc"

# ---- 10. values checked for meaning; sizing before expansion --------------
bad() {   # bad LABEL REGEX -- command...
    label=$1 regex=$2; shift 3
    "$@" >/dev/null 2>"$tmp/err"; rc=$?
    [ "$rc" = 2 ] && grep -Eq -- "$regex" "$tmp/err" && ok || { ko "10: $label: status $rc"; cat "$tmp/err"; }
}
sed 's/^  freq: .*/  freq: .inf/' "$good" > "$tmp/inf.yaml"
bad "freq .inf" 'inf.yaml:7:9: Chip.freq: .inf must be a finite number' -- "$bin" hw -q -o "$tmp/o10" "$tmp/inf.yaml"
sed 's/^  perf: .*/  perf: 1e400/' "$good" > "$tmp/e400.yaml"
bad "perf 1e400" 'e400.yaml:[0-9]+:9: Chip.perf: 1e400 must be a finite number' -- "$bin" hw -q -o "$tmp/o10" "$tmp/e400.yaml"
printf "Model:\n  name: 'm'\n  num_layers: 2\n  d: 12288\n  num_heads: 100000\n" > "$tmp/model.yaml"
bad "num_heads 100000" 'model.yaml:5:14: Model.num_heads: 100000 does not divide d = 12288' -- \
    "$bin" sw -q -o "$mk" -m "$tmp/model.yaml" cc_sweep_small
printf "Model:\n  name: 'm'\n  num_layers: 2\n  d: 12288\n  num_heads: 7\n" > "$tmp/model.yaml"
bad "num_heads 7" 'model.yaml:5:14: Model.num_heads: 7 does not divide d = 12288' -- \
    "$bin" sw -q -o "$mk" -m "$tmp/model.yaml" cc_sweep_small
printf "Model:\n  name: 'm'\n  num_layers: 2\n  d: 12288\n  num_heads: 96\n  heads_per_kv_cache: 128\n" > "$tmp/model.yaml"
bad "heads_per_kv_cache above num_heads" 'model.yaml:6:23: Model.heads_per_kv_cache: 128 is above num_heads = 96' -- \
    "$bin" sw -q -o "$mk" -m "$tmp/model.yaml" cc_sweep_small
printf "Model:\n  name: 'm'\n  num_layers: 2\n  d: 12288\n  num_heads: 96\n  act: 'zzz'\n" > "$tmp/model.yaml"
bad "act zzz" "model.yaml:6:8: Model.act: unknown activation 'zzz' \(valid: gelu, " -- \
    "$bin" sw -q -o "$mk" -m "$tmp/model.yaml" cc_sweep_small
[ "$(dump "$db")" = "$before" ] && ok || ko "10: a refused model changed the database"
# a 1000 x 1000 override: counted, estimated and refused at its line, in well under a second
awk 'BEGIN { printf "hardware: inputs/hardware/config/cc_sweep.yaml\nmodels: inputs/software/model/gpt3.yaml\n";
             printf "systems: inputs/software/system/cc_sweep.yaml\noverrides:\n  Chip.area: [";
             for (i = 0; i < 1000; i++) printf "%s%d", i ? ", " : "", 40 + i;
             printf "]\n  Chip.mac_ratio: [";
             for (i = 0; i < 1000; i++) printf "%s%.4f", i ? ", " : "", 0.05 + i * 0.0009;
             printf "]\n" }' > "$tmp/huge.yaml"
bad "1000 x 1000 override" 'huge.yaml:5:3: the sweep needs about [0-9.]+ MiB to expand \(2000000 chip, .*pass --yes' -- \
    "$bin" run -o "$tmp/o10" "$tmp/huge.yaml"
has "2000000 chip x 2 package x 4 server configurations = up to 16000000 servers" "$tmp/err" && ok \
    || ko "10: the sweep's size is not printed before expansion"
[ ! -e "$tmp/o10" ] && ok || ko "10: a refused sweep wrote files"
bad "--max-memory" 'tiny.yaml:8:3: the sweep needs about' -- "$bin" run -q --max-memory 0.001 -o "$tmp/o10" tests/sweeps/tiny.yaml
"$bin" run -q --yes --max-memory 0.001 --dry-run -o "$tmp/o10" tests/sweeps/tiny.yaml && ok || ko "10: --yes"

echo "safety_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
