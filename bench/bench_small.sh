#!/bin/sh
# bench_small.sh -- CPU time (user + system, from getrusage of the child,
# microsecond resolution) of the small software evaluations, best of 10:
#   hwsweep sw -j 1 cc_sweep x gpt3 (cc_sweep system file, 232 system points)
#   hwsweep sw -j 1 tpuv4 x gpt3 (3 system points)
# each "first" on a fresh copy of the hardware database, and "again" on the
# database it just wrote (the rows of that model replaced), plus the
# database's size.  usage: sh bench/bench_small.sh bin/hwsweep
set -eu
bin=$1
out=$(mktemp -d /tmp/hwsweep-bench-small-XXXXXX)
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/w" "$out/pristine"
"$bin" hw -q -o "$out/pristine" inputs/hardware/config/cc_sweep.yaml
"$bin" hw -q -o "$out/pristine" inputs/hardware/config/tpuv4.yaml
python3 - "$bin" "$out" <<'PY'
import os, resource, shutil, subprocess, sys
binary, out = sys.argv[1], sys.argv[2]
cases = [("cc_sweep", ["-s", "inputs/software/system/cc_sweep.yaml"], "cc_sweep x gpt3 (232 system points)"),
         ("tpuv4", [], "tpuv4 x gpt3 (3 system points)")]

def cpu(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

for name, extra, label in cases:
    db = os.path.join(out, "w", name, name + ".db")
    cmd = [binary, "sw", "-q", "-j", "1", "-o", os.path.join(out, "w"), "-m", "inputs/software/model/gpt3.yaml"] + \
        extra + [name]
    first, again = [], []
    for _ in range(10):
        shutil.rmtree(os.path.join(out, "w", name), ignore_errors=True)
        shutil.copytree(os.path.join(out, "pristine", name), os.path.join(out, "w", name))
        first.append(cpu(cmd))
        again.append(cpu(cmd))
    print("sw -j 1 %-38s first %6.1f ms CPU, again %6.1f ms CPU (best of 10); database %d KiB"
          % (label, 1e3 * min(first), 1e3 * min(again), os.path.getsize(db) // 1024))
PY
