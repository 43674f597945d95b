#!/bin/sh
# hf_cli.sh -- `hwsweep hf` and config.json models through the command
# line: located errors with exit status 2 and nothing written, model ids,
# the hf_ops table, CSV/JSON output.
# usage: sh tests/hf_cli.sh bin/hwsweep
set -u
bin=$1
tmp=$(mktemp -d /tmp/hwsweep-hf-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

check() {   # check NAME EXPECTED_STATUS EXPECTED_OUTPUT_REGEX -- command...
    name=$1 want=$2 regex=$3
    shift 4
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" = "$want" ] && cat "$tmp/out" "$tmp/err" | grep -Eq -- "$regex"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name: status $got (want $want); stderr:"; sed 's/^/    /' "$tmp/err"
    fi
}

g=tests/golden/hf
printf '{\n  "model_type": "llama",\n  "hidden_size": 4096,,\n}\n' > "$tmp/bad.json"
check bad-json 2 'bad.json:3:[0-9]+: ' -- "$bin" hf "$tmp/bad.json"
grep -v num_attention_heads $g/llama-3.1-8b.json > "$tmp/missing.json"
check missing-key 2 'missing.json: missing key "num_attention_heads"' -- "$bin" hf "$tmp/missing.json"
sed 's/"model_type": "llama"/"model_type": "t5"/' $g/llama-3.1-8b.json > "$tmp/t5.json"
check unsupported 2 'model_type "t5" is not supported.*supported: llama, mistral, qwen2, qwen3, mixtral, gpt2, bert, distilbert, deepseek_v3' -- "$bin" hf "$tmp/t5.json"
check unknown-id 2 'unknown model id "meta-llama/Llama-3.1-9B" \(did you mean "meta-llama/Llama-3.1-8B"\?\).*Qwen/Qwen3-0.6B' -- "$bin" hf meta-llama/Llama-3.1-9B
check bad-mode 2 "unknown mode 'decod'.*prefill, decode" -- "$bin" hf gpt2 --mode decod
check bad-batch 2 'batch takes an integer' -- "$bin" hf gpt2 --batch 0
check encoder-decode 2 'encoder-only' -- "$bin" hf google-bert/bert-base-uncased --mode decode
check id 0 'parameters: 8030261248 total' -- "$bin" hf meta-llama/Llama-3.1-8B
check short-id 0 'parameters: 671026404352 total .* 37552282624 active' -- "$bin" hf DeepSeek-V3 --mode decode --past 100
check decode-shape 0 'model.layers.0.self_attn.attn_qk +BatchMatMul .*\[4,32,1,101\]' -- "$bin" hf Llama-3.1-8B --ops --mode decode --batch 4 --past 100
check deps 0 'model.layers.0.self_attn.attn_pv <- model.layers.0.self_attn.softmax, model.layers.0.self_attn.kv_read' -- "$bin" hf Qwen3-0.6B --deps
check topo 0 '^ +5 +5 +2  model.layers.0.self_attn.k_proj' -- "$bin" hf Qwen3-0.6B --topological
check mla 0 'KV cache: 35136 elements/token' -- "$bin" hf DeepSeek-V3 --mode decode --past 10 --mla absorbed
check bad-mla 2 "unknown MLA variant 'latent'.*naive, absorbed" -- "$bin" hf DeepSeek-V3 --mla latent
check tree 0 '^    27 +15730944 ' -- "$bin" hf Qwen3-0.6B --tree
check csv 0 '^openai-community/gpt2,decode,16,1,128,full,naive,' -- "$bin" hf gpt2 --multi-config --csv
check json 0 '"attention_flops_share"' -- "$bin" hf gpt2 --json --ops

# the hf_ops table; a failing run leaves the database as it was
"$bin" hf -q --multi-config --db "$tmp/ops.db" Qwen3-0.6B || { echo "FAIL: --db"; fail=$((fail + 1)); }
rows=$(sqlite3 "$tmp/ops.db" "SELECT count(*) FROM hf_ops")
[ "$rows" = "$(( (592 + 592 + 592 + 592) * 2 ))" ] || { echo "FAIL: hf_ops rows $rows"; fail=$((fail + 1)); }
before=$(sqlite3 "$tmp/ops.db" "SELECT count(*), sum(flops) FROM hf_ops")
check db-bad 2 'encoder-only' -- "$bin" hf -q --mode decode --db "$tmp/ops.db" google-bert/bert-base-uncased
[ "$(sqlite3 "$tmp/ops.db" "SELECT count(*), sum(flops) FROM hf_ops")" = "$before" ] || { echo "FAIL: db changed"; fail=$((fail + 1)); }
check db-new-bad 2 'bad.json' -- "$bin" hf -q --db "$tmp/new.db" "$tmp/bad.json"
[ ! -e "$tmp/new.db" ] && [ -z "$(ls "$tmp" | grep tmp)" ] || { echo "FAIL: new.db written"; fail=$((fail + 1)); }

# config.json as a model: bad ones are refused before anything is written
check sw-bad-json 2 'bad.json:3:[0-9]+: ' -- "$bin" sw -o "$tmp/o" -m "$tmp/bad.json" tpuv4
check sw-encoder 2 'encoder-only' -- "$bin" sw -o "$tmp/o" -m $g/bert-base-uncased.json tpuv4

check sw-unknown-id 2 'unknown model id "Qwen/Qwen9"' -- "$bin" sw -o "$tmp/o" -m Qwen/Qwen9 tpuv4

# a sweep whose model list holds config.json files; model overrides do not apply to them
cat > "$tmp/hf_sweep.yaml" <<EOS
hardware: tests/golden/inputs/hardware/config/tpuv4.yaml
models: [$g/llama-3.1-8b.json, $g/qwen3-0.6b.json]
systems: inputs/software/system/tpuv4.yaml
EOS
check sweep-hf 0 'note: qwen3-0.6b: head_dim 128' -- "$bin" run -o "$tmp/sw" "$tmp/hf_sweep.yaml"
[ "$(sqlite3 "$tmp/sw/sweeps/hf_sweep.db" "SELECT group_concat(DISTINCT model) FROM systems")" = "llama-3.1-8b,qwen3-0.6b" ] \
    || { echo "FAIL: sweep models"; fail=$((fail + 1)); }
printf 'overrides:\n  Model.num_layers: [2, 4]\n' >> "$tmp/hf_sweep.yaml"
check sweep-hf-override 2 'model overrides apply to YAML models, not to a config.json' -- "$bin" run -o "$tmp/sw2" "$tmp/hf_sweep.yaml"

echo "hf_cli.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
