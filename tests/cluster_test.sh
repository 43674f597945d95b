#!/bin/sh
# shellcheck disable=SC2015  # ok and ko always succeed: A && ok || ko is safe
# cluster_test.sh -- cluster runs without a cluster: `hwsweep run --scratch`
# writes the shard database in the scratch folder only and publishes it into
# OUTDIR/sweeps when finished; SIGUSR1 mid-run checkpoints (exit 75) and
# publishes OUTDIR/sweeps/NAME.db.partial (rollback journal, fewer servers
# than the shard); a resume in another scratch folder (another node) picks
# the published checkpoint, one in the same folder after kill -9 picks its
# scratch copy (each attempt's sweep_progress row says where it started);
# both finish equal to an uninterrupted run table by table; `hwsweep status`
# reports running, interrupted and finished; SIGUSR1 before the points phase
# is a checkpoint too (exit 75, not death); with --publish-every a shard
# whose node is lost (kill -9, scratch removed) resumes elsewhere from the
# periodic checkpoint.  The Slurm side: make test-slurm.
# usage: sh tests/cluster_test.sh bin/hwsweep
set -u
bin=$1
tmp=$(mktemp -d /tmp/hwsweep-cluster-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
dump() {
    for t in chips packages servers systems perf; do
        echo "== $t"; sqlite3 "$1" "SELECT * FROM $t ORDER BY 1, 2, 3" || echo "no table $t"
    done
}
only_locks() {   # only_locks FILE...: none of them exists but writer locks
    for f in "$@"; do case $f in *.lock) ;; *) [ -e "$f" ] && return 1 ;; esac; done
    return 0
}
count() { sqlite3 "file:$1?mode=ro" "SELECT count(*) FROM servers" 2>/dev/null || echo 0; }
# wait until the scratch database holds a committed chunk (at most 30 s)
wait_chunk() {
    n=0
    while [ "$(count "$(ls "$1"/hwsweep-*/cluster.shard-1-of-2.db.partial 2>/dev/null | head -n 1)")" -lt 1 ] &&
          [ $n -lt 600 ]; do
        sleep 0.05; n=$((n + 1))
    done
}

sweep=tests/sweeps/cluster.yaml
db=cluster.shard-1-of-2.db
"$bin" run -q -j 1 --shard 1/2 -o "$tmp/ref" "$sweep" || ko "reference run"
dump "$tmp/ref/sweeps/$db" >"$tmp/ref.dump"
total=$(sqlite3 "$tmp/ref/sweeps/$db" "SELECT count(*) FROM servers")

# 1. signalled mid-run: the checkpoint is published, nothing else is
mkdir -p "$tmp/nodeA" "$tmp/nodeB" "$tmp/nodeC"
out=$tmp/out
# niced, and stopped (SIGSTOP) as soon as its first chunk is stored: a half
# takes about 0.5 s, and under make test's parallel groups the status command
# below could otherwise let the shard finish before the signal.  The USR1
# sent while it is stopped is delivered when it continues.
nice -n 19 "$bin" run -q -j 1 --shard 1/2 --scratch "$tmp/nodeA" -o "$out" "$sweep" 2>"$tmp/usr1.err" & pid=$!
wait_chunk "$tmp/nodeA"
kill -STOP $pid
ls "$out/sweeps" >"$tmp/during" 2>/dev/null
"$bin" status "$tmp"/nodeA/hwsweep-*/$db.partial >"$tmp/status" 2>&1
kill -USR1 $pid; kill -CONT $pid; wait $pid 2>"$tmp/usr1.err"; rc=$?
[ ! -s "$tmp/during" ] && ok || ko "OUTDIR/sweeps held $(cat "$tmp/during") while the shard ran in scratch"
[ $rc = 75 ] && ok || ko "SIGUSR1: exit status $rc, want 75"
grep -Eq "^1/2 +running +[0-9]+/$total " "$tmp/status" && ok || { ko "status of the running shard"; cat "$tmp/status"; }
part=$out/sweeps/$db.partial
done1=$(count "$part")
echo "cluster_test: SIGUSR1 checkpointed $done1 of $total servers"
[ "$done1" -ge 1 ] && [ "$done1" -lt "$total" ] && ok || ko "checkpoint holds $done1 of $total servers: not mid-run"
[ "$(sqlite3 "$part" 'PRAGMA journal_mode')" = delete ] && ok || ko "checkpoint not in rollback-journal mode"
[ ! -e "$out/sweeps/$db" ] && ok || ko "an unfinished shard appeared as $db"
only_locks "$tmp"/nodeA/hwsweep-*/* && ok || ko "scratch copy left after publishing: $(ls "$tmp"/nodeA/hwsweep-*/)"
"$bin" status "$out/sweeps/$db" >"$tmp/status" || ko "status of the checkpoint"
grep -Eq "^1/2 +interrupted +$done1/$total " "$tmp/status" && ok || { ko "status of the checkpoint"; cat "$tmp/status"; }

# 2. requeued on another node: resumes the published checkpoint
"$bin" run -j 1 --resume --shard 1/2 --scratch "$tmp/nodeB" -o "$out" "$sweep" 2>"$tmp/err" >/dev/null || ko "resume on node B"
grep -q "resuming the published checkpoint" "$tmp/err" && ok || { ko "node B did not take the checkpoint"; cat "$tmp/err"; }
dump "$out/sweeps/$db" | cmp -s - "$tmp/ref.dump" && ok || ko "resumed shard differs from the uninterrupted run"
at=$(sqlite3 "$out/sweeps/$db" "SELECT servers_at_start FROM sweep_progress ORDER BY run_id DESC LIMIT 1")
[ "$at" = "$done1" ] && ok || ko "node B's attempt started at $at servers, not at the checkpoint's $done1"
[ ! -e "$part" ] && ok || ko "checkpoint left after the shard finished"
only_locks "$tmp"/nodeB/hwsweep-*/* && ok || ko "scratch copy left on node B"
"$bin" status --json "$out/sweeps/$db" | grep -q '"state": "finished"' && ok || ko "status --json of the finished shard"

# 3. killed without a checkpoint: the same node resumes its scratch copy
out=$tmp/out2
"$bin" run -q -j 1 --shard 1/2 --scratch "$tmp/nodeA" -o "$out" "$sweep" & pid=$!
wait_chunk "$tmp/nodeA"
kill -KILL $pid; wait $pid 2>/dev/null
[ ! -e "$out/sweeps/$db.partial" ] && [ ! -e "$out/sweeps/$db" ] && ok || ko "kill -9 left a file in OUTDIR"
"$bin" run -j 1 --resume --shard 1/2 --scratch "$tmp/nodeA" -o "$out" "$sweep" 2>"$tmp/err" >/dev/null || ko "resume on node A"
dump "$out/sweeps/$db" | cmp -s - "$tmp/ref.dump" && ok || ko "shard resumed from scratch differs from the uninterrupted run"
at=$(sqlite3 "$out/sweeps/$db" "SELECT servers_at_start FROM sweep_progress ORDER BY run_id DESC LIMIT 1")
[ "$at" -ge 1 ] && ok || { ko "the resume after kill -9 started over instead of taking the scratch copy"; cat "$tmp/err"; }

# 4. SIGUSR1 before the points phase (once the run holds its lock): still a checkpoint, exit 75
out=$tmp/out3
"$bin" run -q -j 1 --shard 1/2 --scratch "$tmp/nodeC" -o "$out" "$sweep" 2>/dev/null & pid=$!
n=0
while ! ls "$tmp"/nodeC/hwsweep-*/$db.lock >/dev/null 2>&1 && [ $n -lt 600 ]; do sleep 0.01; n=$((n + 1)); done
kill -USR1 $pid; wait $pid; rc=$?
[ $rc = 75 ] && [ -f "$out/sweeps/$db.partial" ] && ok || ko "early SIGUSR1: exit status $rc (want 75) or no checkpoint"

# 5. a node lost mid-run: the periodic checkpoint (--publish-every) is taken up elsewhere
out=$tmp/out4
mkdir -p "$tmp/nodeD" "$tmp/nodeE"
"$bin" run -q -j 1 --shard 1/2 --scratch "$tmp/nodeD" --publish-every 0.1 -o "$out" "$sweep" & pid=$!
n=0
while [ "$(count "$out/sweeps/$db.partial")" -lt 1 ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n + 1)); done
kill -KILL $pid; wait $pid 2>/dev/null
rm -rf "$tmp/nodeD"   # the node and its scratch folder are gone
got=$(count "$out/sweeps/$db.partial")
[ "$got" -ge 1 ] && [ "$(sqlite3 "$out/sweeps/$db.partial" 'PRAGMA journal_mode')" = delete ] && ok ||
    ko "no periodic checkpoint in rollback-journal mode ($got servers)"
"$bin" run -j 1 --resume --shard 1/2 --scratch "$tmp/nodeE" -o "$out" "$sweep" 2>"$tmp/err" >/dev/null || ko "resume on node E"
dump "$out/sweeps/$db" | cmp -s - "$tmp/ref.dump" && ok || ko "shard resumed from a periodic checkpoint differs"
at=$(sqlite3 "$out/sweeps/$db" "SELECT servers_at_start FROM sweep_progress ORDER BY run_id DESC LIMIT 1")
[ "$at" -ge 1 ] && ok || { ko "node E started over instead of taking the periodic checkpoint"; cat "$tmp/err"; }

echo "cluster_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
