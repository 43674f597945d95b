#!/bin/sh
# cli_errors.sh -- bad input through the command line: a file:line:col
# message, exit status 2, and earlier outputs left untouched.
# usage: sh tests/cli_errors.sh bin/hwsweep
set -u
bin=$1
tmp=$(mktemp -d /tmp/hwsweep-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

check() {   # check NAME EXPECTED_STATUS EXPECTED_STDERR_REGEX -- command...
    name=$1 want=$2 regex=$3
    shift 4
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" = "$want" ] && grep -Eq -- "$regex" "$tmp/err"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name: status $got (want $want); stderr:"; sed 's/^/    /' "$tmp/err"
    fi
}

good=tests/golden/inputs/hardware/config/tpuv4.yaml
"$bin" hw -q -o "$tmp/out1" "$good" || { echo "FAIL: good input"; exit 1; }
cp "$tmp/out1/tpuv4/tpuv4.csv" "$tmp/before.csv"
sum_db=$(sqlite3 "$tmp/out1/tpuv4/tpuv4.db" "SELECT * FROM servers" | cksum)

# typo in a key: suggestion, position
sed 's/^  mac_ratio:/  mac_ration:/; s/^  freq:/  frq:/' "$good" > "$tmp/typo.yaml"
check typo 2 'typo.yaml:7:3: unknown key .frq. in Chip \(did you mean .freq.\?\)' -- "$bin" hw -q -o "$tmp/out1" "$tmp/typo.yaml"
# wrong type
sed 's/^  freq: .*/  freq: fast/' "$good" > "$tmp/type.yaml"
check type 2 'type.yaml:7:9: Chip.freq: expected a number' -- "$bin" hw -q -o "$tmp/out1" "$tmp/type.yaml"
# out of range
sed 's/^  freq: .*/  freq: 0/' "$good" > "$tmp/zero.yaml"
check zero 2 'zero.yaml:7:9: Chip.freq: 0 must be > 0' -- "$bin" hw -q -o "$tmp/out1" "$tmp/zero.yaml"
# missing required key
grep -v '^  packages_per_lane' "$good" > "$tmp/missing.yaml"
check missing 2 "missing.yaml:[0-9]+:3: Server: missing required key 'packages_per_lane'" -- "$bin" hw -q -o "$tmp/out1" "$tmp/missing.yaml"
# empty list
sed 's/^  num_chips: .*/  num_chips: []/' "$good" > "$tmp/empty.yaml"
check emptylist 2 'empty.yaml:[0-9]+:[0-9]+: .*empty list' -- "$bin" hw -q -o "$tmp/out1" "$tmp/empty.yaml"
# syntax error, empty file, garbage
printf 'Name: x\nChip:\n  a: b: c\n' > "$tmp/syntax.yaml"
check syntax 2 'syntax.yaml:3:[0-9]+: ' -- "$bin" hw -q -o "$tmp/out1" "$tmp/syntax.yaml"
: > "$tmp/emptyfile.yaml"
check emptyfile 2 'emptyfile.yaml:1:1: ' -- "$bin" hw -q -o "$tmp/out1" "$tmp/emptyfile.yaml"
head -c 4096 /dev/urandom > "$tmp/garbage.yaml"
check garbage 2 'garbage.yaml:[0-9]+:[0-9]+: ' -- "$bin" hw -q -o "$tmp/out1" "$tmp/garbage.yaml"
# refused names
sed "s/^  dataflow: .*/  dataflow: 'llmcompass'/" "$good" > "$tmp/llmc.yaml"
check llmcompass 2 "llmc.yaml:6:13: Chip.dataflow: 'llmcompass' is not supported: it needs the external LLMCompass" -- "$bin" hw -q -o "$tmp/out1" "$tmp/llmc.yaml"
sed "s/^  dataflow: .*/  dataflow: 'rooflin'/" "$good" > "$tmp/df.yaml"
check dataflow 2 "df.yaml:6:13: Chip.dataflow: unknown value 'rooflin' \(valid: roofline, WS\)" -- "$bin" hw -q -o "$tmp/out1" "$tmp/df.yaml"
printf "  area_model: 'micro_arch'\n" > "$tmp/am.part"
sed "/^  tech:/r $tmp/am.part" "$good" > "$tmp/am.yaml"
check micro_arch 2 "am.yaml:6:15: Chip.area_model: 'micro_arch' is not supported: it needs an SRAM macro table" -- "$bin" hw -q -o "$tmp/out1" "$tmp/am.yaml"
# missing file, bad option
check nofile 2 'nope.yaml:1:1: ' -- "$bin" hw -q -o "$tmp/out1" "$tmp/nope.yaml"
check badopt 2 'usage: hwsweep hw' -- "$bin" hw --bogus "$good"

# hw then sw: a bad model is found before the hardware is written
printf 'Model:\n  name: x\n  num_layers: 0\n  d: 10\n  num_heads: 2\n' > "$tmp/badmodel.yaml"
check run_badmodel 2 'badmodel.yaml:3:15: Model.num_layers: 0 must be > 0' -- \
    "$bin" run -q -o "$tmp/out2" -m "$tmp/badmodel.yaml" "$good"
if [ ! -e "$tmp/out2" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: run wrote outputs"; fi

# cluster runs: status of a missing or foreign file, a bad --scratch folder
check status_missing 2 "hwsweep status: $tmp/none.db: no such file" -- "$bin" status "$tmp/none.db"
check status_dir 2 "hwsweep status: $tmp: is a directory" -- "$bin" status "$tmp"
check status_foreign 2 "hwsweep status: $good: not a sweep database" -- "$bin" status "$good"
check scratch_missing 2 "hwsweep run: --scratch $tmp/noscratch: does not exist" -- \
    "$bin" run -q -o "$tmp/out3" --scratch "$tmp/noscratch" tests/sweeps/tiny.yaml
check scratch_file 2 "hwsweep run: --scratch $good: is not a directory" -- \
    "$bin" run -q -o "$tmp/out3" --scratch "$good" tests/sweeps/tiny.yaml
check publish_every 2 "hwsweep run: --publish-every takes seconds >= 0" -- \
    "$bin" run -q -o "$tmp/out3" --scratch "$tmp" --publish-every -5 tests/sweeps/tiny.yaml
if [ ! -e "$tmp/out3" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: a bad --scratch wrote outputs"; fi

# earlier outputs are untouched
if cmp -s "$tmp/before.csv" "$tmp/out1/tpuv4/tpuv4.csv" && \
   [ "$(sqlite3 "$tmp/out1/tpuv4/tpuv4.db" "SELECT * FROM servers" | cksum)" = "$sum_db" ]; then
    pass=$((pass + 1))
else
    fail=$((fail + 1)); echo "FAIL: earlier outputs changed after bad input"
fi
# validate --help names every v2 correction --v2-off accepts: the unknown-name
# error lists the table, and the help must list the same names
names=$("$bin" validate --v2-off nosuch x.csv 2>&1 | sed -n 's/.*(valid: \(.*\))$/\1/p' | tr -d ' ')
help=$("$bin" validate --help | sed -n '/^      --v2-off/,/^  -h, --help/p' | sed '$d; s/.*comma-separated://' | tr -d ' )\n')
if [ -n "$names" ] && [ "$names" = "$help" ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL validate help: names [$names] help [$help]"; fi

echo "cli_errors: $pass passed, $fail failed"
[ "$fail" = 0 ]
