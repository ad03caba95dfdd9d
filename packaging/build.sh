#!/usr/bin/env bash
# Build the one-folder app with PyInstaller: dist/osintdesk/osintdesk runs without Python.
# Usage: packaging/build.sh [PYTHON] [DISTDIR]   (PYTHON needs `pip install -e '.[packaging]'`)
# Then `packaging/check_frozen.sh DISTDIR/osintdesk/osintdesk` proves the frozen app works.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${1:-python3}"
dist="${2:-$root/dist}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$dist" --workpath "$work" packaging/osintdesk.spec
echo "built $dist/osintdesk/osintdesk"
