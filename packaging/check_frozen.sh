#!/usr/bin/env bash
# Prove the frozen app works without Python: --version, a demo case, verify, the window.
# Usage: packaging/check_frozen.sh dist/osintdesk/osintdesk
set -euo pipefail
app="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
# No Python on the path and none of the source tree: only what the folder holds.
export PATH=/usr/bin:/bin PYTHONPATH= PYTHONHOME= OSINTDESK_CONFIG_DIR="$work/config"
export OSINTDESK_EXAMINER="Frozen check"
"$app" --version
"$app" demo create il62 demo --seed 1 2> create.err
if [ -s create.err ]; then cat create.err >&2; exit 1; fi   # e.g. a library's data file missing
"$app" search demo.osintcase Sunan --json | grep -q '"snippet"'   # the pages' text was extracted
"$app" verify demo.osintcase --json > verify.json
grep -q '"ok": true' verify.json
"$app" chart demo.osintcase map -o map.png     # the basemap is found when frozen
"$app" chart demo.osintcase timeline -o timeline.svg
"$app" report demo.osintcase -o report.pdf      # SVG charts drawn into the PDF, fonts embedded
head -c 5 report.pdf | grep -q '%PDF-'
"$app" import-flights demo.osintcase /dev/null 2>/dev/null && exit 1 || true   # bad input: exit 2
# The window, offscreen, with the demo open: it quits by itself once shown (exit 0).
QT_QPA_PLATFORM=offscreen OSINTDESK_QUIT_WHEN_SHOWN=1 timeout 60 "$app" gui demo.osintcase
echo "frozen app OK: $app"
