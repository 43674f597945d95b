#!/bin/sh
# bench_astra.sh -- hwsweep astra, best of 3 each: the README's 7-layer mnk
# example (text), a whole Llama-3.1-8B training step (32 layers, 192 GEMMs,
# text), and Chakra traces of that step for 1024 NPUs.
# usage: sh bench/bench_astra.sh bin/hwsweep
set -eu
bin=$1
g=tests/golden/astra
out=$(mktemp -d /tmp/hwsweep-bencha-XXXXXX)
trap 'rm -rf "$out"' EXIT
best() { # label command...
    label=$1
    shift
    b=""
    for _ in 1 2 3; do
        t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
        t=$(awk "BEGIN { print $t1 - $t0 }")
        if [ -z "$b" ] || awk "BEGIN { exit !($t < $b) }"; then b=$t; fi
    done
    printf 'astra %-44s %.3f s\n' "$label" "$b"
}
best "example.csv DATA, 16 NPUs (text)" "$bin" astra -q --mnk $g/example.csv --num-npus 16 --num-packages 2 \
    --scalesim-config $g/google.cfg -o "$out/ex.txt"
best "Llama-3.1-8B step, 192 GEMMs (text)" "$bin" astra -q --from-model $g/llama-3.1-8b.json --batch 8 \
    --seq 4096 --parallel HYBRID_DATA_MODEL --num-npus 64 --num-packages 8 --scalesim-config $g/google.cfg \
    -o "$out/llama.txt"
best "Llama-3.1-8B step, 1024 NPUs (chakra)" "$bin" astra -q --from-model $g/llama-3.1-8b.json --batch 8 \
    --seq 4096 --parallel HYBRID_DATA_MODEL --num-npus 1024 --num-packages 128 --scalesim-config $g/google.cfg \
    --format chakra -o "$out/llama"
printf 'astra chakra trace size: %s bytes per NPU\n' "$(wc -c < "$out/llama.0.et")"
