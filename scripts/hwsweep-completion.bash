# hwsweep-completion.bash -- bash completion for hwsweep: commands, each
# command's options, query kinds, and file names (YAML, databases) elsewhere.
# Installed by `make install` as PREFIX/share/bash-completion/completions/hwsweep;
# from a source tree: source scripts/hwsweep-completion.bash
_hwsweep()
{
    local cur prev cmd opts
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    cmd=${COMP_WORDS[1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "hw sw run merge status query schema inputs kernels validate astra hf plot report npu --help --version" -- "$cur"))
        return
    fi
    case $cmd in
        hw) opts="-c --constants -o --outdir -j --threads -q --quiet -h --help" ;;
        sw) opts="-m --model -s --system -o --outdir -j --threads -q --quiet -h --help" ;;
        run) opts="-c --constants -m --model -s --system -o --outdir -j --threads -q --quiet --resume --shard --scratch --publish-every --no-scratch --dry-run --max-memory --yes -h --help" ;;
        merge) opts="-q --quiet -h --help" ;;
        status) opts="--json -h --help" ;;
        query) opts="summary best pareto points invalid -m --model -b --batch -O --objective -w --where -s --sort -n --limit --csv --json -h --help" ;;
        schema) opts="--csv -h --help" ;;
        inputs) opts="-x --extract -q --quiet -h --help" ;;
        kernels) opts="-m --hw --input-len --output-len --batch --prefill-batch --chunk --compat --fixes --csv -h --help" ;;
        validate) opts="-c --constants --csv --v2-off -h --help" ;;
        astra) opts="--mnk --from-model --from-db --system --batch --seq --layers --parallel --num-npus --num-packages --datatype-size --scalesim-config --format --compat --freq-hz --passes -o --output -q --quiet -h --help" ;;
        hf) opts="--ops --deps --summary --topological --tree --multi-config --batch --seq --past --mode --causal --mla --logits --csv --json --db -q --quiet -h --help" ;;
        plot) opts="-m --model -e --eval-len -w --where --size --x -o -h --help" ;;
        report) opts="-o -h --help" ;;
        npu) opts="--chip --model --system --set --training --no-energy --compat --keep-quirk --allow-oom -q -o -h --help" ;;
    esac
    case $prev in
        -o|--outdir|-x|--extract|--scratch) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        -j|--threads|--shard|--max-memory|--publish-every) return ;;
    esac
    if [ "${cur#-}" != "$cur" ] || { [ "$cmd" = query ] && [ "$COMP_CWORD" -eq 3 ]; }; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _hwsweep hwsweep
