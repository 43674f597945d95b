#!/bin/sh
# run_suites.sh -- what `make test` runs: the Check binaries with the CLI
# error, install, hf and query tests, the sweep test and the safety test, as three groups that run
# side by side (two cores finish the suite in about half the time); each
# group's output is printed whole, in order, when all have finished.
# usage: sh tests/run_suites.sh bin/hwsweep build/tests/test_...
set -u
bin=$1; shift
log=$(mktemp -d /tmp/hwsweep-suites-XXXXXX)
trap 'rm -rf "$log"' EXIT
(
    fail=0
    for t in "$@"; do echo "== $t"; "$t" || fail=1; done
    sh tests/cli_errors.sh "$bin" || fail=1
    sh tests/install_test.sh "$bin" || fail=1
    sh tests/hf_cli.sh "$bin" || fail=1
    sh tests/query_test.sh "$bin" || fail=1
    exit $fail
) >"$log/unit" 2>&1 & unit=$!
{ sh tests/sweep_test.sh "$bin"; a=$?; sh tests/npu_resume_test.sh "$bin" && exit $a; } >"$log/sweep" 2>&1 & sweep=$!
{ sh tests/safety_test.sh "$bin"; a=$?; sh tests/cluster_test.sh "$bin" && exit $a; } >"$log/safety" 2>&1 & safety=$!
fail=0
wait $unit || fail=1
wait $sweep || fail=1
wait $safety || fail=1
cat "$log/unit" "$log/sweep" "$log/safety"
if [ $fail = 0 ]; then echo "make test: all suites passed"; else echo "make test: FAILED"; exit 1; fi
