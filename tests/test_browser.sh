#!/bin/sh
# test_browser.sh -- `make test-browser`: the HTML report opened in headless
# Chromium.  Builds a small database (cc_sweep_small with gpt3 and
# llama3-70B, from tests/golden/inputs), writes its report, checks that the
# page references nothing outside itself and runs no script, loads it in
# Chromium at 1200x800, fails on any console message, and checks the
# screenshot (PNG, 1200x800, not blank).  The report and the screenshot are
# kept in outputs/test-browser/.  Usage: sh tests/test_browser.sh bin/hwsweep
set -eu
BIN=${1:-bin/hwsweep}
IN=tests/golden/inputs
KEEP=${OUTDIR:-outputs}/test-browser
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "test-browser: FAIL: $*" >&2; exit 1; }

"$BIN" hw -q -o "$tmp" "$IN/hardware/config/cc_sweep_small.yaml"
for m in gpt3 llama3-70B; do
  "$BIN" sw -q -o "$tmp" -m "$IN/software/model/$m.yaml" -s "$IN/software/system/cc_sweep_small.yaml" cc_sweep_small
done
"$BIN" report "$tmp/cc_sweep_small/cc_sweep_small.db" -o "$tmp/report.html" >/dev/null

# self-contained: no script, nothing fetched
grep -qi '<script' "$tmp/report.html" && fail "the report has a script"
grep -Eiq "(src|href)=[\"'](https?:|//|file:)" "$tmp/report.html" && fail "the report references an outside resource"
grep -Eiq "(@import|url\\([\"']?(https?:|//))" "$tmp/report.html" && fail "the report's style fetches something"
[ "$(grep -c '<svg' "$tmp/report.html")" -ge 8 ] || fail "fewer than 8 inline pictures"

# Chromium's console messages go to its log as INFO:CONSOLE lines
browse() {  # browse PAGE SHOT LOG
  timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 --window-size=1200,800 --virtual-time-budget=10000 \
    --screenshot="$2" "file://$1" >"$3" 2>&1 || { cat "$3" >&2; fail "chromium failed on $1"; }
}
# the detector itself: a page with a console error must be caught
printf '<!DOCTYPE html><html><body><script>console.error("detector check")</script></body></html>' >"$tmp/bad.html"
browse "$tmp/bad.html" "$tmp/bad.png" "$tmp/bad.log"
grep -q 'CONSOLE.*detector check' "$tmp/bad.log" || fail "console messages are not seen in chromium's log"

browse "$tmp/report.html" "$tmp/shot.png" "$tmp/chromium.log"
if grep -q ':CONSOLE' "$tmp/chromium.log"; then
  grep ':CONSOLE' "$tmp/chromium.log" >&2
  fail "console messages while loading the report"
fi

# the screenshot: PNG signature, 1200x800 (IHDR), and not a blank page
[ -f "$tmp/shot.png" ] || fail "no screenshot"
sig=$(od -An -tx1 -N8 "$tmp/shot.png" | tr -d ' \n')
[ "$sig" = "89504e470d0a1a0a" ] || fail "the screenshot is not a PNG"
dims=$(od -An -tu1 -j16 -N8 "$tmp/shot.png" | awk '{print $3*256+$4 "x" $7*256+$8}')
[ "$dims" = "1200x800" ] || fail "screenshot is $dims, not 1200x800"
size=$(wc -c <"$tmp/shot.png")
[ "$size" -gt 30000 ] || fail "screenshot of $size bytes: a blank page?"
mkdir -p "$KEEP"
cp "$tmp/report.html" "$tmp/shot.png" "$KEEP/"
echo "test-browser: report of $(wc -c <"$tmp/report.html") bytes, $(grep -c '<svg' "$tmp/report.html") inline" \
     "pictures, no console message; screenshot $dims, $size bytes ($KEEP/shot.png)"
