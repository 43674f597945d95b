#!/bin/sh
# shellcheck disable=SC2015  # ok and ko always succeed: A && ok || ko is safe
# install_test.sh -- make install PREFIX=... and paths: the installed binary
# finds its shipped inputs from any directory; a sweep's files resolve next
# to the sweep file; the man page and the bash completion are installed.
# usage: sh tests/install_test.sh bin/hwsweep   (run from the source tree)
set -u
tmp=$(mktemp -d /tmp/hwsweep-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
src=$(pwd)
p="$tmp/prefix"

${MAKE:-make} -s --no-print-directory install PREFIX="$p" >"$tmp/log" 2>&1 || { ko "make install"; cat "$tmp/log"; }
for f in bin/hwsweep share/hwsweep/inputs/hardware/constant/7nm_default.yaml share/man/man1/hwsweep.1 \
         share/bash-completion/completions/hwsweep share/hwsweep/sweeps; do
    [ -e "$p/$f" ] && ok || ko "make install: no $f"
done

# the installed binary from another directory: default constants and system file
mkdir -p "$tmp/cwd"
(cd "$tmp/cwd" && "$p/bin/hwsweep" hw -q -o out "$p/share/hwsweep/inputs/hardware/config/tpuv4.yaml") \
    && ok || ko "installed hw from another directory"
(cd "$tmp/cwd" && "$p/bin/hwsweep" sw -o out -m "$p/share/hwsweep/inputs/software/model/gpt3.yaml" tpuv4) \
    >"$tmp/out" 2>&1 && grep -q "system configuration: $p/share/hwsweep/inputs/software/system/tpuv4.yaml" "$tmp/out" \
    && ok || { ko "installed sw: the system file of the installation"; cat "$tmp/out"; }

# NPU chips, models and systems, and HuggingFace ids, by name from another directory
(cd "$tmp/cwd" && "$p/bin/hwsweep" npu --chip tpuv5p --model llama3-8b -o npu.csv) >"$tmp/out" 2>&1 \
    && [ -s "$tmp/cwd/npu_decode.json" ] && ok || { ko "installed npu by names"; cat "$tmp/out"; }
(cd "$tmp/cwd" && "$p/bin/hwsweep" npu --chip tpuv5 --model llama3-8b -o npu2.csv) >"$tmp/out" 2>&1
[ $? = 2 ] && grep -q "did you mean 'tpuv5e'" "$tmp/out" && ok || { ko "installed npu: names listed"; cat "$tmp/out"; }
(cd "$tmp/cwd" && "$p/bin/hwsweep" hf Llama-3.1-8B) >"$tmp/out" 2>&1 && ok || { ko "installed hf by id"; cat "$tmp/out"; }

# a sweep whose files sit next to it, run from elsewhere
mkdir -p "$tmp/mine/parts"
cp inputs/hardware/config/cc_sweep_small.yaml "$tmp/mine/parts/hw.yaml"
cp inputs/software/model/gpt3.yaml "$tmp/mine/parts/gpt3.yaml"
cp inputs/software/system/cc_sweep_small.yaml "$tmp/mine/parts/sys.yaml"
printf 'hardware: parts/hw.yaml\nmodels: parts/gpt3.yaml\nsystems: parts/sys.yaml\n' > "$tmp/mine/s.yaml"
(cd "$tmp/cwd" && "$p/bin/hwsweep" run -q -o out2 ../mine/s.yaml) && ok || ko "sweep with files next to it"
db="$tmp/cwd/out2/sweeps/s.db"
[ "$(sqlite3 "$db" "SELECT count(*) FROM inputs WHERE path LIKE '%mine/parts/%'")" = 3 ] && ok \
    || ko "the sweep's files were not read next to it"
[ "$(sqlite3 "$db" "SELECT path FROM inputs WHERE role = 'constants'")" = \
  "$p/share/hwsweep/inputs/hardware/constant/7nm_default.yaml" ] && ok || ko "default constants of the installation"
# the same sweep from the source tree's binary gives the same points
(cd "$tmp/mine" && "$src/bin/hwsweep" run -q -o out3 s.yaml) && ok || ko "sweep from its own folder"
[ "$(sqlite3 "$db" 'SELECT count(*), sum(valid) FROM systems')" = \
  "$(sqlite3 "$tmp/mine/out3/sweeps/s.db" 'SELECT count(*), sum(valid) FROM systems')" ] && ok || ko "same systems"

# the bash completion completes commands and query kinds
r=$(bash -c ". '$p/share/bash-completion/completions/hwsweep'; COMP_WORDS=(hwsweep sch); COMP_CWORD=1; _hwsweep; echo \"\${COMPREPLY[*]}\"")
[ "$r" = schema ] && ok || ko "completion: '$r'"
# the man page names every command
for c in hw sw run merge status query schema inputs kernels validate astra hf plot report npu; do
    grep -q "^\.SS \"hwsweep $c" "$p/share/man/man1/hwsweep.1" && ok || ko "man page: no $c"
done

# hwsweep schema: of a database, and of a new one; a file that is not one is refused
"$p/bin/hwsweep" schema "$db" > "$tmp/schema" && grep -Eq '^  generate_latency_s +REAL +s +time of all generated' \
    "$tmp/schema" && ok || ko "schema DB: generate_latency_s in s"
"$p/bin/hwsweep" schema --csv | grep -q '^servers,tco_total_usd,[A-Z]*,USD,' && ok || ko "schema --csv: tco_total_usd in USD"
"$p/bin/hwsweep" schema "$p/share/man/man1/hwsweep.1" >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] && ok || ko "schema of a file that is not a database: status $rc"

echo "install_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
