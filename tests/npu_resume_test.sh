#!/bin/sh
# shellcheck disable=SC2015  # ok and ko always succeed: A && ok || ko is safe
# npu_resume_test.sh -- an NPU sweep (hwsweep run with an npu: section) is
# resumable like a hardware sweep: killed with SIGKILL once NAME.db.partial
# holds a committed chunk but not every row, `--resume` continues it and
# the finished database equals an uninterrupted run table by table, in
# rollback-journal mode; a second writer is refused while one runs; Ctrl-C
# stops between chunks with exit status 130 and the resume command, the run
# recorded as interrupted mid-run, and --resume finishes it equal to the
# uninterrupted run;
# --resume on a finished database has nothing to do; resuming against a
# changed input is refused, naming the file, with nothing written.
# usage: sh tests/npu_resume_test.sh bin/hwsweep
set -u
bin=$1
tmp=$(mktemp -d /tmp/hwsweep-npures-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
dump() {   # every data table of an NPU sweep database, in key order (npu_runs differ by design)
    for t in npu_points npu_energy npu_ops npu_inputs; do
        echo "== $t"; sqlite3 "$1" "SELECT * FROM $t ORDER BY 1, 2, 3" || echo "no table $t"
    done
}
count() { sqlite3 "file:$1?mode=ro" "$2" 2>/dev/null || echo 0; }

# a copy, edited at the end to check that a changed input is refused
cp tests/sweeps/npu_resume.yaml "$tmp/npu_resume.yaml"
sweep=$tmp/npu_resume.yaml
"$bin" run -q -j 2 -o "$tmp/ref" "$sweep" || ko "reference run"
ref="$tmp/ref/sweeps/npu_resume.db"
total=$(sqlite3 "$ref" "SELECT count(*) FROM npu_points")
[ "$total" -gt 2000 ] && ok || ko "reference run stored $total rows"
[ "$(sqlite3 "$ref" 'PRAGMA journal_mode')" = delete ] && ok || ko "finished database not in rollback-journal mode"

# SIGKILL once the partial database holds at least one chunk and fewer rows than the total
out="$tmp/kill"
part="$out/sweeps/npu_resume.db.partial"
"$bin" run -q -j 1 -o "$out" "$sweep" & pid=$!
n=0
while [ "$(count "$part" 'SELECT count(*) FROM npu_points')" -lt 1 ] && [ $n -lt 600 ]; do
    sleep 0.05; n=$((n + 1))
done
kill -0 "$pid" 2>/dev/null && ok || ko "the run ended before the kill"
kill -9 "$pid"; wait "$pid" 2>/dev/null
stored=$(count "$part" 'SELECT count(*) FROM npu_points')
[ ! -e "$out/sweeps/npu_resume.db" ] && [ "$stored" -ge 512 ] && [ "$stored" -lt "$total" ] && ok ||
    ko "kill did not land mid-run ($stored of $total rows stored)"
cp -R "$out" "$tmp/chg"   # the same interrupted run, resumed at the end after an input changed

# resume twice at once: one writer resumes, the other (whichever comes second) is refused
# with the first one's pid, or finds the sweep complete when it comes after the end
"$bin" run -q --resume -o "$out" "$sweep" 2>"$tmp/lock1.err" & pid=$!
sleep 0.05
"$bin" run -q --resume -o "$out" "$sweep" 2>"$tmp/lock2.err"; rc2=$?
wait "$pid"; rc1=$?
refused() { grep -q "another hwsweep (pid [0-9]*) is writing" "$1"; }
{ [ "$rc1" = 0 ] && { [ "$rc2" = 0 ] || { [ "$rc2" = 1 ] && refused "$tmp/lock2.err"; }; }; } ||
    { [ "$rc2" = 0 ] && [ "$rc1" = 1 ] && refused "$tmp/lock1.err"; } && ok ||
    { ko "resume after SIGKILL: statuses $rc1 and $rc2"; cat "$tmp/lock1.err" "$tmp/lock2.err"; }
dump "$ref" >"$tmp/a"; dump "$out/sweeps/npu_resume.db" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" && [ -s "$tmp/a" ] && ok || ko "resumed database differs from the uninterrupted run"
[ ! -e "$part" ] && [ "$(sqlite3 "$out/sweeps/npu_resume.db" 'PRAGMA journal_mode')" = delete ] && ok ||
    ko "resumed database: partial left or not in rollback-journal mode"
runs=$(sqlite3 "$out/sweeps/npu_resume.db" "SELECT group_concat(status) FROM npu_runs")
[ "$runs" = killed,done ] && ok || ko "npu_runs after resume: $runs"
"$bin" run --resume -o "$out" "$sweep" 2>"$tmp/done.err" && grep -q "is complete: nothing to resume" "$tmp/done.err" &&
    ok || ko "--resume of a finished sweep"

# Ctrl-C stops between chunks: exit 130, the partial file kept and the resume command printed
"$bin" run -q -j 1 -o "$tmp/int" "$sweep" 2>"$tmp/int.err" & pid=$!
n=0
while [ "$(count "$tmp/int/sweeps/npu_resume.db.partial" 'SELECT count(*) FROM npu_points')" -lt 1 ] && [ $n -lt 600 ]; do
    sleep 0.05; n=$((n + 1))
done
kill -INT "$pid"; wait "$pid"; rc=$?
[ "$rc" = 130 ] && grep -q "resume with: hwsweep run --resume -o $tmp/int $sweep" "$tmp/int.err" &&
    [ -e "$tmp/int/sweeps/npu_resume.db.partial" ] && ok || { ko "SIGINT: status $rc"; cat "$tmp/int.err"; }
# ... recorded as interrupted (not failed) with part of the rows, and --resume finishes it
ipart="$tmp/int/sweeps/npu_resume.db.partial"
istored=$(count "$ipart" 'SELECT count(*) FROM npu_points')
irun=$(count "$ipart" 'SELECT group_concat(status) FROM npu_runs')
[ "$irun" = interrupted ] && ok || ko "npu_runs after Ctrl-C: '$irun' (expected interrupted)"
[ "$istored" -ge 512 ] && [ "$istored" -lt "$total" ] && ok ||
    ko "Ctrl-C did not land mid-run ($istored of $total rows stored)"
"$bin" run -q --resume -o "$tmp/int" "$sweep" 2>"$tmp/intres.err" && ok || { ko "resume after Ctrl-C"; cat "$tmp/intres.err"; }
dump "$tmp/int/sweeps/npu_resume.db" >"$tmp/c"
cmp -s "$tmp/a" "$tmp/c" && ok || ko "database resumed after Ctrl-C differs from the uninterrupted run"
runs=$(sqlite3 "$tmp/int/sweeps/npu_resume.db" "SELECT group_concat(status) FROM npu_runs")
[ "$runs" = interrupted,done ] && ok || ko "npu_runs after resuming a Ctrl-C'd run: $runs"

# a resume against a changed input is refused, naming the file; nothing written
echo "# edited" >>"$sweep"
cpart="$tmp/chg/sweeps/npu_resume.db.partial"
before=$(count "$cpart" 'SELECT count(*) FROM npu_points')
"$bin" run -q --resume -o "$tmp/chg" "$sweep" 2>"$tmp/chg.err"; rc=$?
after=$(count "$cpart" 'SELECT count(*) FROM npu_points')
[ "$rc" = 2 ] && grep -q "cannot resume: sweep $sweep changed" "$tmp/chg.err" && [ "$before" = "$after" ] &&
    [ ! -e "$tmp/chg/sweeps/npu_resume.db" ] && ok || { ko "resume with a changed input: status $rc"; cat "$tmp/chg.err"; }

echo "npu_resume_test: $pass passed, $fail failed"
[ "$fail" = 0 ]
