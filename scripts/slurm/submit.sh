#!/bin/bash
# submit.sh -- run a hwsweep sweep on a Slurm cluster as N shards plus a merge.
#
#   scripts/slurm/submit.sh SWEEP.yaml N [sbatch options...]
#
# Submits an array job of N tasks (scripts/slurm/sweep.sbatch; task I runs
# `hwsweep run --shard I/N`) and a merge job that starts once every task has
# succeeded (--dependency=afterok) and merges the shard databases into
# OUTDIR/sweeps/NAME.db. Prints `array job: ID` and `merge job: ID`.
# The sbatch options (e.g. --partition=P --cpus-per-task=C --time=T) are
# given to both jobs. Environment: OUTDIR (default outputs), HWSWEEP_BIN
# (default bin/hwsweep); both are passed on to the jobs, which run in the
# current directory, so it must be visible to the compute nodes.
# CHECKPOINT_S (default 600): Slurm sends each shard SIGUSR1 that many seconds
# before its time limit (--signal=B:USR1@CHECKPOINT_S); the shard finishes
# its chunk, publishes a checkpoint and requeues itself (sweep.sbatch).  Give
# it time for one chunk and for copying the shard's database to OUTDIR.
# The merge job is cancelled when a shard fails for good
# (--kill-on-invalid-dep=yes).  When N reaches the cluster's MaxArraySize
# (`scontrol show config`), the shards are split over several array jobs of
# at most MaxArraySize-1 tasks (one `array job:` line each, naming its
# shards) and the merge waits for all of them.
# Exit status: 0 submitted, 2 bad arguments, 1 sbatch failed.
set -euo pipefail

usage() {
  [ $# -gt 0 ] && echo "submit.sh: $*" >&2
  cat >&2 <<'EOF'
usage: scripts/slurm/submit.sh SWEEP.yaml N [sbatch options...]
  Run SWEEP.yaml as a Slurm array job of N shards and a merge job that
  depends on it; prints the two job ids. N is a positive integer.
  Environment: OUTDIR (default outputs), HWSWEEP_BIN (default bin/hwsweep),
  CHECKPOINT_S (default 600: seconds before the time limit at which a shard
  checkpoints and requeues itself), HWSWEEP_SCRATCH (default $TMPDIR on the node),
  PUBLISH_EVERY_S (default 1800: a shard also publishes a checkpoint this often).
  Example: scripts/slurm/submit.sh sweeps/big.yaml 32 --partition=cpu --cpus-per-task=8 --time=2:00:00
EOF
  exit 2
}

case ${1:-} in -h|--help) usage ;; esac
[ $# -ge 2 ] || usage "need SWEEP.yaml and N"
sweep=$1
n=$2
shift 2
case $n in
  '' | *[!0-9]*) usage "N must be a positive integer, not '$n'" ;;
esac
n=$((10#$n))
[ "$n" -ge 1 ] || usage "N must be a positive integer, not 0"
CHECKPOINT_S=${CHECKPOINT_S:-600}
case $CHECKPOINT_S in
  '' | *[!0-9]*) usage "CHECKPOINT_S must be a number of seconds, not '$CHECKPOINT_S'" ;;
esac
[ -f "$sweep" ] || usage "no such sweep file: $sweep"
case $sweep in
  *.yaml) ;;
  *) usage "the sweep file must end in .yaml: $sweep" ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
if [ -z "${HWSWEEP_BIN:-}" ]; then
  HWSWEEP_BIN=bin/hwsweep
  [ -x "$HWSWEEP_BIN" ] || HWSWEEP_BIN=$repo/bin/hwsweep
fi
OUTDIR=${OUTDIR:-outputs}
export HWSWEEP_BIN OUTDIR

if ! command -v sbatch >/dev/null 2>&1; then
  echo "submit.sh: sbatch not found (is this a Slurm login node?)" >&2
  exit 1
fi
if ! command -v "$HWSWEEP_BIN" >/dev/null 2>&1; then
  echo "submit.sh: $HWSWEEP_BIN is not an executable (build it with make, or set HWSWEEP_BIN)" >&2
  exit 1
fi

# Array indices must stay below the cluster's MaxArraySize: more shards are
# split over several array jobs of at most MaxArraySize-1 tasks each (task I
# of the array starting after shard OFFSET runs shard OFFSET+I).
per=$n
max_array=$({ scontrol show config 2>/dev/null || true; } | sed -n 's/^MaxArraySize *= *\([0-9][0-9]*\).*/\1/p' | head -n 1)
if [ -n "$max_array" ] && [ "$n" -ge "$max_array" ]; then
  per=$((max_array - 1))
  if [ "$per" -lt 1 ]; then
    echo "submit.sh: this cluster's MaxArraySize=$max_array allows no array job (indices 1.. must be below it)" >&2
    exit 2
  fi
  echo "note: $n shards exceed this cluster's MaxArraySize=$max_array: submitting" \
       "$(((n + per - 1) / per)) array jobs of at most $per tasks" >&2
fi

name=$(basename "$sweep" .yaml)
mkdir -p "$OUTDIR/sweeps" "$OUTDIR/slurm"

# Shard databases left by an earlier, interrupted submission are resumed by
# the array tasks (sweep.sbatch runs `hwsweep run --resume` on them).
shopt -s nullglob
old=("$OUTDIR/sweeps/$name".shard-*-of-"$n".db "$OUTDIR/sweeps/$name".shard-*-of-"$n".db.partial)
shopt -u nullglob
if [ ${#old[@]} -gt 0 ]; then
  echo "note: ${#old[@]} shard database(s) of $name in $OUTDIR/sweeps will be resumed" \
       "(remove $OUTDIR/sweeps/$name.shard-*-of-$n.db to start afresh)" >&2
fi

# `sbatch --parsable` prints "ID" or "ID;CLUSTER".
arrays=()
for ((off = 0; off < n; off += per)); do
  cnt=$((n - off < per ? n - off : per))
  if ! array=$(sbatch --parsable --export="ALL,HWSWEEP_SHARD_OFFSET=$off" --array="1-$cnt" \
                      --job-name="hwsweep-$name" --output="$OUTDIR/slurm/%x-%A_%a.out" --open-mode=append \
                      --requeue --signal="B:USR1@$CHECKPOINT_S" "$@" \
                      "$here/sweep.sbatch" "$sweep" "$n"); then
    echo "submit.sh: submitting the array job of shards $((off + 1))-$((off + cnt)) failed (see sbatch's" \
         "message above)${arrays[*]:+; array job(s) ${arrays[*]} are queued}" >&2
    exit 1
  fi
  array=${array%%;*}
  arrays+=("$array")
  if [ "$per" -lt "$n" ]; then
    echo "array job: $array (shards $((off + 1))-$((off + cnt)))"
  else
    echo "array job: $array"
  fi
done

out=$(printf '%q' "$OUTDIR/sweeps/$name.db")
shards="$(printf '%q' "$OUTDIR/sweeps/$name").shard-*-of-$n.db"
merge_cmd="exec $(printf '%q' "$HWSWEEP_BIN") merge $out $shards"
after=$(IFS=:; echo "${arrays[*]}")
if ! merge=$(sbatch --parsable --export=ALL --dependency="afterok:$after" --kill-on-invalid-dep=yes \
                    --job-name="hwsweep-merge-$name" --output="$OUTDIR/slurm/%x-%j.out" \
                    "$@" --wrap "$merge_cmd"); then
  echo "submit.sh: submitting the merge job failed; array job(s) ${arrays[*]} are queued." >&2
  echo "  once it is done, merge by hand:  $merge_cmd" >&2
  exit 1
fi
merge=${merge%%;*}
echo "merge job: $merge"
