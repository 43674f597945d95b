#!/bin/bash
# test-slurm.sh -- integration test of scripts/slurm/ against a real Slurm
# running on this machine (`make test-slurm`).
#
# Installs Debian's slurm-wlm and munge when missing (needs root), starts a
# private munged, slurmctld and slurmd (single node, no cgroups, own ports,
# everything under a temp dir), runs tests/sweeps/slurm_tiny.yaml once in a
# single process and once as 4 Slurm shards + merge (scripts/slurm/submit.sh),
# checks that the data tables of the two databases are identical, and that a
# requeued shard resumes its database.  Then the time-limit path with
# tests/sweeps/cluster_slurm.yaml in 2 shards: a shard is sent the SIGUSR1 that
# --signal=B:USR1@S delivers (scancel --batch --signal=USR1) while its
# database, in the scratch folder only, holds some but not all servers; it
# checkpoints, requeues itself, resumes the published checkpoint, and the
# merge equals a single-process run.  And submit.sh splits N at or above the
# cluster's MaxArraySize (set to 5 here) over two array jobs. The daemons it started are stopped by
# pid on exit, also on failure; so are any job processes left behind.
# Environment: HWSWEEP_BIN (default bin/hwsweep), TEST_SLURM_KEEP=1 keeps the
# temp dir, TEST_SLURM_NODE_WAIT / TEST_SLURM_JOB_WAIT (seconds, 60 / 300)
# bound the waits for the node and for the jobs.
# Bash script; `sh test-slurm.sh` re-runs itself with bash.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -euo pipefail

cd "$(dirname "$0")/../.."
SWEEP=tests/sweeps/slurm_tiny.yaml
SHARDS=4
TABLES="chips packages servers systems perf"
HWSWEEP_BIN=${HWSWEEP_BIN:-bin/hwsweep}
case $HWSWEEP_BIN in /*) ;; */*) HWSWEEP_BIN=$PWD/$HWSWEEP_BIN ;; esac
NODE_WAIT=${TEST_SLURM_NODE_WAIT:-60}   # seconds for the node to come up
JOB_WAIT=${TEST_SLURM_JOB_WAIT:-300}    # seconds for the sharded sweep and its merge

passed=0
failed=0
tmp=""
pids=()        # daemons we started, in start order
jobs_ids=()    # jobs we submitted

say() { echo "test-slurm: $*"; }
die() {
  say "FAIL: $*"
  failed=$((failed + 1))
  exit 1
}

finish() {
  local rc=$? p
  trap - EXIT INT TERM
  set +e
  [ $rc -ne 0 ] && [ $failed -eq 0 ] && failed=1
  if [ ${#jobs_ids[@]} -gt 0 ] && [ $failed -gt 0 ]; then
    scancel "${jobs_ids[@]}" 2>/dev/null
    for _ in $(seq 1 30); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.5
    done
  fi
  # Stop the daemons in reverse order: slurmd, slurmctld, munged.
  for ((k = ${#pids[@]} - 1; k >= 0; k--)); do
    stop_pid "${pids[k]}"
  done
  export -n SLURM_CONF 2>/dev/null   # the scan's own helpers must not match
  stop_strays
  if [ -n "$tmp" ]; then
    if [ "${TEST_SLURM_KEEP:-0}" = 1 ]; then
      say "kept $tmp"
    else
      rm -rf "$tmp"
    fi
  fi
  echo "test-slurm: $passed passed, $failed failed"
  [ $failed -eq 0 ] || exit 1
  exit 0
}
trap finish EXIT
trap 'say interrupted; exit 130' INT
trap 'say interrupted; exit 143' TERM

alive() {   # alive PID: running and not a zombie
  local st
  [ -r "/proc/$1/stat" ] || return 1
  st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

stop_pid() {   # stop_pid PID: TERM, up to 10 s, then KILL; reap it
  local p=$1
  if alive "$p"; then
    kill -TERM "$p" 2>/dev/null
    for _ in $(seq 1 50); do alive "$p" || break; sleep 0.2; done
    if alive "$p"; then
      say "pid $p ignored SIGTERM; killing it"
      kill -KILL "$p" 2>/dev/null
    fi
  fi
  wait "$p" 2>/dev/null
  return 0
}

# Processes that run with our private SLURM_CONF in their environment (job
# steps, slurmstepd) were started by this test; stop any still running.
stop_strays() {
  [ -n "$tmp" ] || return 0
  local e p strays=()
  for e in /proc/[0-9]*/environ; do
    p=${e#/proc/}
    p=${p%/environ}
    [ "$p" = $$ ] || [ "$p" = "$BASHPID" ] && continue
    if grep -qzxF "SLURM_CONF=$tmp/slurm.conf" "$e" 2>/dev/null; then
      alive "$p" && strays+=("$p")
    fi
  done
  [ ${#strays[@]} -eq 0 ] && return 0
  say "stopping stray processes of this test: ${strays[*]}"
  kill -TERM "${strays[@]}" 2>/dev/null
  for _ in $(seq 1 25); do
    local left=0
    for p in "${strays[@]}"; do alive "$p" && left=1; done
    [ $left = 0 ] && return 0
    sleep 0.2
  done
  for p in "${strays[@]}"; do alive "$p" && kill -KILL "$p" 2>/dev/null; done
  return 0
}

show_logs() {
  local f
  for f in "$tmp"/log/* "$tmp"/sharded/slurm/*; do
    [ -f "$f" ] || continue
    echo "----- $f (last 40 lines)"
    tail -n 40 "$f"
  done
  echo "-----"
}

port_free() {   # port_free PORT: nobody listens on it (IPv4 or IPv6)
  local hex
  hex=$(printf ':%04X ' "$1")
  ! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == "0A" {print $2 " "}' | grep -qF "$hex"
}

# --- 1. submit.sh argument checks (no Slurm needed) ------------------------
check_usage() {
  local rc args
  for args in "" "$SWEEP" "$SWEEP 0" "$SWEEP -1" "$SWEEP x" "$SWEEP 2x" "no/such.yaml 4"; do
    rc=0
    # shellcheck disable=SC2086  # split on purpose
    scripts/slurm/submit.sh $args >"$tmp/usage.out" 2>&1 || rc=$?
    if [ $rc -ne 2 ] || ! grep -q '^usage:' "$tmp/usage.out"; then
      cat "$tmp/usage.out"
      die "submit.sh $args: exit $rc, want 2 and a usage message"
    fi
  done
  say "ok: submit.sh rejects bad arguments with a usage message"
  passed=$((passed + 1))
}

# --- 2. prerequisites ------------------------------------------------------
[ -f "$SWEEP" ] || die "missing $SWEEP"
if ! [ -x "$HWSWEEP_BIN" ] && ! command -v "$HWSWEEP_BIN" >/dev/null 2>&1; then
  die "$HWSWEEP_BIN not found (run make first)"
fi
if ! "$HWSWEEP_BIN" run --help 2>&1 | grep -q -- '--shard'; then
  die "$HWSWEEP_BIN run has no --shard option"
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
   ! command -v sbatch >/dev/null || ! command -v munged >/dev/null ||
   ! command -v sqlite3 >/dev/null; then
  [ "$(id -u)" = 0 ] || die "slurm-wlm/munge missing; run as root to install them (apt-get install slurm-wlm munge sqlite3)"
  say "installing slurm-wlm munge sqlite3"
  export DEBIAN_FRONTEND=noninteractive
  aptlog=$(mktemp)
  if ! { apt-get update -qq && apt-get install -y -qq slurm-wlm munge sqlite3; } >"$aptlog" 2>&1; then
    tail -n 30 "$aptlog"
    rm -f "$aptlog"
    die "apt-get install slurm-wlm munge failed"
  fi
  rm -f "$aptlog"
fi
[ "$(id -u)" = 0 ] || die "must run as root (slurmd runs jobs as SlurmUser=root here)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hwsweep-slurm.XXXXXX")
chmod 755 "$tmp"   # munged wants every directory above its socket searchable
mkdir -p "$tmp/run" "$tmp/log" "$tmp/state" "$tmp/spool" "$tmp/munge"
chmod 700 "$tmp/munge"
export SLURM_CONF=$tmp/slurm.conf

check_usage

# --- 3. munge: private key, socket, pid and log in $tmp --------------------
sock=$tmp/run/munge.socket
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$tmp/munge/munge.key"
munged --foreground --socket="$sock" --key-file="$tmp/munge/munge.key" \
       --pid-file="$tmp/run/munged.pid" --seed-file="$tmp/munge/munged.seed" \
       --log-file="$tmp/log/munged.log" >"$tmp/log/munged.stderr" 2>&1 &
pids+=($!)
ok=0
for _ in $(seq 1 50); do
  if munge -S "$sock" -n 2>/dev/null | unmunge -S "$sock" >/dev/null 2>&1; then ok=1; break; fi
  alive "${pids[0]}" || break
  sleep 0.2
done
[ $ok = 1 ] || { show_logs; die "munged did not come up"; }

# --- 4. slurm: single-node configuration in $tmp ---------------------------
host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/^MemAvailable:/ {m = int($2 / 1024 / 2); print (m > 1 ? m : 1)}' /proc/meminfo)
ctld_port=""
for p in $(seq $((20000 + $$ % 20000)) 2 $((20000 + $$ % 20000 + 200))); do
  if port_free "$p" && port_free $((p + 1)); then ctld_port=$p; break; fi
done
[ -n "$ctld_port" ] || die "no free TCP ports for slurmctld/slurmd"
cat >"$SLURM_CONF" <<EOF
# generated by scripts/slurm/test-slurm.sh
ClusterName=hwsweeptest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MinJobAge=3600
MaxArraySize=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -D >"$tmp/log/slurmctld.stderr" 2>&1 &
pids+=($!)
slurmd -D >"$tmp/log/slurmd.stderr" 2>&1 &
pids+=($!)

state=""
for _ in $(seq 1 $((NODE_WAIT * 2))); do
  state=$(sinfo -h -N -n "$host" -o %T 2>/dev/null | head -n 1) || state=""
  [ "$state" = idle ] && break
  alive "${pids[1]}" || { show_logs; die "slurmctld exited"; }
  alive "${pids[2]}" || { show_logs; die "slurmd exited"; }
  sleep 0.5
done
[ "$state" = idle ] || { show_logs; die "node $host not idle after ${NODE_WAIT}s (state '${state:-none}')"; }
say "slurm up: node $host, $cpus CPUs, ${mem} MB, ports $ctld_port/$((ctld_port + 1))"

# --- 5. the sweep: single process vs. 4 shards + merge ----------------------
name=$(basename "$SWEEP" .yaml)
start=$SECONDS
"$HWSWEEP_BIN" run --quiet -o "$tmp/single" "$SWEEP" || die "single-process run of $SWEEP failed"
single_db=$tmp/single/sweeps/$name.db
[ -f "$single_db" ] || die "single-process run wrote no $single_db"
say "single-process run: $((SECONDS - start))s"

start=$SECONDS
# the jobs' $TMPDIR is hwsweep run's default scratch folder under Slurm
mkdir -p "$tmp/tmpdir"
TMPDIR=$tmp/tmpdir OUTDIR=$tmp/sharded HWSWEEP_BIN=$HWSWEEP_BIN scripts/slurm/submit.sh "$SWEEP" "$SHARDS" \
  >"$tmp/submit.out" 2>&1 || { cat "$tmp/submit.out"; die "submit.sh failed"; }
cat "$tmp/submit.out"
array=$(sed -n 's/^array job: \([0-9][0-9]*\)$/\1/p' "$tmp/submit.out")
merge=$(sed -n 's/^merge job: \([0-9][0-9]*\)$/\1/p' "$tmp/submit.out")
if [ -z "$array" ] || [ -z "$merge" ]; then
  die "submit.sh did not print 'array job: ID' and 'merge job: ID'"
fi
jobs_ids=("$array" "$merge")

# The states of all tasks of job $1 (one per line).
job_states() { { scontrol -o show job "$1" 2>/dev/null || true; } | sed -n 's/.* JobState=\([A-Z_]*\) .*/\1/p'; }

done_ok=0
for _ in $(seq 1 "$JOB_WAIT"); do
  m=$(job_states "$merge")
  case $m in
    COMPLETED) done_ok=1; break ;;
    FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED)
      show_logs; die "merge job $merge ended $m" ;;
  esac
  bad=$(job_states "$array" | grep -vxE 'PENDING|CONFIGURING|RUNNING|COMPLETING|COMPLETED|REQUEUED|RESIZING|SUSPENDED' | sort -u | tr '\n' ' ') || true
  [ -z "$bad" ] || { show_logs; die "array job $array: tasks ended $bad"; }
  sleep 1
done
[ $done_ok = 1 ] || { show_logs; die "jobs $array/$merge not done after ${JOB_WAIT}s (merge: ${m:-gone})"; }
say "sharded run ($SHARDS shards + merge through Slurm): $((SECONDS - start))s"

merged_db=$tmp/sharded/sweeps/$name.db
[ -f "$merged_db" ] || { show_logs; die "merge job wrote no $merged_db"; }
for i in $(seq 1 "$SHARDS"); do
  [ -f "$tmp/sharded/sweeps/$name.shard-$i-of-$SHARDS.db" ] || die "missing shard database $i of $SHARDS"
  [ -f "$tmp/sharded/slurm/hwsweep-$name-${array}_$i.out" ] || die "missing log of array task $i"
  ls "$tmp"/tmpdir/hwsweep-*/"$name.shard-$i-of-$SHARDS.db.lock" >/dev/null 2>&1 ||
    die "shard $i did not use the job's \$TMPDIR ($tmp/tmpdir) as its scratch folder"
done

# --- 6. compare the data tables ---------------------------------------------
dump() {   # dump DB TABLE: every row, ordered by every column
  local ncol order
  ncol=$(sqlite3 "$1" "SELECT count(*) FROM pragma_table_info('$2')") || return 1
  [ "$ncol" -gt 0 ] || { echo "no table $2 in $1" >&2; return 1; }
  order=$(seq -s, 1 "$ncol")
  sqlite3 -batch "$1" "SELECT * FROM \"$2\" ORDER BY $order"
}
summary=""
for t in $TABLES; do
  dump "$single_db" "$t" >"$tmp/single.$t" || die "cannot read table $t of the single-process database"
  dump "$merged_db" "$t" >"$tmp/merged.$t" || die "cannot read table $t of the merged database"
  rows=$(wc -l <"$tmp/single.$t")
  [ "$rows" -gt 0 ] || die "table $t of the single-process run is empty (sweep too small?)"
  if ! cmp -s "$tmp/single.$t" "$tmp/merged.$t"; then
    diff "$tmp/single.$t" "$tmp/merged.$t" | head -n 20
    die "table $t differs between the single-process run and the merged shards"
  fi
  summary="$summary $t=$rows"
done
# The shards must have split the work, not each done all of it.
total=$(sqlite3 "$merged_db" "SELECT count(*) FROM servers")
for i in $(seq 1 "$SHARDS"); do
  n=$(sqlite3 "$tmp/sharded/sweeps/$name.shard-$i-of-$SHARDS.db" "SELECT count(*) FROM servers")
  [ "$n" -lt "$total" ] || die "shard $i of $SHARDS holds all $total servers: the sweep was not split"
done
say "ok: merged database equals the single-process run (rows:$summary)"
passed=$((passed + 1))

# --- 7. a requeued task resumes its shard database --------------------------
# Requeue a finished task (as Slurm does after a node failure) and let it
# start at once: sweep.sbatch must find the shard database and run
# `hwsweep run --resume`, which leaves the shard's data as it was.
task=1
shard_db=$tmp/sharded/sweeps/$name.shard-$task-of-$SHARDS.db
log=$tmp/sharded/slurm/hwsweep-$name-${array}_$task.out
for t in $TABLES; do dump "$shard_db" "$t"; done >"$tmp/shard.before" || die "cannot read $shard_db"
scontrol requeue "${array}_$task" || die "scontrol requeue ${array}_$task failed"
scontrol update JobId="${array}_$task" StartTime=now+2 >/dev/null 2>&1 || true   # see section 8
done_ok=0
for _ in $(seq 1 120); do
  if [ "$(grep -c "shard $task/$SHARDS done" "$log")" -ge 2 ]; then
    case $(job_states "${array}_$task") in
      COMPLETED) done_ok=1; break ;;
      FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;;
    esac
  fi
  sleep 0.5
done
[ $done_ok = 1 ] || { show_logs; die "requeued task ${array}_$task did not complete again"; }
grep -q "^hwsweep: resuming $shard_db" "$log" || { cat "$log"; die "requeued task ${array}_$task did not resume its shard database"; }
for t in $TABLES; do dump "$shard_db" "$t"; done >"$tmp/shard.after" || die "cannot read $shard_db"
cmp -s "$tmp/shard.before" "$tmp/shard.after" || die "resuming shard $task changed its data"
say "ok: a requeued task resumes its shard database (hwsweep run --resume)"
passed=$((passed + 1))

# --- 8. the time limit: checkpoint, requeue, resume ----------------------------
# Slurm's --signal=B:USR1@S sends SIGUSR1 to the batch script S seconds before
# the limit; scancel --batch --signal=USR1 sends the same signal now, so the
# test decides when it lands: once shard 1's database, in the scratch folder
# and nowhere else, holds a committed chunk.
CSWEEP=tests/sweeps/cluster_slurm.yaml
cname=$(basename "$CSWEEP" .yaml)
"$HWSWEEP_BIN" run --quiet -j 1 -o "$tmp/csingle" "$CSWEEP" || die "single-process run of $CSWEEP failed"
mkdir -p "$tmp/scratch"
OUTDIR=$tmp/requeue HWSWEEP_BIN=$HWSWEEP_BIN HWSWEEP_SCRATCH=$tmp/scratch CHECKPOINT_S=120 \
  scripts/slurm/submit.sh "$CSWEEP" 2 --cpus-per-task=1 >"$tmp/submit2.out" 2>&1 ||
  { cat "$tmp/submit2.out"; die "submit.sh of $CSWEEP failed"; }
carray=$(sed -n 's/^array job: \([0-9][0-9]*\)$/\1/p' "$tmp/submit2.out")
cmerge=$(sed -n 's/^merge job: \([0-9][0-9]*\)$/\1/p' "$tmp/submit2.out")
[ -n "$carray" ] && [ -n "$cmerge" ] || die "submit.sh did not print the job ids"
jobs_ids+=("$carray" "$cmerge")
scontrol show job "$cmerge" | grep -qi 'KillOInInvalidDependent=Yes' ||
  say "note: scontrol does not show KillOInInvalidDependent for the merge job"
shard1=$tmp/requeue/sweeps/$cname.shard-1-of-2.db
clog=$tmp/requeue/slurm/hwsweep-$cname-${carray}_1.out
count() { sqlite3 "file:$1?mode=ro" "SELECT count(*) FROM servers" 2>/dev/null || echo 0; }
in_scratch=0
for _ in $(seq 1 $((JOB_WAIT * 20))); do
  f=$(ls "$tmp"/scratch/hwsweep-*/"$cname.shard-1-of-2.db.partial" 2>/dev/null | head -n 1) || true
  if [ -n "$f" ] && [ "$(count "$f")" -ge 1 ]; then in_scratch=1; break; fi
  sleep 0.05
done
[ $in_scratch = 1 ] || { show_logs; die "shard 1 never wrote a chunk into the scratch folder $tmp/scratch"; }
[ ! -e "$shard1" ] && [ ! -e "$shard1.partial" ] ||
  die "shard 1 wrote into the shared output folder while running (scratch not used)"
scancel --batch --signal=USR1 "${carray}_1" || die "scancel --signal=USR1 ${carray}_1 failed"
done_ok=0
started=0
for _ in $(seq 1 $((JOB_WAIT * 2))); do
  if [ $started = 0 ] && grep -q "shard 1/2 checkpointed" "$clog" 2>/dev/null &&
     [ "$(job_states "${carray}_1")" = PENDING ]; then
    started=1
    # the requeued task waits for its begin time; let it start in 2 s, not
    # at once: slurmd refuses to launch a job in the same second its
    # previous run's credential was revoked ("Job credential revoked": the
    # task then fails and its merge job is cancelled as a dependent)
    scontrol update JobId="${carray}_1" StartTime=now+2 >/dev/null 2>&1 || true
  fi
  [ "$(job_states "$cmerge")" = COMPLETED ] && { done_ok=1; break; }
  case $(job_states "$cmerge") in
    FAILED | CANCELLED | TIMEOUT | NODE_FAIL) show_logs; die "merge job $cmerge ended $(job_states "$cmerge")" ;;
  esac
  sleep 0.5
done
[ $done_ok = 1 ] || { show_logs; die "the requeued sweep did not finish in ${JOB_WAIT}s"; }
grep -q "shard 1/2 checkpointed" "$clog" || { cat "$clog"; die "shard 1 did not checkpoint on SIGUSR1"; }
# the status the task printed at its checkpoint: some but not all servers
line=$(grep -E '^1/2 +interrupted +[0-9]+/[0-9]+ ' "$clog" | head -n 1)
cdone=$(echo "$line" | awk '{split($3, a, "/"); print a[1]}')
ctotal=$(echo "$line" | awk '{split($3, a, "/"); print a[2]}')
[ -n "$cdone" ] && [ "$cdone" -ge 1 ] && [ "$cdone" -lt "$ctotal" ] ||
  { cat "$clog"; die "the signal did not land mid-run (checkpoint: '${line:-none}')"; }
grep -q "restart 1" "$clog" || { cat "$clog"; die "shard 1 was not requeued (no restart 1 in its log)"; }
[ "$(grep -c "shard 1/2 done" "$clog")" = 1 ] || { cat "$clog"; die "shard 1 did not finish exactly once"; }
[ -f "$shard1" ] && [ ! -e "$shard1.partial" ] || die "shard 1 not published as $shard1 (or its checkpoint left)"
for f in "$tmp"/scratch/hwsweep-*/*; do
  case $f in *.lock) ;; *) [ -e "$f" ] && die "database file left in the scratch folder: $f" ;; esac
done
cmerged=$tmp/requeue/sweeps/$cname.db
for t in $TABLES; do
  dump "$tmp/csingle/sweeps/$cname.db" "$t" >"$tmp/csingle.$t" || die "cannot read $t of the single run"
  dump "$cmerged" "$t" >"$tmp/cmerged.$t" || die "cannot read $t of the merged run"
  cmp -s "$tmp/csingle.$t" "$tmp/cmerged.$t" || die "table $t differs after checkpoint and requeue"
done
say "ok: SIGUSR1 at $cdone of $ctotal servers: shard checkpointed, requeued, resumed; merge equals the single run"
passed=$((passed + 1))
"$HWSWEEP_BIN" status "$tmp"/requeue/sweeps/"$cname".shard-*-of-2.db

# --- 9. MaxArraySize: more shards than one array may hold ----------------------
# 5 shards on MaxArraySize=5 (indices 1..4): two array jobs, shards 1-4 and 5,
# one merge after both, equal to the single-process run.
OUTDIR=$tmp/split HWSWEEP_BIN=$HWSWEEP_BIN HWSWEEP_SCRATCH=$tmp/scratch scripts/slurm/submit.sh "$SWEEP" 5 \
  >"$tmp/split.out" 2>&1 || { cat "$tmp/split.out"; die "submit.sh of 5 shards on MaxArraySize=5 failed"; }
cat "$tmp/split.out"
grep -q "MaxArraySize=5: submitting 2 array jobs of at most 4 tasks" "$tmp/split.out" ||
  die "submit.sh did not say that it split the 5 shards"
sarrays=$(sed -n 's/^array job: \([0-9][0-9]*\) (shards .*)$/\1/p' "$tmp/split.out" | tr '\n' ' ')
smerge=$(sed -n 's/^merge job: \([0-9][0-9]*\)$/\1/p' "$tmp/split.out")
[ "$(echo $sarrays | wc -w)" = 2 ] && [ -n "$smerge" ] || die "submit.sh did not print two array jobs and a merge job"
# shellcheck disable=SC2206  # split on purpose
jobs_ids+=($sarrays "$smerge")
done_ok=0
for _ in $(seq 1 "$JOB_WAIT"); do
  case $(job_states "$smerge") in
    COMPLETED) done_ok=1; break ;;
    FAILED | CANCELLED | TIMEOUT | NODE_FAIL) show_logs; die "merge job $smerge ended $(job_states "$smerge")" ;;
  esac
  sleep 1
done
[ $done_ok = 1 ] || { show_logs; die "the split sweep did not finish in ${JOB_WAIT}s"; }
for i in 1 2 3 4 5; do
  [ -f "$tmp/split/sweeps/$name.shard-$i-of-5.db" ] || die "missing shard $i of 5 after the split submission"
done
for t in $TABLES; do
  dump "$tmp/split/sweeps/$name.db" "$t" >"$tmp/split.$t" || die "cannot read $t of the split run's merge"
  cmp -s "$tmp/single.$t" "$tmp/split.$t" || die "table $t differs between the single run and the split submission"
done
say "ok: 5 shards on MaxArraySize=5 run as two array jobs; their merge equals the single-process run"
passed=$((passed + 1))
